// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort instances, primary side: create, load, start, stop, delete
 * through /dev/cohort, and their state under /sys/kernel/cohort/instances/.
 *
 * One mutex serialises every change.  An instance's CPUs leave the primary
 * through CPU hotplug when it starts and come back through CPU hotplug when
 * it stops: bringing a CPU up sends it INIT, which resets it whatever the
 * instance left it doing, so a hung or crashed instance is reclaimed the
 * same way as one that shut down.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/bitmap.h>
#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/if.h>
#include <linux/io.h>
#include <linux/kernel_read_file.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "cohort.h"
#include "instance.h"

static const char *const state_names[] = {
	[ST_EMPTY] = COHORT_STATE_EMPTY,
	[ST_LOADED] = COHORT_STATE_LOADED,
	[ST_STARTING] = COHORT_STATE_STARTING,
	[ST_RUNNING] = COHORT_STATE_RUNNING,
	[ST_STOPPING] = COHORT_STATE_STOPPING,
	[ST_STOPPED] = COHORT_STATE_STOPPED,
	[ST_FAILED] = COHORT_STATE_FAILED,
};

/* How long an instance may take from start to its init (TCG is slow). */
#define START_TIMEOUT_MS	(120 * 1000)
#define STOP_TIMEOUT_MS		(10 * 1000)
#define WATCH_MS		100

static DEFINE_MUTEX(cohort_mutex);
static LIST_HEAD(instances);
static DECLARE_BITMAP(ids_used, COHORT_MAX_KERNELS);
static DECLARE_BITMAP(slots_used, COHORT_LOW_SLOTS);
struct cpumask cohort_cpus_taken;
static struct kset *instances_kset;

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

static struct cohort_inst *find_inst(const char *name)
{
	struct cohort_inst *ci;

	list_for_each_entry(ci, &instances, node)
		if (!strcmp(ci->name, name))
			return ci;
	return NULL;
}

/**
 * cohort_inst_of_cpu() - the instance a CPU is given to
 * @cpu: the primary's CPU number
 *
 * Return: the instance, or NULL if the CPU is the primary's.
 */
struct cohort_inst *cohort_inst_of_cpu(unsigned int cpu)
{
	struct cohort_inst *ci;

	list_for_each_entry(ci, &instances, node)
		if (cpumask_test_cpu(cpu, &ci->cpus))
			return ci;
	return NULL;
}

/**
 * cohort_inst_cpus() - the CPU set a request names, checked
 * @bits: the request's bitmap, COHORT_CPU_WORDS words
 * @self: the instance they are for, or NULL for a new one (its own CPUs
 *	are not another instance's)
 * @cpus: out: the set
 * @msg: where to say why it is refused
 *
 * Every CPU present, none CPU 0, none given to another instance, at
 * least one and at most COHORT_SETUP_MAX_CPUS.
 *
 * Return: 0, or a negative errno after writing @msg.
 */
int cohort_inst_cpus(const u64 *bits, const struct cohort_inst *self,
		     struct cpumask *cpus, char *msg)
{
	struct cohort_inst *other;
	unsigned int cpu;

	cpumask_clear(cpus);
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!(bits[cpu / 64] & BIT_ULL(cpu % 64)))
			continue;
		if (cpu >= nr_cpu_ids || !cpu_present(cpu))
			return fail(msg, "CPU %u is not present", cpu), -ENODEV;
		if (cpu == 0)
			return fail(msg, "CPU 0 always stays with the primary"),
			       -EBUSY;
		other = cohort_inst_of_cpu(cpu);
		if (other && other != self)
			return fail(msg, "CPU %u is already given to instance '%s'",
				    cpu, other->name), -EBUSY;
		__cpumask_set_cpu(cpu, cpus);
	}
	if (cpumask_empty(cpus))
		return fail(msg, "no CPUs given"), -EINVAL;
	if (cpumask_weight(cpus) > COHORT_SETUP_MAX_CPUS)
		return fail(msg, "at most %d CPUs per instance",
			    COHORT_SETUP_MAX_CPUS), -EINVAL;
	return 0;
}

/**
 * cohort_inst_state_name() - an instance's state, as sysfs shows it
 * @ci: the instance
 *
 * Return: the name.
 */
const char *cohort_inst_state_name(const struct cohort_inst *ci)
{
	return state_names[ci->state];
}

/**
 * cohort_lock() - take the mutex that serialises every change
 */
void cohort_lock(void)
{
	mutex_lock(&cohort_mutex);
}

/**
 * cohort_unlock() - drop it
 */
void cohort_unlock(void)
{
	mutex_unlock(&cohort_mutex);
}

static void inst_info(struct cohort_inst *ci, struct cohort_inst_info *ii)
{
	ii->id = ci->id;
	ii->name = ci->name;
	ii->mem_base = ci->mem_base;
	ii->cpus_out = ci->cpus_out;
	ii->running = ci->state == ST_STARTING || ci->state == ST_RUNNING;
	ii->nr_cpus = ci->nr_cpus;
}

/**
 * cohort_inst_find() - an instance by name
 * @name: its name
 * @ii: out: what other files may know of it
 *
 * Called with cohort_mutex held.
 *
 * Return: true if it exists.
 */
bool cohort_inst_find(const char *name, struct cohort_inst_info *ii)
{
	struct cohort_inst *ci = find_inst(name);

	if (ci)
		inst_info(ci, ii);
	return ci;
}

/**
 * cohort_inst_by_id() - an instance by id
 * @id: its id
 * @ii: out: what other files may know of it
 *
 * Called with cohort_mutex held.
 *
 * Return: true if it exists.
 */
bool cohort_inst_by_id(u32 id, struct cohort_inst_info *ii)
{
	struct cohort_inst *ci;

	list_for_each_entry(ci, &instances, node) {
		if (ci->id == id) {
			inst_info(ci, ii);
			return true;
		}
	}
	return false;
}

/**
 * cohort_check_name() - check a name from userspace
 * @name: COHORT_NAME_MAX bytes: NUL-terminated, allowed characters only
 * @msg: filled with a sentence when the name is refused
 *
 * Instance and region names follow the same rules.
 *
 * Return: 0 or -EINVAL.
 */
int cohort_check_name(char *name, char *msg)
{
	size_t len = strnlen(name, COHORT_NAME_MAX);
	size_t i;

	if (len == COHORT_NAME_MAX)
		return fail(msg, "the name is longer than %d characters",
			    COHORT_NAME_MAX - 1), -EINVAL;
	if (!len)
		return fail(msg, "the name is empty"), -EINVAL;
	if (name[0] == '.' || name[0] == '-')
		return fail(msg, "a name must not start with '.' or '-'"), -EINVAL;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!isascii(c) ||
		    (!isalnum(c) && c != '_' && c != '.' && c != '-'))
			return fail(msg, "a name may hold only letters, digits, '_', '.' and '-'"),
			       -EINVAL;
	}
	return 0;
}

/**
 * cohort_reserved_zero() - are a request's reserved words all zero?
 * @r: the words
 * @n: how many
 *
 * Return: true if they are.
 */
bool cohort_reserved_zero(const u64 *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i])
			return false;
	return true;
}

/**
 * cohort_pool_busy() - does an instance or a region hold part of a range?
 * @base: start of the range
 * @size: its length
 * @use: filled in with the first holder found
 *
 * Called with cohort_mutex held.
 *
 * Return: true if some of [@base, @base + @size) is taken.
 */
bool cohort_pool_busy(phys_addr_t base, u64 size, struct cohort_pool_use *use)
{
	struct cohort_inst *ci;
	unsigned int i;

	list_for_each_entry(ci, &instances, node) {
		if (base < ci->mem_base + ci->mem_size &&
		    ci->mem_base < base + size) {
			use->base = ci->mem_base;
			use->size = ci->mem_size;
			use->kind = "instance";
			use->name = ci->name;
			return true;
		}
		for (i = 0; i < ci->nr_blocks; i++) {
			const struct cohort_setup_mem_node *b = &ci->blocks[i];

			if (base < b->base + b->size && b->base < base + size) {
				use->base = b->base;
				use->size = b->size;
				use->kind = "instance";
				use->name = ci->name;
				return true;
			}
		}
	}
	return cohort_region_busy(base, size, use) ||
	       cohort_pool_returning(base, size, use);
}

/* Which of @skip (ranges of @size) [@base, @base + @size) overlaps; -1 if none. */
static int skipped(phys_addr_t base, u64 size, const phys_addr_t *skip,
		   unsigned int nskip)
{
	unsigned int k;

	for (k = 0; k < nskip; k++)
		if (base < skip[k] + size && skip[k] < base + size)
			return k;
	return -1;
}

/* First fit in [@base, @end), lowest address first. */
static phys_addr_t fit(phys_addr_t base, phys_addr_t end, u64 size, u64 align,
		       const phys_addr_t *skip, unsigned int nskip)
{
	struct cohort_pool_use use;
	int k;

	base = ALIGN(base, align);
	while (base < end && end - base >= size) {
		k = skipped(base, size, skip, nskip);
		if (k >= 0)
			base = ALIGN(skip[k] + size, align);
		else if (cohort_pool_busy(base, size, &use))
			base = ALIGN(use.base + use.size, align);
		else
			return base;
	}
	return 0;
}

/**
 * cohort_pool_fit() - the lowest free range of the pool that fits
 * @size: bytes
 * @align: its alignment, a power of two, at least %COHORT_MEM_ALIGN
 * @nid: only memory of this node, or NUMA_NO_NODE for any
 * @skip: starts of ranges of @size chosen already but not yet held,
 *	passed over; may be NULL
 * @nskip: entries at @skip
 *
 * Called with cohort_mutex held.  With NUMA_NO_NODE a range may span
 * nodes; never the control region or a gap between the pool's ranges.
 *
 * Return: its start, or 0 when nothing fits.
 */
phys_addr_t cohort_pool_fit(u64 size, u64 align, int nid,
			    const phys_addr_t *skip, unsigned int nskip)
{
	phys_addr_t lo, hi, base;
	unsigned int i;
	bool more;

	for (i = 0;; i++) {
		more = nid == NUMA_NO_NODE ? cohort_pool_range(i, &lo, &hi) :
					     cohort_pool_node_part(nid, i, &lo, &hi);
		if (!more)
			return 0;
		base = fit(lo, hi, size, align, skip, nskip);
		if (base)
			return base;
	}
}

/* Is [@base, @base + @size) all memory of the pool for instances? */
static bool pool_has(phys_addr_t base, u64 size)
{
	phys_addr_t lo, hi;
	unsigned int i;

	for (i = 0; cohort_pool_range(i, &lo, &hi); i++)
		if (lo <= base && base < hi && size <= hi - base)
			return true;
	return false;
}

/**
 * cohort_pool_free_locked() - bytes of the pool nobody holds
 *
 * Called with cohort_mutex held.
 *
 * Return: free bytes.
 */
u64 cohort_pool_free_locked(void)
{
	return cohort_pool_size - cohort_ctrl_size - cohort_pool_held();
}

/**
 * cohort_pool_free() - bytes of the pool nobody holds
 *
 * Return: free bytes.
 */
u64 cohort_pool_free(void)
{
	u64 free;

	mutex_lock(&cohort_mutex);
	free = cohort_pool_free_locked();
	mutex_unlock(&cohort_mutex);
	return free;
}

/*
 * Tell every kernel whether the instance's CPUs may still run it: only
 * once they cannot (back in the primary, or halted by its panic or
 * power-off) may others break the claims it left in shared memory.
 */
static void publish_may_run(struct cohort_inst *ci)
{
	u32 status = cohort_mbox_status(ci->mem_base);

	cohort_ctrl_set_may_run(ci->id, ci->cpus_out &&
				status != COHORT_ST_PANIC &&
				status != COHORT_ST_OFF);
}

static void set_state(struct cohort_inst *ci, enum cohort_state st)
{
	if (ci->state != st)
		pr_info("instance %s: %s -> %s\n", ci->name,
			state_names[ci->state], state_names[st]);
	WRITE_ONCE(ci->state, st);
	publish_may_run(ci);
	/*
	 * A stopped or failed instance leaves the membership; then, once its
	 * CPUs are back, no doorbell may go to them for it.  In that order:
	 * a joined entry naming CPUs it no longer has would look forged.
	 */
	if (st == ST_STOPPED || st == ST_FAILED) {
		/* Read once, here; what it says is only a number 0-255. */
		ci->exit_status = cohort_mbox_exit(ci->mem_base);
		cohort_msg_peer_gone(ci->id, st == ST_FAILED);
		if (!ci->cpus_out)
			cohort_ctrl_grant_cpus(ci->id, NULL, 0);
	}
}

/* Bring the instance's CPUs back into the primary. */
static int reclaim_cpus(struct cohort_inst *ci)
{
	unsigned int cpu;
	int ret, err = 0;

	if (!ci->cpus_out)
		return 0;
	for_each_cpu(cpu, &ci->cpus) {
		if (cpu_online(cpu))
			continue;
		ret = add_cpu(cpu);
		if (ret) {
			pr_err("instance %s: CPU %u did not come back: %d\n",
			       ci->name, cpu, ret);
			err = ret;
		}
	}
	if (!err)
		ci->cpus_out = false;
	return err;
}

static void watch_fn(struct work_struct *work)
{
	struct cohort_inst *ci = container_of(to_delayed_work(work),
					      struct cohort_inst, watch);
	u32 status;

	mutex_lock(&cohort_mutex);
	if (ci->deleted)
		goto out;
	status = cohort_mbox_status(ci->mem_base);
	switch (ci->state) {
	case ST_STARTING:
	case ST_RUNNING:
		if (status == COHORT_ST_RUNNING && ci->state == ST_STARTING) {
			pr_info("instance %s: running, %u ms after start\n",
				ci->name,
				jiffies_to_msecs(jiffies - ci->start_jiffies));
			set_state(ci, ST_RUNNING);
		} else if (status == COHORT_ST_OFF) {
			reclaim_cpus(ci);
			ci->why = ci->cpus_out ? COHORT_WHY_CPUS_LOST :
						 COHORT_WHY_POWEROFF;
			set_state(ci, ci->cpus_out ? ST_FAILED : ST_STOPPED);
		} else if (status == COHORT_ST_PANIC) {
			ci->why = COHORT_WHY_PANIC;
			pr_err("instance %s: panicked; 'cohort stop --force %s' takes its CPUs back\n",
			       ci->name, ci->name);
			set_state(ci, ST_FAILED);
		} else if (cohort_msg_heartbeat_lost(ci->id)) {
			pr_err("instance %s: heartbeat lost; 'cohort stop --force %s' takes its CPUs back\n",
			       ci->name, ci->name);
			ci->why = COHORT_WHY_HEARTBEAT;
			set_state(ci, ST_FAILED);
		} else if (ci->state == ST_STARTING &&
			   time_after(jiffies, ci->start_jiffies +
				      msecs_to_jiffies(START_TIMEOUT_MS))) {
			pr_err("instance %s: did not check in within %u s\n",
			       ci->name, START_TIMEOUT_MS / 1000);
			ci->why = COHORT_WHY_START_TIMEOUT;
			set_state(ci, ST_FAILED);
		}
		break;
	default:
		goto out;
	}
	cohort_conin_tick(ci->id);
	if (ci->state == ST_STARTING || ci->state == ST_RUNNING)
		schedule_delayed_work(&ci->watch,
				      msecs_to_jiffies(cohort_msg_watch_ms(WATCH_MS)));
out:
	mutex_unlock(&cohort_mutex);
}

/* ---- sysfs: /sys/kernel/cohort/instances/NAME/ ---- */

#define to_inst(k) container_of(k, struct cohort_inst, kobj)

static ssize_t id_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_inst(k)->id);
}

static ssize_t state_show(struct kobject *k, struct kobj_attribute *a,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", state_names[READ_ONCE(to_inst(k)->state)]);
}

static ssize_t cpus_show(struct kobject *k, struct kobj_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(&to_inst(k)->cpus));
}

static ssize_t spare_cpus_show(struct kobject *k, struct kobj_attribute *a,
			       char *buf)
{
	return sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(&to_inst(k)->spare));
}

static ssize_t max_cpus_show(struct kobject *k, struct kobj_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", to_inst(k)->max_cpus);
}

static ssize_t apic_ids_show(struct kobject *k, struct kobj_attribute *a,
			     char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	unsigned int i;
	int n = 0;

	for (i = 0; i < ci->nr_cpus; i++)
		n += sysfs_emit_at(buf, n, "%s%u", i ? "," : "",
				   ci->apic_ids[i]);
	return n + sysfs_emit_at(buf, n, "\n");
}

static ssize_t mem_base_show(struct kobject *k, struct kobj_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%#llx\n", (u64)to_inst(k)->mem_base);
}

static ssize_t mem_size_show(struct kobject *k, struct kobj_attribute *a,
			     char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	u64 size;

	mutex_lock(&cohort_mutex);
	size = cohort_inst_mem_total(ci);
	mutex_unlock(&cohort_mutex);
	return sysfs_emit(buf, "%llu\n", size);
}

/*
 * Memory given after create: "BASE NODE" per block, in the order given.
 * The longest line, "0x" 16 digits, a space, a node of 4 characters and a
 * newline, 24 bytes, fits a page for every block.
 */
static_assert(COHORT_MEM_BLOCKS_MAX * 24 <= PAGE_SIZE);
static ssize_t mem_blocks_show(struct kobject *k, struct kobj_attribute *a,
			       char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	unsigned int i;
	int n = 0;

	mutex_lock(&cohort_mutex);
	for (i = 0; i < ci->nr_blocks; i++)
		n += sysfs_emit_at(buf, n, "%#llx %d\n", ci->blocks[i].base,
				   ci->blocks[i].node < MAX_NUMNODES ?
				   (int)ci->blocks[i].node : NUMA_NO_NODE);
	mutex_unlock(&cohort_mutex);
	return n;
}

static ssize_t cmdline_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	ssize_t n;

	mutex_lock(&cohort_mutex);
	n = sysfs_emit(buf, "%s\n", ci->cmdline ?: "");
	mutex_unlock(&cohort_mutex);
	return n;
}

static ssize_t kernel_size_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return sysfs_emit(buf, "%zu\n", READ_ONCE(to_inst(k)->kernel_len));
}

static ssize_t initrd_size_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return sysfs_emit(buf, "%zu\n", READ_ONCE(to_inst(k)->initrd_len));
}

static ssize_t starts_show(struct kobject *k, struct kobj_attribute *a,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_inst(k)->starts));
}

static ssize_t exit_status_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	enum cohort_state st = READ_ONCE(ci->state);
	int v = READ_ONCE(ci->exit_status);

	if ((st != ST_STOPPED && st != ST_FAILED) || v < 0)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%d\n", v);
}

static ssize_t stop_reason_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	/* One of the COHORT_WHY_* strings, or NULL: a single load. */
	const char *why = READ_ONCE(to_inst(k)->why);

	return sysfs_emit(buf, "%s\n", why ?: "");
}

static ssize_t console_head_show(struct kobject *k, struct kobj_attribute *a,
				 char *buf)
{
	return sysfs_emit(buf, "%llu\n", cohort_console_head(to_inst(k)->mem_base));
}

static ssize_t console_size_show(struct kobject *k, struct kobj_attribute *a,
				 char *buf)
{
	return sysfs_emit(buf, "%u\n", COHORT_CONSOLE_SIZE);
}

static ssize_t console_writer_show(struct kobject *k,
				   struct kobj_attribute *a, char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	pid_t pid = 0;

	mutex_lock(&cohort_mutex);
	if (!ci->deleted)
		pid = cohort_conin_writer(ci->id);
	mutex_unlock(&cohort_mutex);
	return sysfs_emit(buf, "%d\n", pid);
}

static ssize_t cid_show(struct kobject *k, struct kobj_attribute *a,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_inst(k)->cid));
}

static ssize_t net_show(struct kobject *k, struct kobj_attribute *a,
			char *buf)
{
	struct cohort_inst *ci = to_inst(k);
	char ifname[IFNAMSIZ] = "";

	mutex_lock(&cohort_mutex);
	if (!ci->deleted)
		cohort_net_ifname(ci->id, ifname);
	mutex_unlock(&cohort_mutex);
	return sysfs_emit(buf, "%s\n", ifname);
}

static struct kobj_attribute inst_attrs[] = {
	__ATTR_RO(id), __ATTR_RO(cid), __ATTR_RO(state), __ATTR_RO(cpus), __ATTR_RO(apic_ids),
	__ATTR_RO(spare_cpus), __ATTR_RO(max_cpus),
	__ATTR_RO(mem_base), __ATTR_RO(mem_size), __ATTR_RO(mem_blocks),
	__ATTR_RO(cmdline),
	__ATTR_RO(kernel_size), __ATTR_RO(initrd_size), __ATTR_RO(starts),
	__ATTR_RO(exit_status), __ATTR_RO(stop_reason),
	__ATTR_RO(console_head), __ATTR_RO(console_size),
	__ATTR_RO(console_writer), __ATTR_RO(net),
};

static struct attribute *inst_attr_ptrs[ARRAY_SIZE(inst_attrs) + 1];

/* The console stream: file offsets are stream positions. */
static ssize_t console_read(struct file *f, struct kobject *k,
			    struct bin_attribute *a, char *buf, loff_t pos,
			    size_t count)
{
	if (pos < 0)
		return 0;
	return cohort_console_copy(to_inst(k)->mem_base, pos, buf, count);
}

static struct bin_attribute console_attr = {
	.attr = { .name = "console", .mode = 0444 },
	.read = console_read,
};

/* Its RAM: low slot, memory from create, blocks.  Return: how many. */
static unsigned int dump_ranges(struct cohort_inst *ci,
				struct cohort_dump_range *r)
{
	unsigned int i;

	r[0].base = cohort_low_base + ci->low_slot * COHORT_LOW_SLOT_SIZE;
	r[0].size = COHORT_LOW_SLOT_SIZE;
	r[1].base = ci->mem_base;
	r[1].size = ci->mem_size;
	for (i = 0; i < ci->nr_blocks; i++) {
		r[2 + i].base = ci->blocks[i].base;
		r[2 + i].size = ci->blocks[i].size;
	}
	return 2 + i;
}

/* The dump's header, from what the instance published, checked once. */
static int dump_prepare(struct cohort_inst *ci,
			const struct cohort_dump_range *r, unsigned int nr)
{
	char *note = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ssize_t n;

	if (!note)
		return -ENOMEM;
	n = cohort_mbox_vmcoreinfo(ci->mem_base, ci->mem_size, note, PAGE_SIZE);
	if (n < 0)
		pr_warn("instance %s: its VMCOREINFO note does not hold together; its dump goes without one\n",
			ci->name);
	ci->dump_hdr = cohort_dump_header(r, nr,
					  cohort_mbox_page_offset(ci->mem_base,
								  ci->mem_size),
					  n > 0 ? note : NULL, n > 0 ? n : 0,
					  &ci->dump_hdr_len);
	kfree(note);
	return ci->dump_hdr ? 0 : -ENOMEM;
}

/*
 * Its memory as an ELF core file (dump.c), once it is stopped or failed
 * and its CPUs are back: nothing writes that memory until it starts
 * again.  While it may run: -EBUSY.
 */
static ssize_t vmcore_read(struct file *f, struct kobject *k,
			   struct bin_attribute *a, char *buf, loff_t pos,
			   size_t count)
{
	struct cohort_inst *ci = to_inst(k);
	struct cohort_dump_range *r;
	unsigned int nr;
	ssize_t ret;

	r = kmalloc_array(COHORT_DUMP_RANGES, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_lock(&cohort_mutex);
	if (ci->deleted) {
		ret = -ENODEV;
	} else if ((ci->state != ST_STOPPED && ci->state != ST_FAILED) ||
		   ci->cpus_out) {
		ret = -EBUSY;
	} else {
		nr = dump_ranges(ci, r);
		ret = ci->dump_hdr ? 0 : dump_prepare(ci, r, nr);
		if (!ret)
			ret = cohort_dump_read(ci->dump_hdr, ci->dump_hdr_len,
					       r, nr, buf, pos, count);
	}
	mutex_unlock(&cohort_mutex);
	kfree(r);
	return ret;
}

static struct bin_attribute vmcore_attr = {
	.attr = { .name = "vmcore", .mode = 0400 },
	.read = vmcore_read,
};

static struct bin_attribute *inst_bin_attrs[] = {
	&console_attr, &vmcore_attr, NULL
};

static struct attribute_group inst_group = {
	.attrs = inst_attr_ptrs,
	.bin_attrs = inst_bin_attrs,
};

static const struct attribute_group *inst_groups[] = { &inst_group, NULL };

static void inst_release(struct kobject *k)
{
	struct cohort_inst *ci = to_inst(k);
	unsigned int i;

	/* Nothing reaches its memory any more: the primary may have it. */
	cohort_pool_give(ci->mem_base, ci->mem_size);
	for (i = 0; i < ci->nr_blocks; i++)
		cohort_pool_give(ci->blocks[i].base, ci->blocks[i].size);
	vfree(ci->kernel);
	vfree(ci->initrd);
	kfree(ci->cmdline);
	kvfree(ci->dump_hdr);
	kfree(ci);
}

static const struct kobj_type inst_ktype = {
	.release = inst_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = inst_groups,
};

/* ---- requests ---- */

static bool cid_used(u32 cid)
{
	struct cohort_inst *ci;

	list_for_each_entry(ci, &instances, node)
		if (ci->cid == cid)
			return true;
	return false;
}

/* Its own, id + 2, unless a takeover gave that to another: then the lowest. */
static u32 free_cid(u32 id)
{
	u32 cid = COHORT_VSOCK_CID(id);

	if (!cid_used(cid))
		return cid;
	for (cid = COHORT_VSOCK_CID(1); cid_used(cid); cid++)
		;
	return cid;
}

static int do_create(struct cohort_ioc_create *req)
{
	char *msg = req->msg;
	struct cohort_inst *ci;
	struct cohort_pool_use use;
	struct cpumask cpus;
	unsigned int cpu, id, slot;
	int ret, nid = NUMA_NO_NODE;
	nodemask_t pool_nodes;
	phys_addr_t base;

	ret = cohort_check_name(req->name, msg);
	if (ret)
		return ret;
	if ((req->flags & ~(COHORT_CREATE_NODE | COHORT_CREATE_MAX_CPUS)) ||
	    (!(req->flags & COHORT_CREATE_MAX_CPUS) && req->max_cpus) ||
	    (!(req->flags & COHORT_CREATE_NODE) && req->node) ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	ret = cohort_pool_none(msg);
	if (ret)
		return ret;
	if (req->flags & COHORT_CREATE_NODE) {
		if (req->node >= MAX_NUMNODES || !node_online(req->node))
			return fail(msg, "there is no NUMA node %u", req->node),
			       -EINVAL;
		nid = req->node;
		cohort_pool_nodes(&pool_nodes);
		if (!node_isset(nid, pool_nodes))
			return fail(msg, "the pool has no memory on node %d", nid),
			       -ENOSPC;
	}
	if (find_inst(req->name))
		return fail(msg, "an instance named '%s' exists already", req->name),
		       -EEXIST;

	ret = cohort_inst_cpus(req->cpus, NULL, &cpus, msg);
	if (ret)
		return ret;
	if ((req->flags & COHORT_CREATE_MAX_CPUS) &&
	    (!req->max_cpus || req->max_cpus > COHORT_SETUP_MAX_CPUS ||
	     cpumask_weight(&cpus) > req->max_cpus))
		return fail(msg, "max_cpus %u: not between its %u CPUs and %u",
			    req->max_cpus, cpumask_weight(&cpus),
			    COHORT_SETUP_MAX_CPUS), -EINVAL;

	if (!req->mem_size)
		return fail(msg, "the memory size is 0"), -EINVAL;
	if (!IS_ALIGNED(req->mem_size, COHORT_MEM_ALIGN))
		return fail(msg, "the memory size is not a multiple of 2 MiB"),
		       -EINVAL;
	if (req->mem_size < COHORT_MEM_MIN)
		return fail(msg, "an instance needs at least %llu MiB",
			    COHORT_MEM_MIN >> 20), -EINVAL;
	if (req->mem_size > cohort_pool_size)
		return fail(msg, "%llu MiB do not fit the pool of %llu MiB",
			    req->mem_size >> 20, cohort_pool_size >> 20),
		       -ENOSPC;
	if (req->mem_base) {
		base = req->mem_base;
		if (!IS_ALIGNED(base, COHORT_MEM_ALIGN))
			return fail(msg, "the base %#llx is not a multiple of 2 MiB",
				    (u64)base), -EINVAL;
		if (!cohort_pool_within(base, req->mem_size))
			return fail(msg,
				    "%llu MiB at %#llx are not inside the pool (see cohort pool)",
				    req->mem_size >> 20, (u64)base), -ENOSPC;
		if (cohort_ctrl_size && base < cohort_ctrl_base + cohort_ctrl_size &&
		    cohort_ctrl_base < base + req->mem_size)
			return fail(msg, "[%#llx-%#llx] overlaps the control region [%#llx-%#llx]",
				    (u64)base, (u64)base + req->mem_size - 1,
				    (u64)cohort_ctrl_base,
				    (u64)cohort_ctrl_base + cohort_ctrl_size - 1),
			       -EBUSY;
		if (!pool_has(base, req->mem_size))
			return fail(msg,
				    "%llu MiB at %#llx are not memory of the pool for instances",
				    req->mem_size >> 20, (u64)base), -ENOSPC;
		if (cohort_pool_busy(base, req->mem_size, &use))
			return fail(msg, "the memory overlaps %s '%s'",
				    use.kind, use.name), -EBUSY;
		if (nid != NUMA_NO_NODE &&
		    !cohort_pool_on_node(base, req->mem_size, nid))
			return fail(msg, "[%#llx-%#llx] is not all on node %d",
				    (u64)base, (u64)base + req->mem_size - 1,
				    nid), -EINVAL;
	} else {
		base = cohort_pool_fit(req->mem_size, COHORT_MEM_ALIGN, nid,
				       NULL, 0);
		if (!base && nid != NUMA_NO_NODE) {
			struct cohort_pool_stat st;

			cohort_pool_stats(nid, &st, false);
			return fail(msg,
				    "no free range of %llu MiB in the pool on node %d (%llu MiB free there)",
				    req->mem_size >> 20, nid,
				    (st.size - st.held) >> 20), -ENOSPC;
		}
		if (!base)
			return fail(msg, "no free range of %llu MiB in the pool (%llu MiB free)",
				    req->mem_size >> 20,
				    cohort_pool_free_locked() >> 20), -ENOSPC;
	}

	id = find_next_zero_bit(ids_used, COHORT_MAX_KERNELS, 1);
	if (id >= COHORT_MAX_KERNELS)
		return fail(msg, "too many instances (at most %d)",
			    COHORT_MAX_KERNELS - 1), -ENOSPC;
	slot = find_first_zero_bit(slots_used, cohort_low_slots);
	if (slot >= cohort_low_slots)
		return fail(msg, "no trampoline slot left below 1 MiB (at most %u instances)",
			    cohort_low_slots), -ENOSPC;

	/* The primary's pages move out; from here ci holds the memory. */
	ret = cohort_pool_take(base, req->mem_size, msg);
	if (ret)
		return ret;
	ci = kzalloc(sizeof(*ci), GFP_KERNEL);
	if (!ci) {
		cohort_pool_give(base, req->mem_size);
		return -ENOMEM;
	}
	strscpy(ci->name, req->name, sizeof(ci->name));
	ci->id = id;
	ci->cid = free_cid(id);
	cpumask_copy(&ci->cpus, &cpus);
	for_each_cpu(cpu, &cpus) {
		ci->cpu_nodes[ci->nr_cpus] = max(cpu_to_node(cpu), 0);
		ci->apic_ids[ci->nr_cpus++] = cohort_arch_cpu_hwid(cpu);
	}
	ci->max_cpus = req->max_cpus;
	ci->mem_base = base;
	ci->mem_size = req->mem_size;
	ci->low_slot = slot;
	ci->state = ST_EMPTY;
	ci->exit_status = -1;
	INIT_DELAYED_WORK(&ci->watch, watch_fn);
	cohort_grants_format(base);

	ci->kobj.kset = instances_kset;
	ret = kobject_init_and_add(&ci->kobj, &inst_ktype, NULL, "%s", ci->name);
	if (ret) {
		kobject_put(&ci->kobj);
		return fail(msg, "cannot add it to sysfs"), ret;
	}
	set_bit(id, ids_used);
	set_bit(slot, slots_used);
	cohort_ctrl_set_cid(id, ci->cid);
	cpumask_or(&cohort_cpus_taken, &cohort_cpus_taken, &cpus);
	list_add_tail(&ci->node, &instances);
	kobject_uevent(&ci->kobj, KOBJ_ADD);
	req->id = id;
	pr_info("instance %s: created, id %u, CPUs %*pbl, %llu MiB at %pa\n",
		ci->name, id, cpumask_pr_args(&cpus), ci->mem_size >> 20, &base);
	return 0;
}

/**
 * cohort_inst_lookup() - the instance a request names
 * @name: its name, from the request
 * @msg: where to say why there is none
 * @ret: out: 0, or the errno for the caller to return
 *
 * Call with the mutex held.
 *
 * Return: the instance, or NULL.
 */
struct cohort_inst *cohort_inst_lookup(char *name, char *msg, int *ret)
{
	struct cohort_inst *ci;

	*ret = cohort_check_name(name, msg);
	if (*ret)
		return NULL;
	ci = find_inst(name);
	if (!ci) {
		fail(msg, "no instance named '%s'", name);
		*ret = -ENOENT;
	}
	return ci;
}

/**
 * cohort_inst_changeable() - may an instance's CPUs or memory change now?
 * @ci: the instance
 * @msg: out: why not
 *
 * Return: 0 when it is not running (only the primary's record of it
 * changes), 1 when it runs (it is asked), or -EBUSY with @msg: starting,
 * stopping, or failed with its CPUs still out.
 */
int cohort_inst_changeable(const struct cohort_inst *ci, char *msg)
{
	switch (ci->state) {
	case ST_EMPTY:
	case ST_LOADED:
	case ST_STOPPED:
		return 0;
	case ST_RUNNING:
		return 1;
	case ST_FAILED:
		if (!ci->cpus_out)
			return 0;
		return fail(msg,
			    "instance '%s' failed: 'cohort stop --force %s' takes its CPUs back first",
			    ci->name, ci->name), -EBUSY;
	default:
		return fail(msg, "instance '%s' is %s; try again when it runs",
			    ci->name, state_names[ci->state]), -EBUSY;
	}
}

/**
 * cohort_inst_await() - wait for a running instance's answer in its mailbox
 * @ci: the instance, asked already
 * @answered: reads the answer to request @seq, if there is one
 * @seq: the request's number
 * @timeout_ms: how long to wait
 *
 * Rings the instance's doorbell first: its boot CPU runs while it does,
 * and else its heartbeat tick notices the request.  Called with the mutex
 * held; it is dropped while waiting, so the caller keeps stop away.
 *
 * Return: the answer (0 or a negative errno), -ETIMEDOUT, or -ESRCH if
 * the instance stopped running meanwhile.
 */
int cohort_inst_await(struct cohort_inst *ci,
		      bool (*answered)(phys_addr_t mem, u32 seq, int *result),
		      u32 seq, unsigned int timeout_ms)
{
	unsigned long until = jiffies + msecs_to_jiffies(timeout_ms);
	int ret;

	cohort_arch_doorbell(ci->apic_ids[0]);
	kobject_get(&ci->kobj);
	mutex_unlock(&cohort_mutex);
	for (;;) {
		if (answered(ci->mem_base, seq, &ret))
			break;
		if (READ_ONCE(ci->state) != ST_RUNNING) {
			ret = -ESRCH;
			break;
		}
		if (time_after(jiffies, until)) {
			ret = -ETIMEDOUT;
			break;
		}
		usleep_range(1000, 2000);
	}
	mutex_lock(&cohort_mutex);
	kobject_put(&ci->kobj);
	return ret;
}

static int read_fd(int fd, void **buf, size_t max, enum kernel_read_file_id id,
		   const char *what, char *msg)
{
	struct fd f = fdget(fd);
	ssize_t n;

	*buf = NULL;
	if (!fd_file(f))
		return fail(msg, "the %s file descriptor is not open", what), -EBADF;
	if (!(fd_file(f)->f_mode & FMODE_READ)) {
		fdput(f);
		return fail(msg, "the %s file is not open for reading", what), -EBADF;
	}
	if (!i_size_read(file_inode(fd_file(f)))) {
		fdput(f);
		return fail(msg, "the %s is empty", what), -ENOEXEC;
	}
	fdput(f);
	n = kernel_read_file_from_fd(fd, 0, buf, max, NULL, id);
	if (n == -EFBIG)
		return fail(msg, "the %s is larger than the instance's memory", what),
		       -E2BIG;
	if (n == -EBADF)
		return fail(msg, "the %s file descriptor is not open", what), -EBADF;
	if (n < 0)
		return fail(msg, "cannot read the %s (error %zd)", what, n), n;
	if (!n)
		return fail(msg, "the %s is empty", what), -ENOEXEC;
	return n;
}

static int do_load(struct cohort_ioc_load *req)
{
	char *msg = req->msg;
	struct cohort_inst *ci;
	void *kernel = NULL, *initrd = NULL;
	ssize_t klen, ilen = 0;
	char *cmdline = NULL, *full = NULL;
	int ret;

	ci = cohort_inst_lookup(req->name, msg, &ret);
	if (!ci)
		return ret;
	if (req->flags || !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (ci->state != ST_EMPTY && ci->state != ST_LOADED &&
	    ci->state != ST_STOPPED)
		return fail(msg, "instance '%s' is %s; stop it first", ci->name,
			    state_names[ci->state]), -EBUSY;
	if (req->cmdline_len > COHORT_CMDLINE_MAX)
		return fail(msg, "the command line is longer than %d bytes",
			    COHORT_CMDLINE_MAX - 1), -EINVAL;
	ret = security_locked_down(LOCKDOWN_KEXEC);
	if (ret)
		return fail(msg,
			    "the kernel is locked down: it loads no other kernel, as for kexec"),
		       ret;

	if (req->cmdline_len) {
		cmdline = memdup_user(u64_to_user_ptr(req->cmdline),
				      req->cmdline_len);
		if (IS_ERR(cmdline))
			return fail(msg, "cannot read the command line"),
			       PTR_ERR(cmdline);
		if (strnlen(cmdline, req->cmdline_len) != req->cmdline_len - 1) {
			kfree(cmdline);
			return fail(msg, "the command line is not one NUL-terminated string"),
			       -EINVAL;
		}
	} else {
		cmdline = kstrdup("", GFP_KERNEL);
		if (!cmdline)
			return -ENOMEM;
	}

	klen = read_fd(req->kernel_fd, &kernel, ci->mem_size,
		       READING_KEXEC_IMAGE, "kernel", msg);
	if (klen < 0) {
		ret = klen;
		goto out;
	}
	if (req->initrd_fd != -1) {
		ilen = read_fd(req->initrd_fd, &initrd, ci->mem_size,
			       READING_KEXEC_INITRAMFS, "initramfs", msg);
		if (ilen < 0) {
			ret = ilen;
			goto out;
		}
	}
	/* What the instance boots with: the user's words, then ours. */
	full = kasprintf(GFP_KERNEL, "%s%sconsole=ttyCH0 cohort.name=%s",
			 cmdline, *cmdline ? " " : "", ci->name);
	if (!full) {
		ret = -ENOMEM;
		goto out;
	}
	if (strlen(full) >= COHORT_CMDLINE_MAX) {
		ret = (fail(msg,
			    "the command line and Cohort's \"console=ttyCH0 cohort.name=%s\" need %zu bytes, more than %d",
			    ci->name, strlen(full), COHORT_CMDLINE_MAX - 1), -E2BIG);
		goto out;
	}
	swap(cmdline, full);
	ret = cohort_arch_check_image(kernel, klen, ci->mem_size, ilen,
				      strlen(cmdline), msg, COHORT_MSG_MAX);
	if (ret)
		goto out;

	swap(ci->kernel, kernel);
	swap(ci->initrd, initrd);
	swap(ci->cmdline, cmdline);
	ci->kernel_len = klen;
	ci->initrd_len = ilen;
	set_state(ci, ST_LOADED);
	pr_info("instance %s: loaded a %zd byte kernel, %zd byte initramfs\n",
		ci->name, klen, ilen);
out:
	vfree(kernel);
	vfree(initrd);
	kfree(cmdline);
	kfree(full);
	return ret;
}

/*
 * The CPUs an instance may be given while it runs (COHORT_IOC_SET_CPUS),
 * in @b for its setup record: the present CPUs but CPU 0 and its own,
 * those on its own nodes first; as many as its max_cpus leaves, if it
 * has one.  Each costs the instance a possible CPU's per-CPU memory.
 */
static int spare_cpus(struct cohort_inst *ci, struct cohort_boot *b)
{
	unsigned int cpu, n = 0, pass, max = COHORT_SETUP_MAX_CPUS - ci->nr_cpus;
	nodemask_t own = NODE_MASK_NONE;
	struct cpumask cand;
	u32 *apic_ids;
	u16 *nodes;

	if (ci->max_cpus)
		max = ci->max_cpus > ci->nr_cpus ? ci->max_cpus - ci->nr_cpus : 0;
	cpumask_clear(&ci->spare);
	b->nr_spare = 0;
	if (!max)
		return 0;
	apic_ids = kcalloc(max, sizeof(*apic_ids) + sizeof(*nodes), GFP_KERNEL);
	if (!apic_ids)
		return -ENOMEM;
	nodes = (u16 *)(apic_ids + max);
	for_each_cpu(cpu, &ci->cpus)
		node_set(max(cpu_to_node(cpu), 0), own);
	cpumask_andnot(&cand, cpu_present_mask, &ci->cpus);
	cpumask_clear_cpu(0, &cand);
	for (pass = 0; pass < 2; pass++) {
		for_each_cpu(cpu, &cand) {
			if (n == max)
				break;
			if (node_isset(max(cpu_to_node(cpu), 0), own) != !pass)
				continue;
			cpumask_set_cpu(cpu, &ci->spare);
			nodes[n] = max(cpu_to_node(cpu), 0);
			apic_ids[n++] = cohort_arch_cpu_hwid(cpu);
		}
	}
	b->spare_apic_ids = apic_ids;
	b->spare_nodes = nodes;
	b->nr_spare = n;
	return 0;
}

/* Refuse a change to an instance whose CPUs or memory are being changed. */
static int changing(struct cohort_inst *ci, char *msg)
{
	if (!ci->cpus_changing && !ci->mem_changing)
		return 0;
	return fail(msg, "the %s of instance '%s' is being changed; try again when that is done",
		    ci->cpus_changing ? "CPU set" : "memory", ci->name), -EBUSY;
}

static int do_start(struct cohort_ioc_instance *req)
{
	char *msg = req->msg;
	struct cohort_setup_mem_node mem_nodes[COHORT_SETUP_MEM_NODES];
	u32 pool_node_ids[COHORT_SETUP_POOL_NODES];
	struct cohort_boot b = { };
	struct cohort_inst *ci;
	nodemask_t pool_nodes;
	unsigned int cpu;
	int ret, nid;

	ci = cohort_inst_lookup(req->name, msg, &ret);
	if (!ci)
		return ret;
	if (req->flags || req->timeout_ms ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (ci->state == ST_EMPTY)
		return fail(msg, "nothing is loaded into instance '%s'", ci->name),
		       -ENOTCONN;
	if (ci->state != ST_LOADED && ci->state != ST_STOPPED)
		return fail(msg, "instance '%s' is %s", ci->name,
			    state_names[ci->state]), -EBUSY;
	ret = security_locked_down(LOCKDOWN_KEXEC);
	if (ret)
		return fail(msg,
			    "the kernel is locked down: it starts no other kernel, as for kexec"),
		       ret;

	ci->cpus_out = true;
	for_each_cpu(cpu, &ci->cpus) {
		if (!cpu_online(cpu))
			continue;
		ret = remove_cpu(cpu);
		if (ret) {
			fail(msg, "cannot take CPU %u offline (error %d)", cpu, ret);
			goto undo;
		}
	}

	/* No trace of an earlier run in the membership, nor its dump. */
	cohort_msg_peer_gone(ci->id, false);
	kvfree(ci->dump_hdr);
	ci->dump_hdr = NULL;
	cohort_mbox_reset(ci->mem_base);
	ci->exit_status = -1;
	cohort_conin_reset(ci->id);
	cohort_net_instance_start(ci->id);
	/* Whatever an earlier run mapped, it maps nothing now. */
	cohort_grants_forget_use(ci->mem_base);
	/* Its doorbells may go to its CPUs from now on. */
	cohort_ctrl_grant_cpus(ci->id, ci->apic_ids, ci->nr_cpus);
	publish_may_run(ci);

	b.id = ci->id;
	b.name = ci->name;
	b.mem_base = ci->mem_base;
	b.mem_size = ci->mem_size;
	b.low_base = cohort_low_base + ci->low_slot * COHORT_LOW_SLOT_SIZE;
	b.apic_ids = ci->apic_ids;
	b.nr_cpus = ci->nr_cpus;
	b.kernel = ci->kernel;
	b.kernel_len = ci->kernel_len;
	b.initrd = ci->initrd;
	b.initrd_len = ci->initrd_len;
	b.cmdline = ci->cmdline;
	b.ctrl_base = cohort_ctrl_base;
	b.ctrl_size = cohort_ctrl_size;
	b.pool_base = cohort_pool_base;
	b.pool_size = cohort_pool_end - cohort_pool_base;
	/* Where its CPUs and memory are, so that it sees the same nodes. */
	b.cpu_nodes = ci->cpu_nodes;
	b.mem_nodes = mem_nodes;
	b.nr_mem_nodes = cohort_pool_mem_nodes(ci->mem_base, ci->mem_size,
					       mem_nodes,
					       COHORT_SETUP_MEM_NODES);
	/* CPUs it may be given while it runs: any present but CPU 0. */
	ret = spare_cpus(ci, &b);
	if (ret)
		goto undo;
	/* Memory given after create: it adds the blocks as it boots. */
	b.mem_blocks = ci->blocks;
	b.nr_mem_blocks = ci->nr_blocks;
	/* Nodes more may come from while it runs. */
	cohort_pool_nodes(&pool_nodes);
	for_each_node_mask(nid, pool_nodes)
		if (b.nr_pool_nodes < ARRAY_SIZE(pool_node_ids))
			pool_node_ids[b.nr_pool_nodes++] = nid;
	b.pool_nodes = pool_node_ids;
	ci->cpu_seq = 0;
	ci->mem_seq = 0;
	ci->start_jiffies = jiffies;
	ret = cohort_arch_boot(&b, msg, COHORT_MSG_MAX);
	kfree(b.spare_apic_ids);
	if (ret)
		goto undo;
	ci->starts++;
	ci->why = NULL;
	set_state(ci, ST_STARTING);
	schedule_delayed_work(&ci->watch, msecs_to_jiffies(WATCH_MS));
	return 0;
undo:
	reclaim_cpus(ci);
	publish_may_run(ci);
	if (!ci->cpus_out)
		cohort_ctrl_grant_cpus(ci->id, NULL, 0);
	return ret;
}

/*
 * Ask a running instance to power off and wait up to @timeout ms for it.
 * The mutex is dropped while waiting, so that other requests and the
 * failure watch of every other instance go on; the instance cannot be
 * deleted meanwhile (its CPUs are out) and a reference keeps @ci.
 * Return: true if it powered off in time.
 */
static bool stop_and_wait(struct cohort_inst *ci, unsigned int timeout)
{
	unsigned long until = jiffies + msecs_to_jiffies(timeout);
	bool off;

	set_state(ci, ST_STOPPING);
	cohort_mbox_request(ci->mem_base, COHORT_REQ_STOP);
	kobject_get(&ci->kobj);
	mutex_unlock(&cohort_mutex);
	while (!(off = cohort_mbox_status(ci->mem_base) == COHORT_ST_OFF) &&
	       !time_after(jiffies, until) &&
	       READ_ONCE(ci->state) == ST_STOPPING)
		msleep(20);
	mutex_lock(&cohort_mutex);
	kobject_put(&ci->kobj);
	return off;
}

static int do_stop(struct cohort_ioc_instance *req)
{
	char *msg = req->msg;
	struct cohort_inst *ci;
	unsigned int timeout = 0;
	bool timed_out = false;
	int ret;

	ci = cohort_inst_lookup(req->name, msg, &ret);
	if (!ci)
		return ret;
	if ((req->flags & ~COHORT_STOP_FORCE) ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	ret = changing(ci, msg);
	if (ret)
		return ret;
	if (ci->state != ST_STARTING && ci->state != ST_RUNNING &&
	    ci->state != ST_STOPPING && ci->state != ST_FAILED)
		return fail(msg, "instance '%s' is not running (%s)", ci->name,
			    state_names[ci->state]), -EALREADY;
	if (ci->state == ST_FAILED && !ci->cpus_out)
		return fail(msg, "instance '%s' failed and holds no CPUs", ci->name),
		       -EALREADY;

	if (!(req->flags & COHORT_STOP_FORCE) && ci->state == ST_RUNNING) {
		timeout = req->timeout_ms ?: STOP_TIMEOUT_MS;
		timed_out = !stop_and_wait(ci, timeout);
		/* Another request may have finished the job meanwhile. */
		if (!ci->cpus_out) {
			if (ci->state != ST_FAILED) {
				ci->why = COHORT_WHY_STOP;
				set_state(ci, ST_STOPPED);
			}
			return 0;
		}
	}
	/* A failure keeps its reason when its CPUs are taken back. */
	if (ci->state != ST_FAILED)
		ci->why = timed_out ? COHORT_WHY_STOP_TIMEOUT :
			  (req->flags & COHORT_STOP_FORCE) ?
			  COHORT_WHY_STOP_FORCED : COHORT_WHY_STOP;
	ret = reclaim_cpus(ci);
	if (ret) {
		ci->why = COHORT_WHY_CPUS_LOST;
		set_state(ci, ST_FAILED);
		return fail(msg, "some CPUs did not come back to the primary (error %d)",
			    ret), ret;
	}
	set_state(ci, ST_STOPPED);
	if (timed_out)
		return fail(msg,
			    "instance '%s' did not shut down within %u ms; CPUs taken back by force",
			    ci->name, timeout), -ETIMEDOUT;
	return 0;
}

/* @gone_region: two slots (cohort_net_forget_instance()) */
static int do_delete(struct cohort_ioc_instance *req, struct cohort_inst **out,
		     struct kobject **gone_region)
{
	char *msg = req->msg;
	struct cohort_inst *ci;
	int ret;

	ci = cohort_inst_lookup(req->name, msg, &ret);
	if (!ci)
		return ret;
	if ((req->flags & ~COHORT_DELETE_DRY_RUN) || req->timeout_ms ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (ci->cpus_out || ci->state == ST_STARTING || ci->state == ST_RUNNING ||
	    ci->state == ST_STOPPING)
		return fail(msg, "instance '%s' is %s; stop it first", ci->name,
			    state_names[ci->state]), -EBUSY;
	if (req->flags & COHORT_DELETE_DRY_RUN)
		return 0;
	/* While it can still be found by id: its link's region is named. */
	cohort_net_forget_instance(ci->id, gone_region);
	list_del(&ci->node);
	ci->deleted = true;
	clear_bit(ci->id, ids_used);
	clear_bit(ci->low_slot, slots_used);
	cpumask_andnot(&cohort_cpus_taken, &cohort_cpus_taken, &ci->cpus);
	cohort_msg_peer_gone(ci->id, false);
	cohort_region_forget_instance(ci->id);
	cohort_conin_forget(ci->id);
	/* Its id's default CID may be another's now: it names nobody. */
	cohort_ctrl_set_cid(ci->id, COHORT_CID_NONE);
	pr_info("instance %s: deleted\n", ci->name);
	*out = ci;
	return 0;
}

static int do_signal(struct cohort_ioc_signal *req)
{
	char *msg = req->msg;
	struct cohort_inst *ci;
	int ret;

	ci = cohort_inst_lookup(req->name, msg, &ret);
	if (!ci)
		return ret;
	if (req->flags || !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (!req->signo || req->signo > COHORT_SIGNAL_MAX)
		return fail(msg, "signal %u is not from 1 to %u", req->signo,
			    COHORT_SIGNAL_MAX), -EINVAL;
	if (ci->state != ST_RUNNING)
		return fail(msg, "instance '%s' is %s, not running", ci->name,
			    state_names[ci->state]), -ESRCH;
	cohort_mbox_signal(ci->mem_base, req->signo);
	return 0;
}

/*
 * @req->name takes over @req->from's identity: its network link, if it
 * has one (cohort_net_takeover(), the only step that can fail, so it
 * comes first), and its AF_VSOCK CID, giving its own CID in exchange:
 * both entries of the table change under one lock, so no two kernels
 * ever share a CID.  Every kernel takes the new table at once and resets
 * the connections to either address.
 */
static int do_takeover(struct cohort_ioc_takeover *req,
		       struct kobject **gone_region)
{
	struct cohort_inst_info ia, ib;
	struct cohort_inst *a, *b;
	char *msg = req->msg;
	int ret;
	u32 cid;

	if (req->flags || req->cid ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero fields"), -EINVAL;
	a = cohort_inst_lookup(req->name, msg, &ret);
	if (!a)
		return ret;
	b = cohort_inst_lookup(req->from, msg, &ret);
	if (!b)
		return ret;
	if (a == b)
		return fail(msg, "an instance cannot take over from itself"),
		       -EINVAL;
	inst_info(a, &ia);
	inst_info(b, &ib);
	ret = cohort_net_takeover(&ia, &ib, msg, gone_region);
	if (ret)
		return ret;
	cid = a->cid;
	WRITE_ONCE(a->cid, b->cid);
	WRITE_ONCE(b->cid, cid);
	cohort_ctrl_set_cid(a->id, a->cid);
	cohort_ctrl_set_cid(b->id, b->cid);
	req->cid = a->cid;
	cohort_vsock_cids_changed();
	pr_info("instance %s: took over CID %u from instance %s (which has CID %u now)\n",
		a->name, a->cid, b->name, b->cid);
	return 0;
}

static int do_rename(struct cohort_ioc_rename *req)
{
	char *msg = req->msg, old[COHORT_NAME_MAX];
	char *cmdline = NULL, *suffix;
	struct cohort_inst *ci;
	size_t len;
	int ret;

	if (req->flags || req->reserved32 ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"),
		       -EINVAL;
	ci = cohort_inst_lookup(req->name, msg, &ret);
	if (!ci)
		return ret;
	ret = cohort_check_name(req->new_name, msg);
	if (ret)
		return ret;
	if (find_inst(req->new_name))
		return fail(msg, "an instance named '%s' exists already",
			    req->new_name), -EEXIST;
	if (cohort_net_named_after(ci->id, ci->name))
		return fail(msg, "instance '%s' has a network link named after it: remove it first",
			    ci->name), -EBUSY;
	/* What it boots with names it: load put cohort.name= last. */
	if (ci->cmdline) {
		suffix = kasprintf(GFP_KERNEL, "cohort.name=%s", ci->name);
		if (!suffix)
			return -ENOMEM;
		len = strlen(ci->cmdline);
		if (len < strlen(suffix) ||
		    strcmp(ci->cmdline + len - strlen(suffix), suffix)) {
			kfree(suffix);
			return fail(msg, "its command line does not end with its name"),
			       -EINVAL;
		}
		len -= strlen(suffix);
		cmdline = kasprintf(GFP_KERNEL, "%.*scohort.name=%s", (int)len,
				    ci->cmdline, req->new_name);
		kfree(suffix);
		if (!cmdline)
			return -ENOMEM;
		if (strlen(cmdline) >= COHORT_CMDLINE_MAX) {
			kfree(cmdline);
			return fail(msg, "with the new name its command line is over %d bytes",
				    COHORT_CMDLINE_MAX - 1), -E2BIG;
		}
	}
	ret = kobject_rename(&ci->kobj, req->new_name);
	if (ret) {
		kfree(cmdline);
		return fail(msg, "cannot rename it in sysfs (error %d)", ret),
		       ret;
	}
	if (cmdline)
		swap(ci->cmdline, cmdline);
	kfree(cmdline);
	strscpy(old, ci->name, sizeof(old));
	strscpy(ci->name, req->new_name, sizeof(ci->name));
	pr_info("instance %s: renamed %s\n", old, ci->name);
	return 0;
}

static long cohort_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct cohort_inst *gone = NULL;
	struct kobject *gone_region[2] = { };
	union {
		struct cohort_ioc_create c;
		struct cohort_ioc_load l;
		struct cohort_ioc_instance i;
		struct cohort_ioc_region r;
		struct cohort_ioc_grant g;
		struct cohort_ioc_net n;
		struct cohort_ioc_signal s;
		struct cohort_ioc_takeover t;
		struct cohort_ioc_rename n2;
		struct cohort_ioc_set_cpus sc;
		struct cohort_ioc_set_memory sm;
		struct cohort_ioc_pool_release pr;
	} *req;
	size_t size = _IOC_SIZE(cmd);
	unsigned int i;
	char *msg;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (cmd == COHORT_IOC_CONSOLE)
		return cohort_conin_ioctl(uarg);
	switch (cmd) {
	case COHORT_IOC_CREATE:
	case COHORT_IOC_LOAD:
	case COHORT_IOC_START:
	case COHORT_IOC_STOP:
	case COHORT_IOC_DELETE:
	case COHORT_IOC_REGION_CREATE:
	case COHORT_IOC_REGION_DELETE:
	case COHORT_IOC_REGION_GRANT:
	case COHORT_IOC_NET:
	case COHORT_IOC_SIGNAL:
	case COHORT_IOC_TAKEOVER:
	case COHORT_IOC_RENAME:
	case COHORT_IOC_SET_CPUS:
	case COHORT_IOC_SET_MEMORY:
	case COHORT_IOC_POOL_RELEASE:
		break;
	default:
		return -ENOTTY;
	}
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req, uarg, size)) {
		kfree(req);
		return -EFAULT;
	}
	/* msg is out only; sits at a different offset in each request. */
	switch (cmd) {
	case COHORT_IOC_CREATE:
		msg = req->c.msg;
		break;
	case COHORT_IOC_LOAD:
		msg = req->l.msg;
		break;
	case COHORT_IOC_REGION_CREATE:
	case COHORT_IOC_REGION_DELETE:
		msg = req->r.msg;
		break;
	case COHORT_IOC_REGION_GRANT:
		msg = req->g.msg;
		break;
	case COHORT_IOC_NET:
		msg = req->n.msg;
		break;
	case COHORT_IOC_SIGNAL:
		msg = req->s.msg;
		break;
	case COHORT_IOC_TAKEOVER:
		msg = req->t.msg;
		break;
	case COHORT_IOC_RENAME:
		msg = req->n2.msg;
		break;
	case COHORT_IOC_SET_CPUS:
		msg = req->sc.msg;
		break;
	case COHORT_IOC_SET_MEMORY:
		msg = req->sm.msg;
		break;
	case COHORT_IOC_POOL_RELEASE:
		msg = req->pr.msg;
		break;
	default:
		msg = req->i.msg;
		break;
	}
	memset(msg, 0, COHORT_MSG_MAX);

	mutex_lock(&cohort_mutex);
	switch (cmd) {
	case COHORT_IOC_CREATE:
		ret = do_create(&req->c);
		break;
	case COHORT_IOC_LOAD:
		ret = do_load(&req->l);
		break;
	case COHORT_IOC_START:
		ret = do_start(&req->i);
		break;
	case COHORT_IOC_STOP:
		ret = do_stop(&req->i);
		break;
	case COHORT_IOC_REGION_CREATE:
		ret = cohort_region_create(&req->r);
		break;
	case COHORT_IOC_REGION_DELETE:
		ret = cohort_region_delete(&req->r, gone_region);
		break;
	case COHORT_IOC_REGION_GRANT:
		ret = cohort_region_grant(&req->g);
		break;
	case COHORT_IOC_NET:
		ret = cohort_net_ctl(&req->n, gone_region);
		break;
	case COHORT_IOC_SIGNAL:
		ret = do_signal(&req->s);
		break;
	case COHORT_IOC_TAKEOVER:
		ret = do_takeover(&req->t, gone_region);
		break;
	case COHORT_IOC_RENAME:
		ret = do_rename(&req->n2);
		break;
	case COHORT_IOC_SET_CPUS:
		ret = cohort_set_cpus(&req->sc);
		break;
	case COHORT_IOC_SET_MEMORY:
		ret = cohort_set_memory(&req->sm);
		break;
	case COHORT_IOC_POOL_RELEASE:
		ret = cohort_pool_release(&req->pr);
		break;
	default:
		ret = do_delete(&req->i, &gone, gone_region);
		break;
	}
	mutex_unlock(&cohort_mutex);

	if (gone) {
		cancel_delayed_work_sync(&gone->watch);
		kobject_del(&gone->kobj);
		kobject_put(&gone->kobj);
	}
	for (i = 0; i < ARRAY_SIZE(gone_region); i++) {
		if (!gone_region[i])
			continue;
		kobject_del(gone_region[i]);
		kobject_put(gone_region[i]);
	}
	if (copy_to_user(uarg, req, size) && !ret)
		ret = -EFAULT;
	kfree(req);
	return ret;
}

static const struct file_operations cohort_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = cohort_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice cohort_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cohort",
	.fops = &cohort_fops,
	.mode = 0600,
};

/**
 * cohort_instances_init() - /dev/cohort and /sys/kernel/cohort/instances/
 *
 * Return: 0 or a negative errno.
 */
int __init cohort_instances_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(inst_attrs); i++)
		inst_attr_ptrs[i] = &inst_attrs[i].attr;
	instances_kset = kset_create_and_add("instances", NULL, cohort_kobj);
	if (!instances_kset)
		return -ENOMEM;
	if (cohort_regions_init())
		return -ENOMEM;
	return misc_register(&cohort_misc);
}
