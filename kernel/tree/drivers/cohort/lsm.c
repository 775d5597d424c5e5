// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort instance policy: what root inside an instance may not do.
 *
 * An instance shares the machine with the primary and other instances
 * and has no hypervisor under it, so whatever its kernel lets root reach
 * (physical memory, I/O ports, MSRs, another kernel image) is reachable
 * machine-wide.  In instance mode this security module refuses every such
 * door, whatever the kernel's configuration and command line say: it is
 * always enabled (LSM_ORDER_LAST, outside CONFIG_LSM and lsm=) and does
 * nothing in a primary.  docs/security.md lists each rule and its test.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/kernel_read_file.h>
#include <linux/lsm_hooks.h>
#include <linux/security.h>
#include <uapi/linux/lsm.h>

/*
 * Lockdown reasons refused in an instance, with why.  The others concern
 * only the instance's own kernel (reading its memory, tracing, debugfs).
 */
static const char *const refused[LOCKDOWN_CONFIDENTIALITY_MAX] = {
	[LOCKDOWN_MODULE_SIGNATURE] = "an unsigned module is code root chose, run in the kernel",
	[LOCKDOWN_DEV_MEM] = "/dev/mem and /dev/port reach the whole machine",
	[LOCKDOWN_EFI_TEST] = "EFI runtime services belong to the primary",
	[LOCKDOWN_KEXEC] = "a kexec'd kernel would take over the machine",
	[LOCKDOWN_HIBERNATION] = "hibernation would power the machine down",
	[LOCKDOWN_PCI_ACCESS] = "PCI configuration and BARs belong to the primary",
	[LOCKDOWN_IOPORT] = "I/O ports belong to the machine (PIT, PIC, CMOS, 0xcf8, 0xcf9, 0x64)",
	[LOCKDOWN_MSR] = "MSR writes can change core- and package-wide state",
	[LOCKDOWN_ACPI_TABLES] = "ACPI belongs to the primary",
	[LOCKDOWN_DEVICE_TREE] = "the platform description belongs to the primary",
	[LOCKDOWN_PCMCIA_CIS] = "card services touch the machine's hardware",
	[LOCKDOWN_TIOCSSERIAL] = "setting a serial port's I/O base touches the machine's ports",
	[LOCKDOWN_MODULE_PARAMETERS] = "module parameters can name hardware addresses",
	[LOCKDOWN_MMIOTRACE] = "MMIO tracing rewrites device mappings",
	[LOCKDOWN_DBG_WRITE_KERNEL] = "a kernel debugger can write any memory",
};

static int cohort_locked_down(enum lockdown_reason what)
{
	if (!cohort_is_instance() || what >= ARRAY_SIZE(refused) ||
	    !refused[what])
		return 0;
	pr_notice_ratelimited("instance: refused %s: %s\n",
			      lockdown_reasons[what], refused[what]);
	return -EPERM;
}

static int refuse_kexec(const char *how)
{
	if (!cohort_is_instance())
		return 0;
	pr_notice_ratelimited("instance: refused %s: a kexec'd kernel would take over the machine\n",
			      how);
	return -EPERM;
}

static int cohort_kernel_read_file(struct file *file,
				   enum kernel_read_file_id id, bool contents)
{
	if (id == READING_KEXEC_IMAGE || id == READING_KEXEC_INITRAMFS)
		return refuse_kexec("kexec_file_load");
	return 0;
}

static int cohort_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	if (id == LOADING_KEXEC_IMAGE)
		return refuse_kexec("kexec_load");
	return 0;
}

static const struct lsm_id cohort_lsmid = {
	.name = "cohort",
	.id = LSM_ID_COHORT,
};

static struct security_hook_list cohort_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(locked_down, cohort_locked_down),
	LSM_HOOK_INIT(kernel_read_file, cohort_kernel_read_file),
	LSM_HOOK_INIT(kernel_load_data, cohort_kernel_load_data),
};

static int __init cohort_lsm_init(void)
{
	security_add_hooks(cohort_hooks, ARRAY_SIZE(cohort_hooks),
			   &cohort_lsmid);
	return 0;
}

DEFINE_LSM(cohort) = {
	.name = "cohort",
	.order = LSM_ORDER_LAST,
	.init = cohort_lsm_init,
};
