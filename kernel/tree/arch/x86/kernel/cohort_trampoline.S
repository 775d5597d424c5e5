/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort: where an instance's boot CPU starts.
 *
 * The primary copies these bytes to a page below 1 MiB, fills in the
 * parameter block at offset 0x10 (struct cohort_tramp in cohort_boot.c)
 * and sends the CPU INIT and STARTUP with that page as vector.  The CPU
 * wakes in real mode at offset 0, goes through protected mode to long mode
 * on identity page tables the primary built, and jumps to the instance
 * kernel's 64-bit entry with %rsi = its boot_params, as the x86 boot
 * protocol asks (Documentation/arch/x86/boot.rst).
 *
 * It lives in .rodata: the primary never runs it, it only copies it.
 */
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

/* Offsets in the parameter block, see struct cohort_tramp. */
#define TR_GDT_DESC	0x30
#define TR_JMP32	0x38
#define TR_JMP64	0x40
#define TR_CR3		0x48
#define TR_ENTRY	0x50
#define TR_BOOT_PARAMS	0x58
#define TR_CODE		0x60

#define SEL_DATA	0x18

	.section .rodata, "a"
	.balign 16
	.globl	cohort_trampoline
	.globl	cohort_trampoline_32
	.globl	cohort_trampoline_64
	.globl	cohort_trampoline_end

	.code16
cohort_trampoline:
	/* jmp rel8 over the parameter block, to TR_CODE */
	.byte	0xeb, TR_CODE - 2
	.fill	TR_CODE - 2, 1, 0

	/* Real mode: CS = page >> 4, IP = 0. */
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx		/* %ebx = physical base of the page */
	lgdtl	TR_GDT_DESC
	movl	%cr0, %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*TR_JMP32

	.code32
cohort_trampoline_32:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	TR_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_PE), %eax
	movl	%eax, %cr0
	ljmpl	*TR_JMP64(%ebx)

	.code64
cohort_trampoline_64:
	movl	%ebx, %ebx		/* clear the upper half */
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	0x1000(%rbx), %rsp	/* top of this page */
	movq	TR_BOOT_PARAMS(%rbx), %rsi
	movq	TR_ENTRY(%rbx), %rax
	xorl	%ebx, %ebx		/* boot protocol: %rbx = 0 */
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	jmp	*%rax
cohort_trampoline_end:
