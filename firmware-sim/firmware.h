/* firmware-sim/firmware.h: the C side of the firmware, as seen by main.swift (imported as its
 * bridging header). Implemented in support.c and startup.s. */
#ifndef DANCENET_FIRMWARE_H
#define DANCENET_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

/* MARK: - Exit statuses (see startup.s) */
enum {
  FW_EXIT_OK = 0,
  FW_EXIT_BAD_MODEL = 1,
  FW_EXIT_BAD_CONFIG = 2,
  FW_EXIT_HARD_FAULT = 3,
  FW_EXIT_OTHER_EXCEPTION = 4,
  FW_EXIT_HEAP_EXHAUSTED = 5,
};

/* Ends QEMU through semihosting SYS_EXIT_EXTENDED with `status` as its exit status. */
_Noreturn void fw_exit(int status);

/* MARK: - UART0 (CMSDK APB UART at 0x40004000): the firmware's output stream */
void uart_init(void);
void uart_putc(uint8_t byte);
void uart_write(const uint8_t *bytes, size_t count);

/* MARK: - Debug messages: semihosting console (QEMU sends it to its own chardev, never to
 * the UART's stdout) */
void debug_putc(uint8_t byte);

/* MARK: - The model blob (16-byte aligned, read-only, linked into flash) */
const uint8_t *model_blob_start(void);
size_t model_blob_size(void);

/* MARK: - Measurements */
/* Starts SysTick on the 25 MHz processor clock (one tick per 40 ns of QEMU's virtual clock;
 * under `-icount shift=0` one instruction takes 1 ns, so ticks x 40 = instructions). */
void clock_start(void);
uint64_t clock_ticks(void);
/* Deepest stack use so far (bytes of the painted stack that were overwritten). */
size_t stack_used(void);
size_t stack_size(void);
/* Bytes of the heap (the arena region) ever in use at once, and its size. */
size_t heap_peak(void);
size_t heap_size(void);

#endif
