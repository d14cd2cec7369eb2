/* firmware-sim/support.c: the C library pieces the Embedded Swift firmware needs on a bare
 * Cortex-M4 (QEMU mps2-an386), written for this project:
 *   memset / memcpy / memmove / memcmp and their __aeabi_* forms (the ARM run-time ABI),
 *   64-bit shifts and division (__aeabi_llsl, __aeabi_llsr, __aeabi_lasr, __aeabi_uldivmod,
 *   __aeabi_ldivmod),
 *   posix_memalign / free over the linker script's heap region (a bump allocator that also
 *   takes back the most recent block), the UART, semihosting, SysTick, and fault exits.
 *
 * Built with -ffreestanding (so the compiler never turns a loop in here into a call to the
 * function it implements).
 */
#include "firmware.h"

/* MARK: - Linker script symbols */
extern uint8_t __heap_start[], __heap_end[];
extern uint8_t __arena_start[], __arena_end[];
extern uint8_t __stack_bottom[], __stack_top[];
extern const uint8_t model_blob_start_[], model_blob_end_[];

/* MARK: - Semihosting (ARM semihosting specification v2) */
int semihost_call(int operation, void *argument); /* startup.s: BKPT 0xAB */

enum {
  SYS_WRITE0 = 0x04,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static char debug_line[128];
static size_t debug_length;

static void debug_flush(void) {
  if (debug_length == 0) return;
  debug_line[debug_length] = 0;
  semihost_call(SYS_WRITE0, debug_line);
  debug_length = 0;
}

void debug_putc(uint8_t byte) {
  debug_line[debug_length++] = (char)byte;
  if (byte == '\n' || debug_length == sizeof debug_line - 1) debug_flush();
}

/* Embedded Swift's print() writes through putchar: send it to the debug console, so nothing
 * but the firmware's stream reaches the UART. */
int putchar(int c) {
  debug_putc((uint8_t)c);
  return c;
}

static void debug_text(const char *text) {
  while (*text) debug_putc((uint8_t)*text++);
}

static void debug_decimal(size_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) debug_putc((uint8_t)digits[--n]);
}

_Noreturn void fw_exit(int status) {
  debug_flush();
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  semihost_call(SYS_EXIT_EXTENDED, block);
  /* Only reached without semihosting: nothing else can end the program, so wait. */
  for (;;) {
  }
}

/* Called by the fault handlers in startup.s, on a fresh stack. */
_Noreturn void fw_fault(int status) {
  debug_length = 0;
  debug_text(status == FW_EXIT_HARD_FAULT
               ? "firmware: hard fault (a Swift trap, or a bad memory access)\n"
               : "firmware: unexpected exception\n");
  fw_exit(status);
}

/* MARK: - UART0: CMSDK APB UART */
#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10))
#define UART_STATE_TX_FULL 1u
#define UART_CTRL_TX_ENABLE 1u

void uart_init(void) {
  UART_BAUDDIV = 16; /* the smallest divider the UART accepts */
  UART_CTRL = UART_CTRL_TX_ENABLE;
}

/* Waits while the transmitter is busy (QEMU sets TX_FULL while the host side of stdout does
 * not take bytes, e.g. a slow pipe): a byte written then would be lost. */
static uint32_t uart_busy_polls;

void uart_putc(uint8_t byte) {
  while (UART_STATE & UART_STATE_TX_FULL) uart_busy_polls++;
  UART_DATA = byte;
}

uint32_t uart_waits(void) { return uart_busy_polls; }

void uart_write(const uint8_t *bytes, size_t count) {
  for (size_t i = 0; i < count; i++) uart_putc(bytes[i]);
}

/* MARK: - Model blob (model.S) */
const uint8_t *model_blob_start(void) { return model_blob_start_; }
size_t model_blob_size(void) { return (size_t)(model_blob_end_ - model_blob_start_); }

/* MARK: - Arena (link.ld's .arena section) */
void *arena_start(void) { return __arena_start; }
size_t arena_size(void) { return (size_t)(__arena_end - __arena_start); }

/* MARK: - SysTick */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 1u
#define SYST_CSR_TICKINT 2u
#define SYST_CSR_CLKSOURCE 4u
#define SYST_RELOAD 0xFFFFFFu
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SCB_ICSR_PENDSTCLR (1u << 25)

static volatile uint32_t clock_wraps;

void SysTick_Handler(void) { clock_wraps++; }

void clock_start(void) {
  SYST_CSR = 0;
  SYST_RVR = SYST_RELOAD;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
  /* The counter reads 0 until its first reload, which would look like the end of a period:
   * wait for the reload, then start counting wraps from there. */
  while (SYST_CVR == 0) {
  }
  __asm__ volatile("cpsid i" ::: "memory");
  SCB_ICSR = SCB_ICSR_PENDSTCLR;
  clock_wraps = 0;
  __asm__ volatile("cpsie i" ::: "memory");
}

/* The wrap count plus the counter, read with interrupts masked: a wrap whose interrupt is
 * still pending is counted here, with the counter read again after it. */
uint64_t clock_ticks(void) {
  __asm__ volatile("cpsid i" ::: "memory");
  uint32_t wraps = clock_wraps;
  uint32_t value = SYST_CVR;
  if (SCB_ICSR & SCB_ICSR_PENDSTSET) {
    wraps++;
    value = SYST_CVR;
  }
  __asm__ volatile("cpsie i" ::: "memory");
  return ((uint64_t)wraps << 24) + (SYST_RELOAD - value);
}

/* MARK: - Stack (painted with 0xA5 by startup.s) */
size_t stack_size(void) { return (size_t)(__stack_top - __stack_bottom); }

size_t stack_used(void) {
  const uint8_t *p = __stack_bottom;
  while (p < __stack_top && *p == 0xA5) p++;
  return (size_t)(__stack_top - p);
}

/* MARK: - Heap: posix_memalign / free */
static uint8_t *heap_next = __heap_start;
static uint8_t *heap_last_block; /* the most recent block, which free() can take back */
static uint8_t *heap_last_next;  /* heap_next before that block was handed out */
static size_t heap_high;

size_t heap_size(void) { return (size_t)(__heap_end - __heap_start); }
size_t heap_peak(void) { return heap_high; }

int posix_memalign(void **result, size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) return 22; /* EINVAL */
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  uintptr_t start = ((uintptr_t)heap_next + alignment - 1) & ~(uintptr_t)(alignment - 1);
  if (size == 0) size = 1;
  if (start < (uintptr_t)heap_next || start > (uintptr_t)__heap_end ||
      size > (uintptr_t)__heap_end - start) {
    debug_text("firmware: heap exhausted: ");
    debug_decimal(size);
    debug_text(" bytes requested, ");
    debug_decimal((size_t)(__heap_end - heap_next));
    debug_text(" of ");
    debug_decimal(heap_size());
    debug_text(" free\n");
    fw_exit(FW_EXIT_HEAP_EXHAUSTED);
  }
  heap_last_next = heap_next;
  heap_last_block = (uint8_t *)start;
  heap_next = (uint8_t *)(start + size);
  size_t used = (size_t)(heap_next - __heap_start);
  if (used > heap_high) heap_high = used;
  *result = (void *)start;
  return 0;
}

void free(void *pointer) {
  if (pointer != 0 && pointer == heap_last_block) {
    heap_next = heap_last_next;
    heap_last_block = 0;
  }
}

/* MARK: - Memory functions */
void *memset(void *destination, int value, size_t count) {
  uint8_t *d = destination;
  while (count--) *d++ = (uint8_t)value;
  return destination;
}

void *memcpy(void *restrict destination, const void *restrict source, size_t count) {
  uint8_t *d = destination;
  const uint8_t *s = source;
  while (count--) *d++ = *s++;
  return destination;
}

void *memmove(void *destination, const void *source, size_t count) {
  uint8_t *d = destination;
  const uint8_t *s = source;
  if (d < s) {
    while (count--) *d++ = *s++;
  } else {
    d += count;
    s += count;
    while (count--) *--d = *--s;
  }
  return destination;
}

int memcmp(const void *a, const void *b, size_t count) {
  const uint8_t *x = a, *y = b;
  for (size_t i = 0; i < count; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* The ARM run-time ABI's forms (note the argument order of __aeabi_memset). */
void __aeabi_memcpy(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy4(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy8(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memmove(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove4(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove8(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memset(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset4(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset8(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memclr(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr8(void *d, size_t n) { memset(d, 0, n); }

/* MARK: - 64-bit integer helpers (the Cortex-M4 has 32-bit division only) */
typedef union {
  uint64_t all;
  struct {
    uint32_t low, high; /* little-endian */
  } s;
} word64;

uint64_t __aeabi_llsl(uint64_t value, int shift) {
  word64 w = {.all = value};
  if (shift == 0) return value;
  if (shift >= 32) {
    w.s.high = w.s.low << (shift - 32);
    w.s.low = 0;
  } else {
    w.s.high = (w.s.high << shift) | (w.s.low >> (32 - shift));
    w.s.low <<= shift;
  }
  return w.all;
}

uint64_t __aeabi_llsr(uint64_t value, int shift) {
  word64 w = {.all = value};
  if (shift == 0) return value;
  if (shift >= 32) {
    w.s.low = w.s.high >> (shift - 32);
    w.s.high = 0;
  } else {
    w.s.low = (w.s.low >> shift) | (w.s.high << (32 - shift));
    w.s.high >>= shift;
  }
  return w.all;
}

int64_t __aeabi_lasr(int64_t value, int shift) {
  word64 w = {.all = (uint64_t)value};
  int32_t high = (int32_t)w.s.high;
  if (shift == 0) return value;
  if (shift >= 32) {
    w.s.low = (uint32_t)(high >> (shift - 32));
    w.s.high = (uint32_t)(high >> 31);
  } else {
    w.s.low = (w.s.low >> shift) | (w.s.high << (32 - shift));
    w.s.high = (uint32_t)(high >> shift);
  }
  return (int64_t)w.all;
}

/* Restoring long division, one quotient bit per step, with constant shifts only (so it needs
 * none of the helpers above). Called by __aeabi_uldivmod in startup.s, which returns the
 * quotient in r0:r1 and the remainder in r2:r3. Swift checks for a zero divisor before it
 * divides; a zero divisor here is a trap. */
uint64_t fw_udivmod64(uint64_t numerator, uint64_t denominator, uint64_t *remainder) {
  if (denominator == 0) fw_fault(FW_EXIT_HARD_FAULT);
  uint64_t quotient = numerator, rest = 0;
  for (int i = 0; i < 64; i++) {
    rest = (rest << 1) | (quotient >> 63);
    quotient <<= 1;
    if (rest >= denominator) {
      rest -= denominator;
      quotient |= 1;
    }
  }
  *remainder = rest;
  return quotient;
}

/* Signed: the magnitudes through fw_udivmod64, then the signs (C's rule, which Swift's `/` and
 * `%` share: the quotient truncates toward zero, the remainder takes the numerator's sign).
 * Called by __aeabi_ldivmod in startup.s. */
int64_t fw_sdivmod64(int64_t numerator, int64_t denominator, int64_t *remainder) {
  uint64_t n = numerator < 0 ? 0 - (uint64_t)numerator : (uint64_t)numerator;
  uint64_t d = denominator < 0 ? 0 - (uint64_t)denominator : (uint64_t)denominator;
  uint64_t r;
  uint64_t q = fw_udivmod64(n, d, &r);
  *remainder = numerator < 0 ? (int64_t)(0 - r) : (int64_t)r;
  return (numerator < 0) != (denominator < 0) ? (int64_t)(0 - q) : (int64_t)q;
}
