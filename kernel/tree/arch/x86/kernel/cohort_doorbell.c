// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort doorbells on x86: a fixed IPI on COHORT_DOORBELL_VECTOR sent to a
 * physical APIC ID, usually a CPU that another kernel runs.  The APIC ID
 * comes from shared memory, so it is checked before it reaches the ICR.
 */
#include <linux/cohort.h>
#include <linux/irqflags.h>
#include <asm/apic.h>
#include <asm/idtentry.h>
#include <asm/irq_vectors.h>

/**
 * cohort_arch_apic_id_ok() - may a doorbell be sent to this APIC ID?
 * @apic_id: physical APIC ID read from shared memory
 *
 * Refuses the broadcast destinations (0xff in xAPIC mode, 0xffffffff in
 * x2APIC mode) and IDs the destination field cannot hold.
 *
 * Return: true if @apic_id names at most one CPU.
 */
bool cohort_arch_apic_id_ok(u32 apic_id)
{
	if (x2apic_mode)
		return apic_id != 0xffffffff;
	return apic_id < 0xff;
}

/**
 * cohort_arch_doorbell() - send a doorbell IPI to a physical APIC ID
 * @apic_id: destination, checked with cohort_arch_apic_id_ok()
 *
 * The primary's and the instances' IPI paths take Linux CPU numbers, which
 * do not exist for another kernel's CPUs: this writes the ICR directly,
 * fixed delivery, physical destination, which works in xAPIC and x2APIC
 * mode alike.
 */
void cohort_arch_doorbell(u32 apic_id)
{
	unsigned long flags;

	if (!cohort_arch_apic_id_ok(apic_id))
		return;
	local_irq_save(flags);
	apic_wait_icr_idle();
	apic_icr_write(APIC_DM_FIXED | APIC_DEST_PHYSICAL |
		       COHORT_DOORBELL_VECTOR, apic_id);
	local_irq_restore(flags);
}

/*
 * Messages, and in an instance a CPU or memory request of the primary,
 * which rings after asking so that the request need not wait for the
 * heartbeat tick.
 */
DEFINE_IDTENTRY_SYSVEC(sysvec_cohort_doorbell)
{
	apic_eoi();
	cohort_msg_doorbell();
	cohort_cpuplug_poll();
	cohort_memplug_poll();
}
