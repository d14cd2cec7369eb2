/* firmware-sim/startup.s: vector table, reset handler and fault handlers for the Cortex-M4 of
 * QEMU's mps2-an386 board.
 *
 * Reset: copy .data from flash to RAM, zero .bss, paint the unused stack with 0xA5 bytes (so
 * the firmware can report its deepest stack use), call the Swift entry point `main`, and end
 * QEMU through semihosting with main's return value as the exit status.
 *
 * Exit statuses (shared with support.c and main.swift):
 *   0  success                       3  hard fault (this includes every Swift trap: a failed
 *   1  the model container is bad       precondition, an overflow, an index out of range)
 *   2  bad build-time configuration  4  any other unexpected exception (NMI, MemManage, ...)
 *                                    5  heap exhausted (posix_memalign could not satisfy a request)
 */
    .syntax unified
    .cpu cortex-m4
    .thumb

/* MARK: - Vector table (first 16 entries; no peripheral interrupt is ever enabled) */
    .section .vectors, "a", %progbits
    .align 2
    .global __vectors
__vectors:
    .word __stack_top          /* initial main stack pointer */
    .word Reset_Handler
    .word Other_Handler        /* NMI */
    .word HardFault_Handler
    .word Other_Handler        /* MemManage */
    .word Other_Handler        /* BusFault */
    .word Other_Handler        /* UsageFault */
    .word 0, 0, 0, 0           /* reserved */
    .word Other_Handler        /* SVCall */
    .word Other_Handler        /* DebugMonitor */
    .word 0                    /* reserved */
    .word Other_Handler        /* PendSV */
    .word SysTick_Handler      /* SysTick: counts clock wraps (support.c) */

/* MARK: - Reset */
    .text
    .thumb_func
    .global Reset_Handler
    .type Reset_Handler, %function
Reset_Handler:
    /* enable the FPU (CPACR: full access to CP10 and CP11): the compiler may use its
     * registers even in integer code */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    /* .data: copy [__data_load, ...) to [__data_start, __data_end) */
    ldr r0, =__data_start
    ldr r1, =__data_end
    ldr r2, =__data_load
1:  cmp r0, r1
    bhs 2f
    ldrb r3, [r2], #1
    strb r3, [r0], #1
    b 1b
2:  /* .bss: zero [__bss_start, __bss_end) */
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    movs r3, #0
3:  cmp r0, r1
    bhs 4f
    strb r3, [r0], #1
    b 3b
4:  /* paint the stack from its bottom to 64 bytes below the current stack pointer */
    ldr r0, =__stack_bottom
    mov r1, sp
    subs r1, r1, #64
    movs r3, #0xA5
5:  cmp r0, r1
    bhs 6f
    strb r3, [r0], #1
    b 5b
6:  movs r0, #0            /* argc */
    movs r1, #0            /* argv */
    bl main
    bl fw_exit             /* main's return value (r0) is the exit status; never returns */
7:  b 7b
    .size Reset_Handler, . - Reset_Handler

/* MARK: - Faults */
    .thumb_func
    .global HardFault_Handler
    .type HardFault_Handler, %function
HardFault_Handler:
    ldr r1, =__stack_top   /* the fault may come from a broken stack: take a fresh one */
    mov sp, r1
    movs r0, #3
    bl fw_fault
8:  b 8b
    .size HardFault_Handler, . - HardFault_Handler

    .thumb_func
    .global Other_Handler
    .type Other_Handler, %function
Other_Handler:
    ldr r1, =__stack_top
    mov sp, r1
    movs r0, #4
    bl fw_fault
9:  b 9b
    .size Other_Handler, . - Other_Handler

/* MARK: - Semihosting */

/* int semihost_call(int operation, void *argument): one ARM semihosting request (BKPT 0xAB). */
    .thumb_func
    .global semihost_call
    .type semihost_call, %function
semihost_call:
    bkpt 0xAB
    bx lr
    .size semihost_call, . - semihost_call

/* MARK: - __aeabi_uldivmod: unsigned 64-bit division (ARM run-time ABI)
 * In: numerator r0:r1, denominator r2:r3. Out: quotient r0:r1, remainder r2:r3.
 * Calls fw_udivmod64(numerator, denominator, &remainder) in support.c. */
    .thumb_func
    .global __aeabi_uldivmod
    .type __aeabi_uldivmod, %function
__aeabi_uldivmod:
    push {r4, lr}
    sub sp, sp, #16        /* [sp]: fifth argument (the pointer); [sp, #8]: the remainder */
    add r4, sp, #8
    str r4, [sp]
    bl fw_udivmod64
    ldrd r2, r3, [sp, #8]
    add sp, sp, #16
    pop {r4, pc}
    .size __aeabi_uldivmod, . - __aeabi_uldivmod

/* MARK: - __aeabi_ldivmod: signed 64-bit division (ARM run-time ABI), truncating toward zero
 * In: numerator r0:r1, denominator r2:r3. Out: quotient r0:r1, remainder r2:r3 (the sign of the
 * numerator). Calls fw_sdivmod64(numerator, denominator, &remainder) in support.c. */
    .thumb_func
    .global __aeabi_ldivmod
    .type __aeabi_ldivmod, %function
__aeabi_ldivmod:
    push {r4, lr}
    sub sp, sp, #16
    add r4, sp, #8
    str r4, [sp]
    bl fw_sdivmod64
    ldrd r2, r3, [sp, #8]
    add sp, sp, #16
    pop {r4, pc}
    .size __aeabi_ldivmod, . - __aeabi_ldivmod
