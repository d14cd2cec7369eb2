#ifndef DANCENET_ALLOCATION_COUNTER_H
#define DANCENET_ALLOCATION_COUNTER_H

// Test-only: this target defines malloc, calloc, realloc, free and the aligned allocators,
// forwarding each to glibc's __libc_* functions and counting allocations per thread. Linking it
// interposes the allocator of the whole test process, which keeps working exactly as before;
// only the counters are new. Swift Testing runs tests in parallel on several threads, so a test
// reads its own thread's count:
//
//   dancenet_alloc_count_reset();
//   generator.nextFrame(into: frame)      // after a warm-up frame
//   dancenet_alloc_count()                // allocations on this thread since the reset: 0

/// Sets this thread's allocation count to 0.
void dancenet_alloc_count_reset(void);

/// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign, valloc,
/// pvalloc) made on this thread since its last reset.
unsigned long long dancenet_alloc_count(void);

/// 1 when malloc & co. are counted; 0 in an AddressSanitizer build, which owns malloc (the
/// counts then stay 0).
int dancenet_alloc_count_available(void);

#endif
