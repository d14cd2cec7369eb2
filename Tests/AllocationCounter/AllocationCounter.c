// Test-only allocator interposition with per-thread allocation counts (see AllocationCounter.h).
// Every call forwards to glibc's own allocator under its __libc_* names, so pointers from here
// and from inside the C library are interchangeable and malloc_usable_size keeps working.

#include "AllocationCounter.h"

#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

// Under AddressSanitizer (scripts/sanitizers.sh) malloc belongs to the sanitizer: defining it
// here too would hand ASan's pointers to glibc's free. The counter is then left out and says so
// through dancenet_alloc_count_available(), and the tests that need it are skipped.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DANCENET_UNDER_ASAN 1
#endif
#endif
#ifndef DANCENET_UNDER_ASAN
#define DANCENET_UNDER_ASAN 0
#endif

int dancenet_alloc_count_available(void) { return !DANCENET_UNDER_ASAN; }

// initial-exec: no allocation (and no recursion into malloc) on first access from a thread.
static _Thread_local unsigned long long allocations __attribute__((tls_model("initial-exec")));

void dancenet_alloc_count_reset(void) { allocations = 0; }

unsigned long long dancenet_alloc_count(void) { return allocations; }

// MARK: - The allocator

#if !DANCENET_UNDER_ASAN

void *malloc(size_t size) {
  allocations += 1;
  return __libc_malloc(size);
}

void free(void *pointer) { __libc_free(pointer); }

void *calloc(size_t count, size_t size) {
  allocations += 1;
  return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
  allocations += 1;
  return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
  allocations += 1;
  return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  allocations += 1;
  return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
  if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  allocations += 1;
  void *pointer = __libc_memalign(alignment, size);
  if (pointer == NULL) return ENOMEM;
  *result = pointer;
  return 0;
}

void *valloc(size_t size) {
  allocations += 1;
  return __libc_valloc(size);
}

void *pvalloc(size_t size) {
  allocations += 1;
  return __libc_pvalloc(size);
}

#endif  // !DANCENET_UNDER_ASAN
