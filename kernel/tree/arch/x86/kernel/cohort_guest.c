// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort, instance side on x86.
 *
 * A kernel whose boot_params carry a COHORT_SETUP_TYPE setup_data record
 * boots as an instance: it uses only the CPUs and memory the record names
 * and never programs hardware the primary owns.  No ACPI, no PCI probing,
 * no PIT/HPET/RTC/PIC/IOAPIC/i8042, no legacy UARTs; the LAPIC timer and
 * the TSC run on the primary's calibration.  Its console goes to a buffer
 * in its own memory that the primary reads; halt, power off and reboot
 * stop its CPUs and tell the primary through the mailbox page.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/memory.h>
#include <linux/nodemask.h>
#include <linux/notifier.h>
#include <linux/numa_memblks.h>
#include <linux/panic_notifier.h>
#include <linux/reboot.h>
#include <linux/sched/signal.h>
#include <linux/serial_8250.h>
#include <linux/timer.h>
#include <linux/vmcore_info.h>
#include <linux/workqueue.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/bootparam.h>
#include <asm/cpufeature.h>
#include <asm/hpet.h>
#include <asm/i8259.h>
#include <asm/io_apic.h>
#include <asm/numa.h>
#include <asm/pci_x86.h>
#include <asm/reboot.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/spec-ctrl.h>
#include <asm/x86_init.h>

/* Seconds userspace gets to power off when the primary asks. */
#define COHORT_STOP_GRACE_S	5

static struct cohort_setup setup;
static bool instance;

/**
 * cohort_is_instance() - is this kernel a Cohort instance?
 *
 * Return: true when it was started by a primary.
 */
bool cohort_is_instance(void)
{
	return instance;
}

/**
 * cohort_instance_setup() - the record this instance was started with
 *
 * Return: the record; only meaningful when cohort_is_instance().
 */
const struct cohort_setup *cohort_instance_setup(void)
{
	return &setup;
}

static void __noreturn cohort_halt(u32 status)
{
	local_irq_disable();
	/* Last: the primary may take the CPUs back once it sees it. */
	cohort_mbox_set_status(status);
	for (;;)
		native_halt();
}

/* ---- platform: nothing the primary owns ---- */

static unsigned long cohort_tsc_khz(void)
{
	return setup.tsc_khz;
}

static void cohort_get_wallclock(struct timespec64 *ts)
{
	*ts = ns_to_timespec64(setup.wallclock_ns);
}

static int cohort_set_wallclock(const struct timespec64 *ts)
{
	return -ENODEV;
}

static void __init cohort_timer_init(void)
{
	/* LAPIC ticks per jiffy, converted to this kernel's HZ. */
	if (setup.hz)
		lapic_timer_period = div_u64((u64)setup.lapic_timer_period *
					     setup.hz, HZ);
}

static void __init cohort_parse_smp_cfg(void)
{
	unsigned int i;

	if (setup.flags & COHORT_SETUP_F_X2APIC) {
		/* No interrupt remapping in an instance: physical mode. */
		x2apic_phys = 1;
		default_acpi_madt_oem_check("", "");
	}
	register_lapic_address(APIC_DEFAULT_PHYS_BASE);
	for (i = 0; i < setup.nr_cpus; i++)
		topology_register_apic(setup.apic_ids[i], CPU_ACPIID_INVALID,
				       true);
	/* Possible, not present: the primary may give them later. */
	for (i = 0; i < setup.nr_spare; i++)
		topology_register_apic(setup.spare_apic_ids[i],
				       CPU_ACPIID_INVALID, false);
	smp_found_config = 1;
}

#ifdef CONFIG_SERIAL_8250
/* The legacy UARTs belong to the primary: register none of them. */
static void cohort_no_uart(int port, struct uart_port *up, u32 *caps)
{
	up->iobase = 0;
}
#endif

/*
 * A CPU the instance takes offline only waits for INIT from the instance's
 * own kernel, so unlike native_play_dead() it does not write its caches
 * back first (WBINVD stalls every CPU sharing the last-level cache, the
 * other kernels' too), nor park in MWAIT.
 */
static void cohort_play_dead(void)
{
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		__update_spec_ctrl(0);
	play_dead_common();
	for (;;)
		native_halt();
}

static void cohort_power_off(void)
{
	machine_shutdown();
	cohort_halt(COHORT_ST_OFF);
}

static void cohort_restart(char *cmd)
{
	cohort_power_off();
}

static void cohort_emergency_restart(void)
{
	cohort_halt(COHORT_ST_OFF);
}

static int cohort_panic(struct notifier_block *nb, unsigned long ev, void *p)
{
	/* The time of the crash, in the note the primary's dump carries. */
	if (IS_ENABLED(CONFIG_VMCORE_INFO))
		crash_save_vmcoreinfo();
	/* After the panic message, for the primary's watch_fn(). */
	cohort_mbox_set_status(COHORT_ST_PANIC);
	return NOTIFY_DONE;
}

static struct notifier_block cohort_panic_nb = {
	.notifier_call = cohort_panic,
	.priority = INT_MAX,
};

/* Spare CPUs: within bounds, none of them ours, none twice. */
static bool __init spare_valid(void)
{
	u32 i, j;

	if (!(setup.flags & COHORT_SETUP_F_SPARE))
		return true;
	if (setup.nr_spare > COHORT_SETUP_MAX_CPUS - setup.nr_cpus)
		return false;
	for (i = 0; i < setup.nr_spare; i++) {
		for (j = 0; j < setup.nr_cpus; j++)
			if (setup.spare_apic_ids[i] == setup.apic_ids[j])
				return false;
		for (j = 0; j < i; j++)
			if (setup.spare_apic_ids[i] == setup.spare_apic_ids[j])
				return false;
	}
	return true;
}

static bool __init setup_valid(void)
{
	u64 end = setup.mem_base + setup.mem_size;
	u64 pool_end = setup.pool_base + setup.pool_size;

	if (setup.magic != COHORT_SETUP_MAGIC) {
		pr_err("bad setup record magic\n");
		return false;
	}
	if (setup.version != COHORT_SETUP_VERSION) {
		pr_err("setup record version %u, this kernel knows %u; refusing to run\n",
		       setup.version, COHORT_SETUP_VERSION);
		return false;
	}
	if (!setup.nr_cpus || setup.nr_cpus > COHORT_SETUP_MAX_CPUS ||
	    !setup.tsc_khz || setup.mem_size < COHORT_MEM_MIN ||
	    end < setup.mem_base ||
	    setup.mailbox < setup.mem_base ||
	    setup.mailbox + PAGE_SIZE > end ||
	    !is_power_of_2(setup.console_size) ||
	    setup.console < setup.mem_base ||
	    setup.console + setup.console_size > end ||
	    !PAGE_ALIGNED(setup.grants) || setup.grants < setup.mem_base ||
	    setup.grants + PAGE_SIZE > end ||
	    !is_power_of_2(setup.console_in_size) ||
	    setup.console_in < setup.mem_base ||
	    setup.console_in + setup.console_in_size > end ||
	    pool_end < setup.pool_base || setup.mem_base < setup.pool_base ||
	    end > pool_end) {
		pr_err("inconsistent setup record\n");
		return false;
	}
	if (!spare_valid()) {
		pr_warn("inconsistent spare CPUs in the setup record; no CPU can be added while running\n");
		setup.flags &= ~COHORT_SETUP_F_SPARE;
	}
	if (!(setup.flags & COHORT_SETUP_F_SPARE))
		setup.nr_spare = 0;
	return true;
}

#ifdef CONFIG_NUMA
/* The record's NUMA layout, checked: nodes this kernel can name, memory
 * parts that cover its memory exactly, in order.
 */
static bool __init numa_valid(void)
{
	u64 at = setup.mem_base;
	u32 i;

	if (!setup.nr_mem_nodes || setup.nr_mem_nodes > COHORT_SETUP_MEM_NODES)
		return false;
	for (i = 0; i < setup.nr_cpus; i++)
		if (setup.cpu_nodes[i] >= MAX_NUMNODES)
			return false;
	for (i = 0; i < setup.nr_mem_nodes; i++) {
		const struct cohort_setup_mem_node *m = &setup.mem_nodes[i];

		if (m->node >= MAX_NUMNODES || m->base != at || !m->size ||
		    m->base + m->size < m->base)
			return false;
		at = m->base + m->size;
	}
	return at == setup.mem_base + setup.mem_size;
}

/**
 * cohort_instance_numa_init() - this instance's NUMA nodes, from its record
 *
 * Called by x86_numa_init() in place of the firmware's tables, which an
 * instance does not read.  Its CPUs and memory keep the primary's node
 * numbers; the slot below 1 MiB (reserved, never the allocator's) counts
 * with the first part of its memory.
 *
 * Return: 0, or -ENOENT when the record has no NUMA layout (a single
 * node is faked then, as without firmware tables).
 */
int __init cohort_instance_numa_init(void)
{
	const struct cohort_setup_mem_node *m = setup.mem_nodes;
	u32 i, n;

	if (!(setup.flags & COHORT_SETUP_F_NUMA))
		return -ENOENT;
	if (!numa_valid()) {
		pr_warn("the setup record's NUMA layout is inconsistent; one node\n");
		return -EINVAL;
	}
	for (i = 0; i < setup.nr_cpus; i++) {
		set_apicid_to_node(setup.apic_ids[i], setup.cpu_nodes[i]);
		node_set(setup.cpu_nodes[i], numa_nodes_parsed);
	}
	if (numa_add_memblk(m[0].node, setup.low_base,
			    setup.low_base + setup.low_size))
		return -EINVAL;
	for (i = 0; i < setup.nr_mem_nodes; i++) {
		node_set(m[i].node, numa_nodes_parsed);
		if (numa_add_memblk(m[i].node, m[i].base, m[i].base + m[i].size))
			return -EINVAL;
	}
	/*
	 * A CPU that may come later keeps its node only if the instance has
	 * that node already: a node is not added while it runs.
	 */
	for (i = 0; i < setup.nr_spare; i++)
		if (setup.spare_nodes[i] < MAX_NUMNODES &&
		    node_isset(setup.spare_nodes[i], numa_nodes_parsed))
			set_apicid_to_node(setup.spare_apic_ids[i],
					   setup.spare_nodes[i]);
	/*
	 * Memory given while it runs may come from any node of the pool:
	 * possible nodes, online once memory is added there.
	 */
	n = setup.flags & COHORT_SETUP_F_POOL_NODES ?
	    min_t(u32, setup.nr_pool_nodes, COHORT_SETUP_POOL_NODES) : 0;
	for (i = 0; i < n; i++)
		if (setup.pool_nodes[i] < MAX_NUMNODES)
			node_set(setup.pool_nodes[i], numa_nodes_parsed);
	return 0;
}
#endif

/**
 * cohort_instance_early() - notice, first thing, that this is an instance
 * @bp: the boot parameters
 *
 * Called at the start of setup_arch(), before the boot CPU is identified:
 * CPU and platform quirks that run before parse_setup_data() must already
 * know not to touch the machine's devices (e.g. AMD family 0fh-16h read
 * the northbridge's PCI configuration through 0xcf8).  Only the types of
 * the setup_data entries are looked at (through the early direct mapping,
 * as copy_bootdata() does); cohort_instance_detect() checks the record
 * later and halts on a bad one, so a kernel marked here never runs on as
 * a primary.
 */
void __init cohort_instance_early(const struct boot_params *bp)
{
	const struct setup_data *sd;
	u64 pa = bp->hdr.setup_data;
	unsigned int n;

	for (n = 0; pa && n < 64; n++) {
		sd = __va(pa);
		if (sd->type == COHORT_SETUP_TYPE) {
			instance = true;
			return;
		}
		pa = sd->next;
	}
}

/**
 * cohort_instance_detect() - become an instance, from parse_setup_data()
 * @pa_data: physical address of the COHORT_SETUP_TYPE setup_data entry
 * @len: its length, header included
 *
 * Runs before the command line is parsed and before any platform code
 * touches hardware.  A record that cannot be trusted stops the boot CPU:
 * booting on as a primary would take over the machine's hardware.
 */
void __init cohort_instance_detect(u64 pa_data, u32 len)
{
	struct setup_data *sd;
	u32 n;

	if (len < sizeof(*sd) + offsetof(struct cohort_setup, apic_ids)) {
		pr_err("setup record too short\n");
		cohort_halt(COHORT_ST_PANIC);
	}
	n = min_t(u32, len - sizeof(*sd), sizeof(setup));
	sd = early_memremap(pa_data, sizeof(*sd) + n);
	memcpy(&setup, sd->data, n);
	early_memunmap(sd, sizeof(*sd) + n);
	if (!setup_valid())
		cohort_halt(COHORT_ST_PANIC);
	setup.name[sizeof(setup.name) - 1] = 0;

	instance = true;
	memblock_reserve(setup.mailbox, PAGE_SIZE);
	memblock_reserve(setup.grants, PAGE_SIZE);
	memblock_reserve(setup.console, setup.console_size);
	memblock_reserve(setup.console_in, setup.console_in_size);
	cohort_mbox_attach(__va(setup.mailbox));
	cohort_conin_attach(__va(setup.console_in), setup.console_in_size);
	cohort_console_early(__va(setup.console), setup.console_size);

	/* Hardware that belongs to the primary. */
	disable_acpi();
	disable_ioapic_support();
	boot_hpet_disable = true;
	pci_probe = 0;
	legacy_pic = &null_legacy_pic;
	x86_init.irqs.pre_vector_init = x86_init_noop;
	x86_init.timers.timer_init = cohort_timer_init;
	x86_init.mpparse.find_mptable = x86_init_noop;
	x86_init.mpparse.early_parse_smp_cfg = x86_init_noop;
	x86_init.mpparse.parse_smp_cfg = cohort_parse_smp_cfg;
	x86_init.resources.probe_roms = x86_init_noop;
	x86_platform.calibrate_cpu = cohort_tsc_khz;
	x86_platform.calibrate_tsc = cohort_tsc_khz;
	x86_platform.get_wallclock = cohort_get_wallclock;
	x86_platform.set_wallclock = cohort_set_wallclock;
	x86_platform.legacy.rtc = 0;
	x86_platform.legacy.warm_reset = 0;
	x86_platform.legacy.i8042 = X86_LEGACY_I8042_PLATFORM_ABSENT;
#ifdef CONFIG_SERIAL_8250
	serial8250_set_isa_configurator(cohort_no_uart);
#endif
	/* The primary calibrated these; never measure against PIT/HPET. */
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
	setup_force_cpu_cap(X86_FEATURE_TSC_RELIABLE);
	if (setup.hz && setup.lpj)
		preset_lpj = div_u64(setup.lpj * setup.hz, HZ);

	/* Memory given while it runs comes in blocks of this size. */
	if (IS_ENABLED(CONFIG_MEMORY_HOTPLUG))
		set_memory_block_size_order(ilog2(COHORT_MEM_BLOCK));

	/* Offline CPUs wait without flushing caches other kernels share. */
	smp_ops.play_dead = cohort_play_dead;

	/* Stopping never resets the machine: it halts our CPUs. */
	machine_ops.power_off = cohort_power_off;
	machine_ops.restart = cohort_restart;
	machine_ops.halt = cohort_power_off;
	machine_ops.emergency_restart = cohort_emergency_restart;
	pm_power_off = NULL;

	pr_info("instance %u (%s): %u CPU(s), %llu MiB at %#llx\n", setup.id,
		setup.name, setup.nr_cpus, setup.mem_size >> 20,
		setup.mem_base);
}

/* ---- after boot: heartbeat, stop requests ---- */

/* Userspace had its chance: power off from the kernel. */
static void cohort_stop_late_fn(struct work_struct *w)
{
	pr_warn("userspace did not power off within %d s; powering off\n",
		COHORT_STOP_GRACE_S);
	kernel_power_off();
}

static DECLARE_DELAYED_WORK(cohort_stop_late, cohort_stop_late_fn);

static void cohort_stop_fn(struct work_struct *w)
{
	pr_info("the primary asks this instance to stop\n");
	/* Ordered after the log lines above, for the primary. */
	cohort_mbox_set_status(COHORT_ST_STOPPING);
	/*
	 * The poweroff helper may only signal init, which may not listen:
	 * make sure the stop happens.
	 */
	schedule_delayed_work(&cohort_stop_late, COHORT_STOP_GRACE_S * HZ);
	orderly_poweroff(true);
}

static DECLARE_WORK(cohort_stop_work, cohort_stop_fn);

/* Signals the primary left for PID 1 (cohort kill), not yet delivered. */
static atomic64_t cohort_signals;

static void cohort_signal_fn(struct work_struct *w)
{
	u64 pending = atomic64_xchg(&cohort_signals, 0);
	struct kernel_siginfo info;
	struct pid *pid;
	int sig;

	pid = find_get_pid(1);
	if (!pid)
		return;
	for (sig = 1; sig <= COHORT_SIGNAL_MAX; sig++) {
		if (!(pending & BIT_ULL(sig - 1)))
			continue;
		clear_siginfo(&info);
		info.si_signo = COHORT_SIGNAL_CARRIER;
		/* SI_QUEUE: the value reaches signalfd readers too. */
		info.si_code = SI_QUEUE;
		info.si_int = sig;
		kill_pid_info(COHORT_SIGNAL_CARRIER, &info, pid);
	}
	put_pid(pid);
}

static DECLARE_WORK(cohort_signal_work, cohort_signal_fn);

static struct timer_list cohort_hb_timer;

static void cohort_hb_fn(struct timer_list *t)
{
	static bool stopping;

	u64 sigs;

	cohort_mbox_beat();
	cohort_console_poll();
	sigs = cohort_mbox_take_signals();
	if (sigs) {
		atomic64_or(sigs, &cohort_signals);
		schedule_work(&cohort_signal_work);
	}
	if (!stopping && cohort_mbox_stop_requested()) {
		stopping = true;
		schedule_work(&cohort_stop_work);
	}
	if (!stopping) {
		cohort_cpuplug_poll();
		cohort_memplug_poll();
	}
	mod_timer(t, jiffies + msecs_to_jiffies(100));
}

static int __init cohort_instance_late(void)
{
	if (!instance)
		return 0;
	atomic_notifier_chain_register(&panic_notifier_list, &cohort_panic_nb);
	/* Set up by a subsys_initcall: tools read it from a memory dump. */
	if (IS_ENABLED(CONFIG_VMCORE_INFO))
		cohort_mbox_set_vmcoreinfo(paddr_vmcoreinfo_note(),
					   VMCOREINFO_NOTE_SIZE, PAGE_OFFSET);
	cohort_cpuplug_init();
	timer_setup(&cohort_hb_timer, cohort_hb_fn, 0);
	mod_timer(&cohort_hb_timer, jiffies + msecs_to_jiffies(100));
	/* After everything this kernel set up: the primary acts on it. */
	cohort_mbox_set_status(COHORT_ST_RUNNING);
	return 0;
}
late_initcall_sync(cohort_instance_late);
