// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort shared memory: the only code that reads or writes memory another
 * kernel can write (layouts in <linux/cohort_shm.h>).
 *
 * Every value read here may have been written by a kernel that is buggy,
 * dying or hostile.  Readers copy what they need into private memory,
 * sequence-checked where several words belong together (read the
 * generation, copy, read it again), check the copy once, and hand only
 * the checked copy on: nothing here returns a pointer into shared memory
 * to the rest of Cohort, except a kernel's ring (whose protocol code in
 * lib/ring/ validates every slot it reads) and a region's own memory
 * (which cohortfs validates).  Values this kernel itself publishes are
 * kept privately and written out, never read back.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/delay.h>
#include <linux/elf.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cohort.h"
#include "cohort_ring.h"

/* How often a reader tries a snapshot that keeps changing. */
#define GEN_TRIES	64
/* How often a grant lookup waits for the primary to finish an entry. */
#define GRANT_TRIES	1000

static_assert(sizeof(struct cohort_ctrl_hdr) <= COHORT_CTRL_KERNELS_OFF);
static_assert(sizeof(struct cohort_ctrl_kernel) == COHORT_CTRL_ENTRY_SIZE);
static_assert(COHORT_CTRL_KERNELS_OFF + COHORT_MAX_KERNELS *
	      COHORT_CTRL_ENTRY_SIZE <= COHORT_CTRL_CPUS_OFF);
static_assert(sizeof(struct cohort_ctrl_cpus) <= COHORT_CTRL_CPUS_SIZE);
static_assert(COHORT_CTRL_CPUS_OFF + COHORT_MAX_KERNELS *
	      COHORT_CTRL_CPUS_SIZE <= COHORT_CTRL_RINGS_OFF);
static_assert(sizeof(struct cohort_grant_page) <= PAGE_SIZE);
static_assert(sizeof(struct cohort_mailbox) <= PAGE_SIZE);
static_assert(COHORT_OFF_GRANTS + PAGE_SIZE <= COHORT_OFF_CONSOLE_IN);
static_assert(COHORT_OFF_CONSOLE_IN + COHORT_CONSOLE_IN_SIZE <=
	      COHORT_OFF_CONSOLE);
static_assert(!(COHORT_CONSOLE_IN_SIZE & (COHORT_CONSOLE_IN_SIZE - 1)));

static struct {
	void *mem;
	phys_addr_t base;
	u64 size;
	bool primary;
	bool mapped;		/* memremap()ed (an instance) */
	u64 hb;			/* this kernel's heartbeat, published */
	u64 may_run;		/* primary: what it published */
	/* primary: the CPUs it granted, the truth behind the CPU table */
	struct cohort_ctrl_cpus *granted;
} ctrl;

/* Instance side: its mailbox and the references to its grants. */
static struct cohort_mailbox *self_mbox;
static u64 self_mbox_beat;
static DEFINE_MUTEX(grants_mutex);
static unsigned int grant_refs[COHORT_MAX_GRANTS];

/* ---- generations ---- */

static void gen_begin(__u64 *gen)
{
	WRITE_ONCE(*gen, READ_ONCE(*gen) | 1);
	/* Readers see the odd generation before any field changes. */
	smp_wmb();
}

static void gen_end(__u64 *gen)
{
	/* The fields are written before the generation turns even. */
	smp_store_release(gen, (READ_ONCE(*gen) | 1) + 1);
}

/*
 * Copy @len bytes at @src, guarded by the generation at @gen, into @dst.
 * False when the writer kept changing it (or died in the middle).
 */
static bool snapshot(const __u64 *gen, void *dst, const void *src, size_t len)
{
	unsigned int i;
	u64 g;

	for (i = 0; i < GEN_TRIES; i++) {
		/* Pairs with gen_end(). */
		g = smp_load_acquire(gen);
		if (!(g & 1)) {
			memcpy(dst, src, len);
			/* The copy is made before the generation is read again. */
			smp_rmb();
			if (READ_ONCE(*gen) == g)
				return true;
		}
		cpu_relax();
	}
	return false;
}

/* ---- control region ---- */

static struct cohort_ctrl_hdr *hdr(void)
{
	return ctrl.mem;
}

static struct cohort_ctrl_kernel *kernel_entry(u32 id)
{
	return ctrl.mem + COHORT_CTRL_KERNELS_OFF + id * COHORT_CTRL_ENTRY_SIZE;
}

static struct cohort_ctrl_cpus *cpus_entry(u32 id)
{
	return ctrl.mem + COHORT_CTRL_CPUS_OFF + id * COHORT_CTRL_CPUS_SIZE;
}

/**
 * cohort_ctrl_ring() - the receive ring of a kernel
 * @id: kernel id, below %COHORT_MAX_KERNELS
 *
 * The ring protocol (lib/ring/) checks everything it reads there.
 *
 * Return: the ring's memory (%COHORT_CTRL_RING_STRIDE bytes), or NULL.
 */
void *cohort_ctrl_ring(u32 id)
{
	if (!ctrl.mem || id >= COHORT_MAX_KERNELS)
		return NULL;
	return ctrl.mem + COHORT_CTRL_RINGS_OFF +
	       (size_t)id * COHORT_CTRL_RING_STRIDE;
}

/**
 * cohort_ctrl_format() - the primary lays out the control region
 * @base: physical base (the start of the pool, in the direct map)
 * @size: bytes, at least %COHORT_CTRL_SIZE
 * @hb_ms: heartbeat period
 * @hb_misses: missed periods before an instance is declared failed
 * @doorbell_apic: the APIC ID that takes the primary's doorbells
 *
 * Return: 0 or -ENOMEM.
 */
int cohort_ctrl_format(phys_addr_t base, u64 size, unsigned int hb_ms,
		       unsigned int hb_misses, u32 doorbell_apic)
{
	struct cohort_ctrl_hdr *h;

	ctrl.granted = kcalloc(COHORT_MAX_KERNELS, sizeof(*ctrl.granted),
			       GFP_KERNEL);
	if (!ctrl.granted)
		return -ENOMEM;
	ctrl.primary = true;
	ctrl.mem = __va(base);
	ctrl.base = base;
	ctrl.size = size;
	memset(ctrl.mem, 0, size);
	h = hdr();
	h->version = COHORT_CTRL_VERSION;
	h->size = size;
	h->max_kernels = COHORT_MAX_KERNELS;
	h->entry_size = COHORT_CTRL_ENTRY_SIZE;
	h->kernels_off = COHORT_CTRL_KERNELS_OFF;
	h->cpus_off = COHORT_CTRL_CPUS_OFF;
	h->rings_off = COHORT_CTRL_RINGS_OFF;
	h->ring_stride = COHORT_CTRL_RING_STRIDE;
	h->heartbeat_ms = hb_ms;
	h->heartbeat_misses = hb_misses;
	ctrl.may_run = BIT_ULL(0);
	h->may_run = ctrl.may_run;
	cohort_ctrl_grant_cpus(0, &doorbell_apic, 1);
	/* Pairs with the instances' reads: magic goes last. */
	smp_store_release(&h->magic, COHORT_CTRL_MAGIC);
	return 0;
}

static const char *check_header(const struct cohort_ctrl_hdr *h, u64 size)
{
	static char why[128];
	u64 magic = READ_ONCE(h->magic);
	u32 version;

	/* Pairs with the release of magic in cohort_ctrl_format(). */
	smp_rmb();
	version = READ_ONCE(h->version);
	if (magic != COHORT_CTRL_MAGIC)
		return "the control region has no valid magic";
	if (version != COHORT_CTRL_VERSION) {
		snprintf(why, sizeof(why),
			 "control region version %u, this kernel knows %u",
			 version, COHORT_CTRL_VERSION);
		return why;
	}
	if (READ_ONCE(h->size) != size ||
	    READ_ONCE(h->max_kernels) != COHORT_MAX_KERNELS ||
	    READ_ONCE(h->entry_size) != COHORT_CTRL_ENTRY_SIZE ||
	    READ_ONCE(h->kernels_off) != COHORT_CTRL_KERNELS_OFF ||
	    READ_ONCE(h->cpus_off) != COHORT_CTRL_CPUS_OFF ||
	    READ_ONCE(h->rings_off) != COHORT_CTRL_RINGS_OFF ||
	    READ_ONCE(h->ring_stride) != COHORT_CTRL_RING_STRIDE)
		return "the control region's layout does not match this kernel's";
	return NULL;
}

/**
 * cohort_ctrl_attach() - an instance maps the control region it was given
 * @base: physical base, from the setup record
 * @size: bytes
 * @why: out: why not, when it fails
 *
 * Return: 0, -EINVAL (the record or the header is wrong) or -ENOMEM.
 */
int cohort_ctrl_attach(phys_addr_t base, u64 size, const char **why)
{
	const struct cohort_setup *s = cohort_instance_setup();
	void *mem;

	if (size < COHORT_CTRL_SIZE || size > SZ_1G || base + size < base ||
	    (base < s->mem_base + s->mem_size && s->mem_base < base + size)) {
		*why = "the setup record's control region is bad";
		return -EINVAL;
	}
	mem = memremap(base, size, MEMREMAP_WB);
	if (!mem) {
		*why = "cannot map the control region";
		return -ENOMEM;
	}
	*why = check_header(mem, size);
	if (*why) {
		memunmap(mem);
		return -EINVAL;
	}
	ctrl.mem = mem;
	ctrl.base = base;
	ctrl.size = size;
	ctrl.mapped = true;
	return 0;
}

/**
 * cohort_ctrl_join() - publish this kernel's entry
 * @id: this kernel's id
 * @apic_id: the APIC ID that takes its doorbells
 * @epoch: new, non-zero
 * @name: its name
 */
void cohort_ctrl_join(u32 id, u32 apic_id, u64 epoch, const char *name)
{
	struct cohort_ctrl_kernel *e = kernel_entry(id);

	gen_begin(&e->gen);
	memset((void *)e + sizeof(e->gen), 0, sizeof(*e) - sizeof(e->gen));
	e->id = id;
	e->apic_id = apic_id;
	e->flags = COHORT_KF_DOORBELL;
	e->epoch = epoch;
	strscpy(e->name, name, sizeof(e->name));
	e->state = COHORT_KS_JOINED;
	ctrl.hb = 0;
	gen_end(&e->gen);
}

/**
 * cohort_ctrl_clear_kernel() - the primary frees an instance's entry
 * @id: instance id
 *
 * Also unformats its ring, so that no sender uses it until the instance
 * formats it again.
 */
void cohort_ctrl_clear_kernel(u32 id)
{
	struct cohort_ctrl_kernel *e;
	struct cohort_ring_hdr *r;

	if (!ctrl.mem || !ctrl.primary || !id || id >= COHORT_MAX_KERNELS)
		return;
	e = kernel_entry(id);
	r = cohort_ctrl_ring(id);
	gen_begin(&e->gen);
	WRITE_ONCE(r->magic, 0);
	memset((void *)e + sizeof(e->gen), 0, sizeof(*e) - sizeof(e->gen));
	gen_end(&e->gen);
}

/**
 * cohort_ctrl_read_kernel() - a checked private copy of a kernel's entry
 * @id: kernel id
 * @v: out: the copy (zeroed unless the result is MEMBER or BAD)
 * @why: out, may be NULL: what is wrong with a BAD entry
 *
 * A joined entry must name its own id, carry an epoch and known flags, and
 * take doorbells only on an APIC ID the primary granted to that kernel.
 *
 * Return: what the entry says, see enum cohort_entry.
 */
enum cohort_entry cohort_ctrl_read_kernel(u32 id, struct cohort_kernel_view *v,
					  const char **why)
{
	struct cohort_ctrl_kernel c;
	const char *bad = NULL;

	memset(v, 0, sizeof(*v));
	if (!ctrl.mem || id >= COHORT_MAX_KERNELS)
		return COHORT_ENTRY_ABSENT;
	if (!snapshot(&kernel_entry(id)->gen, &c, kernel_entry(id),
		      offsetof(struct cohort_ctrl_kernel, reserved)))
		return COHORT_ENTRY_BUSY;
	if (c.state == COHORT_KS_FREE || c.state == COHORT_KS_LEFT)
		return COHORT_ENTRY_ABSENT;
	v->id = c.id;
	v->state = c.state;
	v->apic_id = c.apic_id;
	v->flags = c.flags;
	v->epoch = c.epoch;
	v->heartbeat = c.heartbeat;
	v->offered = c.services_offered;
	v->listening = c.services_listening;
	memcpy(v->name, c.name, sizeof(v->name));
	v->name[sizeof(v->name) - 1] = 0;

	if (c.state != COHORT_KS_JOINED)
		bad = "unknown state in its control entry";
	else if (c.id != id)
		bad = "wrong id in its control entry";
	else if (!c.epoch)
		bad = "no epoch in its control entry";
	else if (c.flags & ~COHORT_KF_DOORBELL)
		bad = "unknown flags in its control entry";
	else if ((c.flags & COHORT_KF_DOORBELL) &&
		 !cohort_ctrl_doorbell_ok(id, c.apic_id))
		bad = "a doorbell APIC ID that is not one of its CPUs";
	if (why)
		*why = bad;
	return bad ? COHORT_ENTRY_BAD : COHORT_ENTRY_MEMBER;
}

/**
 * cohort_ctrl_kernel_epoch() - the epoch of a joined kernel, cheaply
 * @id: kernel id
 *
 * For the receive path, which only needs to notice that a sender joined
 * again; it does not check the entry (cohort_ctrl_read_kernel() does).
 *
 * Return: the epoch of a joined entry, 0 otherwise or when it was changing.
 */
u64 cohort_ctrl_kernel_epoch(u32 id)
{
	struct cohort_ctrl_kernel *e;
	u64 g, epoch;
	u32 state;

	if (!ctrl.mem || id >= COHORT_MAX_KERNELS)
		return 0;
	e = kernel_entry(id);
	/* Pairs with gen_end(). */
	g = smp_load_acquire(&e->gen);
	state = READ_ONCE(e->state);
	epoch = READ_ONCE(e->epoch);
	/* The fields are read before the generation is read again. */
	smp_rmb();
	if ((g & 1) || READ_ONCE(e->gen) != g || state != COHORT_KS_JOINED)
		return 0;
	return epoch;
}

/**
 * cohort_ctrl_heartbeat() - advance this kernel's heartbeat
 * @id: this kernel's id
 */
void cohort_ctrl_heartbeat(u32 id)
{
	if (ctrl.mem && id < COHORT_MAX_KERNELS)
		WRITE_ONCE(kernel_entry(id)->heartbeat, ++ctrl.hb);
}

/**
 * cohort_ctrl_publish_services() - publish this kernel's service bitmaps
 * @id: this kernel's id
 * @offered: services it offers
 * @listening: services whose notifications it wants
 *
 * The caller keeps the bitmaps privately and serialises calls.
 */
void cohort_ctrl_publish_services(u32 id, u64 offered, u64 listening)
{
	if (!ctrl.mem || id >= COHORT_MAX_KERNELS)
		return;
	WRITE_ONCE(kernel_entry(id)->services_offered, offered);
	WRITE_ONCE(kernel_entry(id)->services_listening, listening);
}

/**
 * cohort_ctrl_set_hb() - the primary publishes the heartbeat configuration
 * @ms: period
 * @misses: missed periods before an instance is declared failed
 */
void cohort_ctrl_set_hb(unsigned int ms, unsigned int misses)
{
	if (!ctrl.mem || !ctrl.primary)
		return;
	WRITE_ONCE(hdr()->heartbeat_ms, ms);
	WRITE_ONCE(hdr()->heartbeat_misses, misses);
}

/**
 * cohort_ctrl_get_hb() - the heartbeat configuration the primary published
 * @ms: out: period, clamped to %COHORT_HB_MS_MIN..%COHORT_HB_MS_MAX
 * @misses: out: missed periods, clamped to 1..%COHORT_HB_MISSES_MAX
 */
void cohort_ctrl_get_hb(unsigned int *ms, unsigned int *misses)
{
	*ms = clamp_t(u32, READ_ONCE(hdr()->heartbeat_ms), COHORT_HB_MS_MIN,
		      COHORT_HB_MS_MAX);
	*misses = clamp_t(u32, READ_ONCE(hdr()->heartbeat_misses), 1,
			  COHORT_HB_MISSES_MAX);
}

/**
 * cohort_ctrl_set_may_run() - publish whether a kernel's CPUs may run it
 * @id: instance id
 * @may_run: true from just before its CPUs are sent until they are back
 *	(or it reported a panic or power-off)
 *
 * Primary only.  Other kernels read the bit to decide whether claims the
 * instance left in shared memory can be broken (cohort_kernel_alive()).
 */
void cohort_ctrl_set_may_run(u32 id, bool may_run)
{
	if (!ctrl.mem || !ctrl.primary || !id || id >= COHORT_MAX_KERNELS)
		return;
	if (may_run)
		ctrl.may_run |= BIT_ULL(id);
	else
		ctrl.may_run &= ~BIT_ULL(id);
	WRITE_ONCE(hdr()->may_run, ctrl.may_run);
	/* Ordered before whatever the caller does next. */
	smp_mb();
}

/**
 * cohort_ctrl_may_run() - may a kernel's CPUs still run it?
 * @id: kernel id
 *
 * The primary answers from what it published; others read the bitmap.
 *
 * Return: true while they may.
 */
bool cohort_ctrl_may_run(u32 id)
{
	if (id >= COHORT_MAX_KERNELS)
		return false;
	if (ctrl.primary)
		return ctrl.may_run & BIT_ULL(id);
	if (!ctrl.mem)
		return true;
	/* Pairs with smp_mb() in cohort_ctrl_set_may_run(). */
	smp_rmb();
	return READ_ONCE(hdr()->may_run) & BIT_ULL(id);
}

/**
 * cohort_kernel_alive() - may a kernel incarnation still write shared memory?
 * @id: kernel id (0 is the primary)
 * @epoch: the epoch it had in the membership when it made its claim
 *
 * True while the kernel is a member with that epoch, and also while it is
 * not a member but its CPUs may still run it (it is starting, leaving, or
 * it was declared failed and not yet stopped): only a kernel that can no
 * longer execute is ever called dead.  A member with another epoch is a
 * later boot, so the incarnation asked about is dead.  Without a control
 * region nothing can be known, and every kernel is taken as alive.
 *
 * Return: false only when the incarnation certainly cannot run any more.
 */
bool cohort_kernel_alive(u32 id, u64 epoch)
{
	struct cohort_kernel_view v;

	if (!ctrl.mem || id >= COHORT_MAX_KERNELS)
		return true;
	if (cohort_ctrl_read_kernel(id, &v, NULL) == COHORT_ENTRY_MEMBER)
		return v.epoch == epoch;
	return cohort_ctrl_may_run(id);
}
EXPORT_SYMBOL_GPL(cohort_kernel_alive);

/**
 * cohort_ctrl_grant_cpus() - the primary publishes a kernel's CPUs
 * @id: kernel id
 * @apic_ids: its APIC IDs
 * @nr: how many; 0 takes them back (the instance stopped)
 *
 * Doorbells go only to these (cohort_ctrl_doorbell_ok()).
 */
void cohort_ctrl_grant_cpus(u32 id, const u32 *apic_ids, unsigned int nr)
{
	struct cohort_ctrl_cpus *c;

	if (!ctrl.mem || !ctrl.primary || id >= COHORT_MAX_KERNELS ||
	    nr > COHORT_SETUP_MAX_CPUS)
		return;
	c = cpus_entry(id);
	ctrl.granted[id].nr = nr;
	gen_begin(&c->gen);
	c->nr = nr;
	memset(c->apic_ids, 0, sizeof(c->apic_ids));
	if (nr) {
		memcpy(ctrl.granted[id].apic_ids, apic_ids, nr * sizeof(u32));
		memcpy(c->apic_ids, apic_ids, nr * sizeof(u32));
	}
	gen_end(&c->gen);
}

/**
 * cohort_ctrl_set_cid() - the primary publishes a kernel's AF_VSOCK CID
 * @id: kernel id
 * @cid: its CID; 0 for the default, COHORT_VSOCK_CID(@id);
 *	%COHORT_CID_NONE for an id no instance has
 */
void cohort_ctrl_set_cid(u32 id, u32 cid)
{
	struct cohort_ctrl_cpus *c;

	if (!ctrl.mem || !ctrl.primary || id >= COHORT_MAX_KERNELS)
		return;
	c = cpus_entry(id);
	ctrl.granted[id].cid = cid;
	gen_begin(&c->gen);
	c->cid = cid;
	gen_end(&c->gen);
}

/* A CID a kernel may have: not the hypervisor's, local or any. */
static bool cid_ok(u32 id, u32 cid)
{
	if (!id)
		return cid == COHORT_VSOCK_CID(0);
	return cid > COHORT_VSOCK_CID(0) && cid != U32_MAX;
}

/**
 * cohort_ctrl_cid() - a kernel's AF_VSOCK CID
 * @id: kernel id
 *
 * The primary answers from its own record, other kernels from a checked
 * copy of the table the primary writes.  A CID no kernel may have (the
 * primary's for an instance, 0, 1) reads as the default.
 *
 * Return: its CID, COHORT_VSOCK_CID(@id) unless it took over another's;
 * 0 for an id whose instance was deleted (%COHORT_CID_NONE): its default
 * may be another's by now.
 */
u32 cohort_ctrl_cid(u32 id)
{
	const struct cohort_ctrl_cpus *c;
	unsigned int tries;
	u32 cid = 0;
	u64 g;

	if (!ctrl.mem || id >= COHORT_MAX_KERNELS)
		return COHORT_VSOCK_CID(id);
	if (ctrl.primary) {
		cid = ctrl.granted[id].cid;
	} else {
		c = cpus_entry(id);
		for (tries = 0; tries < GEN_TRIES; tries++) {
			/* Pairs with gen_end(). */
			g = smp_load_acquire(&c->gen);
			if (g & 1)
				continue;
			cid = READ_ONCE(c->cid);
			/* The CID is read before the generation is again. */
			smp_rmb();
			if (READ_ONCE(c->gen) == g)
				break;
			cid = 0;
		}
	}
	if (cid == COHORT_CID_NONE && id)
		return 0;
	return cid && cid_ok(id, cid) ? cid : COHORT_VSOCK_CID(id);
}

/**
 * cohort_ctrl_doorbell_ok() - may doorbells for a kernel go to an APIC ID?
 * @id: the kernel
 * @apic_id: the APIC ID its entry names
 *
 * Only a CPU the primary granted to that kernel, and never a broadcast.
 * The primary answers from its own record; other kernels from the table
 * the primary writes.
 *
 * Return: true if allowed.
 */
bool cohort_ctrl_doorbell_ok(u32 id, u32 apic_id)
{
	const struct cohort_ctrl_cpus *c;
	unsigned int i, nr, tries;
	bool found;
	u64 g;

	if (!ctrl.mem || id >= COHORT_MAX_KERNELS ||
	    !cohort_arch_apic_id_ok(apic_id))
		return false;
	if (ctrl.primary) {
		c = &ctrl.granted[id];
		for (i = 0; i < c->nr; i++)
			if (c->apic_ids[i] == apic_id)
				return true;
		return false;
	}
	c = cpus_entry(id);
	for (tries = 0; tries < GEN_TRIES; tries++) {
		/* Pairs with gen_end(). */
		g = smp_load_acquire(&c->gen);
		if (g & 1)
			continue;
		nr = min_t(u32, READ_ONCE(c->nr), COHORT_SETUP_MAX_CPUS);
		found = false;
		for (i = 0; i < nr && !found; i++)
			found = READ_ONCE(c->apic_ids[i]) == apic_id;
		/* The entries are read before the generation is read again. */
		smp_rmb();
		if (READ_ONCE(c->gen) == g)
			return found;
	}
	return false;
}

#ifdef CONFIG_COHORT_TEST
/**
 * cohort_ctrl_test_poke() - write raw bytes into the control region (tests)
 * @off: offset
 * @buf: bytes
 * @len: how many
 *
 * Stands in for a buggy or hostile kernel in the tests.
 *
 * Return: 0 or -EINVAL.
 */
int cohort_ctrl_test_poke(u32 off, const void *buf, size_t len)
{
	if (!ctrl.mem || off > ctrl.size || len > ctrl.size - off)
		return -EINVAL;
	memcpy(ctrl.mem + off, buf, len);
	return 0;
}

/**
 * cohort_ctrl_test_set_version() - change the header's version (tests)
 * @version: the new version
 */
void cohort_ctrl_test_set_version(u32 version)
{
	if (ctrl.mem && ctrl.primary)
		WRITE_ONCE(hdr()->version, version);
}
#endif

/* ---- mailbox and console, primary side ---- */

static struct cohort_mailbox *mbox_of(phys_addr_t mem)
{
	return __va(mem + COHORT_OFF_MAILBOX);
}

/**
 * cohort_mbox_reset() - a fresh mailbox before an instance starts
 * @mem: base of the instance's memory
 */
void cohort_mbox_reset(phys_addr_t mem)
{
	struct cohort_mailbox *mb = mbox_of(mem);

	memset(mb, 0, sizeof(*mb));
	WRITE_ONCE(mb->magic, COHORT_MBOX_MAGIC);
}

/**
 * cohort_mbox_status() - what an instance says about itself
 * @mem: base of the instance's memory
 *
 * Return: a COHORT_ST_* value; anything else reads as %COHORT_ST_BOOTING
 * (no news).
 */
u32 cohort_mbox_status(phys_addr_t mem)
{
	u32 st = READ_ONCE(mbox_of(mem)->status);

	return st <= COHORT_ST_PANIC ? st : COHORT_ST_BOOTING;
}

/**
 * cohort_mbox_exit() - the exit status an instance reported for its workload
 * @mem: base of the instance's memory
 *
 * Read once; the instance may have written anything there.
 *
 * Return: 0-255, or -1 if it reported none (or nonsense).
 */
int cohort_mbox_exit(phys_addr_t mem)
{
	u32 v = READ_ONCE(mbox_of(mem)->exit);

	return (v & ~0xffU) == COHORT_EXIT_SET ? (int)(v & 0xff) : -1;
}

/* "VMCOREINFO" and its NUL, padded to 4 bytes, as in an ELF note. */
#define VMCI_NAME	"VMCOREINFO"
#define VMCI_NAME_PAD	12

/**
 * cohort_mbox_vmcoreinfo() - a checked copy of an instance's VMCOREINFO
 * @mem: base of the instance's memory
 * @size: its size
 * @buf: receives the note's text
 * @max: room at @buf
 *
 * The instance said where its kernel keeps the note that crash tools
 * read (symbols, offsets, page size).  Each word is read once; the note
 * must lie in the instance's own memory, its header is checked on a
 * private copy, and its text is copied out and checked there: printable
 * ASCII lines only.  Call it while the instance's CPUs are stopped, or
 * the text may be torn.
 *
 * Return: bytes of text copied; 0 if the instance said nothing; -EINVAL
 * if what it said does not hold together.
 */
ssize_t cohort_mbox_vmcoreinfo(phys_addr_t mem, u64 size, char *buf,
			       size_t max)
{
	struct cohort_mailbox *mb = mbox_of(mem);
	u64 note = READ_ONCE(mb->vmcoreinfo);
	u32 len = READ_ONCE(mb->vmcoreinfo_size);
	char name[VMCI_NAME_PAD];
	struct elf64_note nh;
	const u8 *p;
	u32 i;

	if (!note && !len)
		return 0;
	if (note < mem || note - mem >= size || len > size - (note - mem) ||
	    len < sizeof(nh) + VMCI_NAME_PAD)
		return -EINVAL;
	p = __va(note);
	memcpy(&nh, p, sizeof(nh));
	memcpy(name, p + sizeof(nh), sizeof(name));
	if (nh.n_namesz != sizeof(VMCI_NAME) || nh.n_type ||
	    memcmp(name, VMCI_NAME, sizeof(VMCI_NAME)) ||
	    nh.n_descsz > len - sizeof(nh) - VMCI_NAME_PAD ||
	    nh.n_descsz > max)
		return -EINVAL;
	memcpy(buf, p + sizeof(nh) + VMCI_NAME_PAD, nh.n_descsz);
	for (i = 0; i < nh.n_descsz; i++)
		if (buf[i] != '\n' && (buf[i] < 0x20 || buf[i] > 0x7e))
			return -EINVAL;
	return nh.n_descsz;
}

/**
 * cohort_mbox_page_offset() - where an instance's kernel maps physical 0
 * @mem: base of the instance's memory
 * @size: its size
 *
 * Read once.  A kernel's direct map starts in the upper half of the
 * address space, at a 1 GiB boundary, and holds all of the instance's
 * memory without wrapping; anything else is refused.
 *
 * Return: the instance's page offset, or this kernel's when it said
 * nothing or nonsense (the same kernel image maps the same way).
 */
u64 cohort_mbox_page_offset(phys_addr_t mem, u64 size)
{
	u64 po = READ_ONCE(mbox_of(mem)->page_offset);

	if (po < 0xff00000000000000ULL || po & (SZ_1G - 1) ||
	    po + mem + size < po)
		return PAGE_OFFSET;
	return po;
}

/**
 * cohort_mbox_signal() - leave a signal for an instance's PID 1
 * @mem: base of the instance's memory
 * @signo: 1..%COHORT_SIGNAL_MAX, checked by the caller
 *
 * Only sets a bit: what the instance wrote there is never read.
 */
void cohort_mbox_signal(phys_addr_t mem, unsigned int signo)
{
	atomic64_t *p = (atomic64_t *)&mbox_of(mem)->signals;

	atomic64_or(1ULL << (signo - 1), p);
}

/**
 * cohort_mbox_request() - ask an instance to do something
 * @mem: base of the instance's memory
 * @request: COHORT_REQ_*
 */
void cohort_mbox_request(phys_addr_t mem, u32 request)
{
	WRITE_ONCE(mbox_of(mem)->request, request);
}

/**
 * cohort_mbox_has_feature() - does an instance say it can do something?
 * @mem: base of the instance's memory
 * @feature: a COHORT_MBOX_F_* bit
 *
 * Only a claim: what the instance then does is checked on its own.
 *
 * Return: true if the instance set the bit.
 */
bool cohort_mbox_has_feature(phys_addr_t mem, u32 feature)
{
	return READ_ONCE(mbox_of(mem)->features) & feature;
}

/**
 * cohort_mbox_cpu_ask() - ask an instance to bring a CPU up or down
 * @mem: base of the instance's memory
 * @seq: a number the primary never used for this instance's run
 * @op: COHORT_CPU_ADD or COHORT_CPU_REMOVE
 * @apic_id: the CPU's physical APIC ID
 */
void cohort_mbox_cpu_ask(phys_addr_t mem, u32 seq, u32 op, u32 apic_id)
{
	struct cohort_mailbox *mb = mbox_of(mem);

	WRITE_ONCE(mb->cpu_op, op);
	WRITE_ONCE(mb->cpu_apic, apic_id);
	/* The request before the number that makes it new. */
	smp_store_release(&mb->cpu_seq, seq);
}

/**
 * cohort_mbox_cpu_answer() - has an instance finished a CPU request?
 * @mem: base of the instance's memory
 * @seq: the request's number
 * @result: out: 0, or the errno it failed with
 *
 * Each word is read once.  A result that is not 0 nor an errno reads as
 * -EPROTO: the instance said nonsense.
 *
 * Return: true once the instance says it finished request @seq.
 */
bool cohort_mbox_cpu_answer(phys_addr_t mem, u32 seq, int *result)
{
	struct cohort_mailbox *mb = mbox_of(mem);
	int r;

	/* Pairs with the instance's release: the result came first. */
	if (smp_load_acquire(&mb->cpu_done) != seq)
		return false;
	r = READ_ONCE(mb->cpu_result);
	*result = r <= 0 && r >= -MAX_ERRNO ? r : -EPROTO;
	return true;
}

/**
 * cohort_mbox_mem_ask() - ask an instance to add or give back a memory block
 * @mem: base of the instance's memory
 * @r: the request; @r->seq a number the primary never used for this
 *	instance's run
 */
void cohort_mbox_mem_ask(phys_addr_t mem, const struct cohort_mem_req *r)
{
	struct cohort_mailbox *mb = mbox_of(mem);

	WRITE_ONCE(mb->mem_op, r->op);
	WRITE_ONCE(mb->mem_node, r->node);
	WRITE_ONCE(mb->mem_base, r->base);
	WRITE_ONCE(mb->mem_timeout_ms, r->timeout_ms);
	/* The request before the number that makes it new. */
	smp_store_release(&mb->mem_seq, r->seq);
}

/**
 * cohort_mbox_mem_answer() - has an instance finished a memory request?
 * @mem: base of the instance's memory
 * @seq: the request's number
 * @result: out: 0, or the errno it failed with
 *
 * As cohort_mbox_cpu_answer(): a result that is not 0 nor an errno reads
 * as -EPROTO.
 *
 * Return: true once the instance says it finished request @seq.
 */
bool cohort_mbox_mem_answer(phys_addr_t mem, u32 seq, int *result)
{
	struct cohort_mailbox *mb = mbox_of(mem);
	int r;

	/* Pairs with the instance's release: the result came first. */
	if (smp_load_acquire(&mb->mem_done) != seq)
		return false;
	r = READ_ONCE(mb->mem_result);
	*result = r <= 0 && r >= -MAX_ERRNO ? r : -EPROTO;
	return true;
}

/**
 * cohort_console_head() - bytes an instance ever wrote to its console
 * @mem: base of the instance's memory
 *
 * Return: the head it published (only meaningful modulo the buffer).
 */
u64 cohort_console_head(phys_addr_t mem)
{
	/* Pairs with the instance's store-release of the head. */
	return smp_load_acquire(&mbox_of(mem)->console_head);
}

/**
 * cohort_console_copy() - read an instance's console stream
 * @mem: base of the instance's memory
 * @pos: stream position to start at
 * @buf: where the bytes go
 * @count: at most this many
 *
 * The head comes from the instance, so it is read once and only used
 * modulo the buffer; positions that were overwritten start at the oldest
 * byte still there.
 *
 * Return: bytes copied, 0 at the head.
 */
size_t cohort_console_copy(phys_addr_t mem, u64 pos, char *buf, size_t count)
{
	const char *ring = __va(mem + COHORT_OFF_CONSOLE);
	u64 head = cohort_console_head(mem);
	u64 oldest = head > COHORT_CONSOLE_SIZE ? head - COHORT_CONSOLE_SIZE : 0;
	size_t n, off, first;

	if (pos >= head)
		return 0;
	if (pos < oldest)
		pos = oldest;
	n = min_t(u64, count, head - pos);
	off = pos & (COHORT_CONSOLE_SIZE - 1);
	first = min_t(size_t, n, COHORT_CONSOLE_SIZE - off);
	memcpy(buf, ring + off, first);
	memcpy(buf + first, ring, n - first);
	return n;
}

/**
 * cohort_conin_put() - type bytes into an instance's console input
 * @mem: base of the instance's memory
 * @head: the primary's private count of bytes ever put (in, out)
 * @buf: the bytes
 * @len: how many
 *
 * The instance publishes how far it has consumed (@console_in_tail); that
 * value is read once and checked against @head, which the primary keeps
 * for itself and never reads back.  Bytes go only where the instance has
 * made room, so nothing it consumed late is overwritten.
 *
 * Return: bytes put (0 when the buffer is full), or -EIO when the
 * instance published a consumed count that cannot be true.
 */
int cohort_conin_put(phys_addr_t mem, u64 *head, const void *buf, size_t len)
{
	u8 *ring = __va(mem + COHORT_OFF_CONSOLE_IN);
	size_t n, off, first;
	u64 tail, used;

	/* Pairs with the instance's release: it copied the bytes out. */
	tail = smp_load_acquire(&mbox_of(mem)->console_in_tail);
	used = *head - tail;

	if (tail > *head || used > COHORT_CONSOLE_IN_SIZE)
		return -EIO;
	n = min_t(u64, len, COHORT_CONSOLE_IN_SIZE - used);
	off = *head & (COHORT_CONSOLE_IN_SIZE - 1);
	first = min_t(size_t, n, COHORT_CONSOLE_IN_SIZE - off);
	memcpy(ring + off, buf, first);
	memcpy(ring, (const u8 *)buf + first, n - first);
	*head += n;
	/* The bytes before the head that publishes them. */
	smp_store_release(&mbox_of(mem)->console_in_head, *head);
	return n;
}

/**
 * cohort_conin_room() - room left in an instance's console input
 * @mem: base of the instance's memory
 * @head: the primary's private count of bytes ever put
 *
 * Return: bytes cohort_conin_put() would take now, or -EIO as it would.
 */
int cohort_conin_room(phys_addr_t mem, u64 head)
{
	u64 tail;

	/* As in cohort_conin_put(). */
	tail = smp_load_acquire(&mbox_of(mem)->console_in_tail);
	if (tail > head || head - tail > COHORT_CONSOLE_IN_SIZE)
		return -EIO;
	return COHORT_CONSOLE_IN_SIZE - (head - tail);
}

/* ---- mailbox and console, instance side ---- */

static u8 *self_conin;
static u64 self_conin_mask;
static u64 self_conin_tail;	/* consumed; published, never read back */

/**
 * cohort_mbox_attach() - the instance's mailbox, from its setup record
 * @mb: the mailbox page, mapped
 */
void __init cohort_mbox_attach(struct cohort_mailbox *mb)
{
	self_mbox = mb;
}

/**
 * cohort_mbox_set_status() - tell the primary how this instance is
 * @status: COHORT_ST_*
 *
 * Ordered after everything written before it: the primary acts on it
 * (it takes the CPUs back on %COHORT_ST_OFF).
 */
void cohort_mbox_set_status(u32 status)
{
	if (!self_mbox)
		return;
	/* What was written before goes first: the primary acts on status. */
	smp_store_release(&self_mbox->status, status);
}

/**
 * cohort_mbox_set_exit() - report the exit status of this instance's workload
 * @code: 0-255 (128 + N for a workload killed by signal N)
 *
 * The primary reads it once the instance is off (`cohort wait`).
 *
 * Return: 0, or -ERANGE for a value out of range, -ENODEV outside an
 * instance.
 */
int cohort_mbox_set_exit(u32 code)
{
	if (!self_mbox)
		return -ENODEV;
	if (code > 0xff)
		return -ERANGE;
	WRITE_ONCE(self_mbox->exit, COHORT_EXIT_SET | code);
	return 0;
}

/**
 * cohort_mbox_get_exit() - the exit status this instance reported so far
 *
 * Return: 0-255, or -1 if none.
 */
int cohort_mbox_get_exit(void)
{
	u32 v;

	if (!self_mbox)
		return -1;
	v = READ_ONCE(self_mbox->exit);
	return v & COHORT_EXIT_SET ? (int)(v & 0xff) : -1;
}

/**
 * cohort_mbox_set_vmcoreinfo() - what a dump of this kernel needs to say
 * @note: physical address of the VMCOREINFO ELF note
 * @size: its size in bytes
 * @page_offset: virtual address of this kernel's direct map
 *
 * The primary copies the note into this instance's memory dump and
 * gives its memory these virtual addresses there.
 */
void cohort_mbox_set_vmcoreinfo(phys_addr_t note, u32 size, u64 page_offset)
{
	if (!self_mbox)
		return;
	WRITE_ONCE(self_mbox->vmcoreinfo, note);
	WRITE_ONCE(self_mbox->vmcoreinfo_size, size);
	WRITE_ONCE(self_mbox->page_offset, page_offset);
}

/**
 * cohort_mbox_take_signals() - the signals the primary left for PID 1
 *
 * Return: bit N - 1 set for each signal N; they are cleared.
 */
u64 cohort_mbox_take_signals(void)
{
	if (!self_mbox || !READ_ONCE(self_mbox->signals))
		return 0;
	return xchg(&self_mbox->signals, 0);
}

/**
 * cohort_mbox_beat() - advance this instance's mailbox heartbeat
 */
void cohort_mbox_beat(void)
{
	if (self_mbox)
		WRITE_ONCE(self_mbox->heartbeat, ++self_mbox_beat);
}

/**
 * cohort_mbox_stop_requested() - has the primary asked this instance to stop?
 *
 * Return: true once it has.
 */
bool cohort_mbox_stop_requested(void)
{
	return self_mbox && READ_ONCE(self_mbox->request) == COHORT_REQ_STOP;
}

/**
 * cohort_mbox_set_feature() - tell the primary this instance can do more
 * @feature: a COHORT_MBOX_F_* bit
 */
void cohort_mbox_set_feature(u32 feature)
{
	if (self_mbox)
		WRITE_ONCE(self_mbox->features,
			   READ_ONCE(self_mbox->features) | feature);
}

/**
 * cohort_mbox_cpu_asked() - a CPU request from the primary not yet done
 * @seq: out: its number
 * @op: out: COHORT_CPU_*, as the primary wrote it (check it)
 * @apic_id: out: the APIC ID it names (check it)
 *
 * Return: true if there is one.
 */
bool cohort_mbox_cpu_asked(u32 *seq, u32 *op, u32 *apic_id)
{
	u32 s;

	if (!self_mbox)
		return false;
	/* Pairs with the primary's release: op and APIC ID came first. */
	s = smp_load_acquire(&self_mbox->cpu_seq);
	if (s == READ_ONCE(self_mbox->cpu_done))
		return false;
	*seq = s;
	*op = READ_ONCE(self_mbox->cpu_op);
	*apic_id = READ_ONCE(self_mbox->cpu_apic);
	return true;
}

/**
 * cohort_mbox_cpu_finish() - answer a CPU request
 * @seq: its number
 * @result: 0 or a negative errno
 */
void cohort_mbox_cpu_finish(u32 seq, int result)
{
	WRITE_ONCE(self_mbox->cpu_result, result);
	/* The result before the number that says it is there. */
	smp_store_release(&self_mbox->cpu_done, seq);
}

/**
 * cohort_mbox_mem_asked() - a memory request from the primary not yet done
 * @r: out: the request, each word read once; the caller checks them all
 *
 * Return: true if there is one.
 */
bool cohort_mbox_mem_asked(struct cohort_mem_req *r)
{
	u32 s;

	if (!self_mbox)
		return false;
	/* Pairs with the primary's release: the request came first. */
	s = smp_load_acquire(&self_mbox->mem_seq);
	if (s == READ_ONCE(self_mbox->mem_done))
		return false;
	r->seq = s;
	r->op = READ_ONCE(self_mbox->mem_op);
	r->node = READ_ONCE(self_mbox->mem_node);
	r->base = READ_ONCE(self_mbox->mem_base);
	r->timeout_ms = READ_ONCE(self_mbox->mem_timeout_ms);
	return true;
}

/**
 * cohort_mbox_mem_finish() - answer a memory request
 * @seq: its number
 * @result: 0 or a negative errno
 */
void cohort_mbox_mem_finish(u32 seq, int result)
{
	WRITE_ONCE(self_mbox->mem_result, result);
	/* The result before the number that says it is there. */
	smp_store_release(&self_mbox->mem_done, seq);
}

/**
 * cohort_mbox_console_publish() - publish the console head
 * @head: bytes ever written, the bytes before it already in the buffer
 */
void cohort_mbox_console_publish(u64 head)
{
	/* The bytes before the head that publishes them (primary reads). */
	smp_store_release(&self_mbox->console_head, head);
}

/**
 * cohort_conin_attach() - this instance's console input buffer
 * @buf: the buffer, mapped
 * @size: its size, a power of two
 */
void __init cohort_conin_attach(void *buf, u64 size)
{
	self_conin = buf;
	self_conin_mask = size - 1;
}

/**
 * cohort_conin_take() - take typed bytes from the console input
 * @dst: where they go
 * @max: at most this many
 *
 * The head the primary published is read once; one that is behind what
 * was consumed or more than a buffer ahead is ignored (nothing is taken).
 * Calls must not overlap (the console's input work).
 *
 * Return: bytes copied to @dst.
 */
size_t cohort_conin_take(u8 *dst, size_t max)
{
	u64 head, avail, off;
	size_t n, first;

	if (!self_conin || !self_mbox)
		return 0;
	/* Pairs with the primary's store-release of the head. */
	head = smp_load_acquire(&self_mbox->console_in_head);
	avail = head - self_conin_tail;
	if (head < self_conin_tail || avail > self_conin_mask + 1)
		return 0;
	n = min_t(u64, max, avail);
	if (!n)
		return 0;
	off = self_conin_tail & self_conin_mask;
	first = min_t(size_t, n, self_conin_mask + 1 - off);
	memcpy(dst, self_conin + off, first);
	memcpy(dst + first, self_conin, n - first);
	self_conin_tail += n;
	/* Copied out before the primary may reuse the bytes. */
	smp_store_release(&self_mbox->console_in_tail, self_conin_tail);
	return n;
}

/**
 * cohort_conin_pending() - has the primary typed anything not yet taken?
 *
 * Return: true if cohort_conin_take() may find bytes.
 */
bool cohort_conin_pending(void)
{
	return self_conin && self_mbox &&
	       READ_ONCE(self_mbox->console_in_head) != self_conin_tail;
}

#ifdef CONFIG_COHORT_TEST
/**
 * cohort_conin_test_set_tail() - publish a made-up consumed count (tests)
 * @tail: what the primary will read as this instance's consumed count
 *
 * Stands in for a buggy or hostile instance; the private count stays.
 */
void cohort_conin_test_set_tail(u64 tail)
{
	if (self_mbox)
		WRITE_ONCE(self_mbox->console_in_tail, tail);
}
#endif

/* ---- grant pages, primary side ---- */

static struct cohort_grant_page *grants_of(phys_addr_t mem)
{
	return __va(mem + COHORT_OFF_GRANTS);
}

/**
 * cohort_grants_format() - an empty grant page, when an instance is created
 * @mem: base of the instance's memory
 */
void cohort_grants_format(phys_addr_t mem)
{
	struct cohort_grant_page *p = grants_of(mem);

	memset(p, 0, sizeof(*p));
	p->max = COHORT_MAX_GRANTS;
	WRITE_ONCE(p->magic, COHORT_GRANTS_MAGIC);
}

/**
 * cohort_grants_set() - list a region in an instance's grant page
 * @mem: base of the instance's memory
 * @slot: entry, below %COHORT_MAX_GRANTS, not in use
 * @name: region name
 * @base: its physical base
 * @size: its size
 * @flags: %COHORT_GRANT_RO or 0
 *
 * Return: 0 or -EINVAL.
 */
int cohort_grants_set(phys_addr_t mem, u32 slot, const char *name,
		      phys_addr_t base, u64 size, u32 flags)
{
	struct cohort_grant *g;

	if (slot >= COHORT_MAX_GRANTS)
		return -EINVAL;
	g = &grants_of(mem)->g[slot];
	gen_begin(&g->seq);
	g->base = base;
	g->size = size;
	g->in_use = 0;
	g->flags = flags;
	memset(g->name, 0, sizeof(g->name));
	strscpy(g->name, name, sizeof(g->name));
	gen_end(&g->seq);
	return 0;
}

/**
 * cohort_grants_clear() - take a region out of an instance's grant page
 * @mem: base of the instance's memory
 * @slot: the entry
 * @may_run: the instance's CPUs may run it now
 *
 * Return: 0, or -EBUSY when the instance maps the region and may still
 * use it (the entry is then left as it was).
 */
int cohort_grants_clear(phys_addr_t mem, u32 slot, bool may_run)
{
	struct cohort_grant *g;
	u64 seq;

	if (slot >= COHORT_MAX_GRANTS)
		return -EINVAL;
	g = &grants_of(mem)->g[slot];
	seq = READ_ONCE(g->seq) & ~1ULL;
	WRITE_ONCE(g->seq, seq + 1);
	/* Pairs with the barrier in cohort_grants_get(). */
	smp_mb();
	if (may_run && READ_ONCE(g->in_use)) {
		/* Unchanged: the entry is as it was before the odd seq. */
		smp_store_release(&g->seq, seq);
		return -EBUSY;
	}
	g->base = 0;
	g->size = 0;
	g->in_use = 0;
	memset(g->name, 0, sizeof(g->name));
	/* The entry is cleared before seq says it is free. */
	smp_store_release(&g->seq, seq + 2);
	return 0;
}

/**
 * cohort_grants_in_use() - does an instance say it maps a granted region?
 * @mem: base of the instance's memory
 * @slot: the entry
 *
 * Return: true if it does.
 */
bool cohort_grants_in_use(phys_addr_t mem, u32 slot)
{
	return slot < COHORT_MAX_GRANTS &&
	       READ_ONCE(grants_of(mem)->g[slot].in_use);
}

/**
 * cohort_grants_forget_use() - before an instance starts: it maps nothing
 * @mem: base of the instance's memory
 */
void cohort_grants_forget_use(phys_addr_t mem)
{
	u32 slot;

	for (slot = 0; slot < COHORT_MAX_GRANTS; slot++)
		WRITE_ONCE(grants_of(mem)->g[slot].in_use, 0);
}

/* ---- grant pages, instance side ---- */

/* Is a granted range one this instance may map? */
static const char *grant_bad(const struct cohort_setup *s, u64 base, u64 size)
{
	u64 pool_end = s->pool_base + s->pool_size;

	if (!size || !IS_ALIGNED(base, COHORT_MEM_ALIGN) ||
	    !IS_ALIGNED(size, COHORT_MEM_ALIGN))
		return "is not aligned to 2 MiB";
	if (base < s->pool_base || base > pool_end || size > pool_end - base)
		return "is not inside the pool";
	if (base < s->ctrl_base + s->ctrl_size && s->ctrl_base < base + size)
		return "overlaps the control region";
	if (base < s->mem_base + s->mem_size && s->mem_base < base + size)
		return "overlaps this kernel's own memory";
	return NULL;
}

/**
 * cohort_grants_get() - an instance looks up a region granted to it
 * @name: region name
 * @base: out: its physical base
 * @size: out: its size
 * @slot: out: for cohort_grants_put()
 * @flags: out: %COHORT_GRANT_RO when it may only be mapped read-only; may
 *	be NULL
 * @why: out: a sentence when the region cannot be had
 * @whysz: bytes at @why
 *
 * Only the instance's own grant page is read, which only the primary
 * writes (besides the instance's in_use words); the range is checked
 * against the pool the setup record names before it is handed out.
 *
 * Return: 0, -ENOENT (not granted), -EUCLEAN (a bad entry), -EBUSY (the
 * entry kept changing), -ENODEV (no grant page).
 */
int cohort_grants_get(const char *name, phys_addr_t *base, u64 *size,
		      u32 *slot, u32 *flags, char *why, size_t whysz)
{
	const struct cohort_setup *s = cohort_instance_setup();
	struct cohort_grant_page *p;
	struct cohort_grant *g, c;
	unsigned int tries;
	const char *bad;
	bool changing;
	u32 i;
	int ret = -ENOENT;

	if (!cohort_is_instance() || !s->grants) {
		snprintf(why, whysz, "this kernel has no grant page");
		return -ENODEV;
	}
	p = __va(s->grants);
	if (READ_ONCE(p->magic) != COHORT_GRANTS_MAGIC) {
		snprintf(why, whysz, "this instance's grant page is not formatted");
		return -ENODEV;
	}
	mutex_lock(&grants_mutex);
	for (tries = 0; tries < GRANT_TRIES; tries++) {
		changing = false;
		for (i = 0; i < COHORT_MAX_GRANTS; i++) {
			g = &p->g[i];
			if (!snapshot(&g->seq, &c, g, sizeof(c))) {
				changing = true;
				continue;
			}
			if (!c.size || strncmp(c.name, name, sizeof(c.name)))
				continue;
			bad = grant_bad(s, c.base, c.size);
			if (bad) {
				snprintf(why, whysz, "region '%s' in the grant page %s",
					 name, bad);
				ret = -EUCLEAN;
				goto out;
			}
			if (!grant_refs[i]) {
				WRITE_ONCE(g->in_use, 1);
				/* Pairs with smp_mb() in cohort_grants_clear(). */
				smp_mb();
				if (READ_ONCE(g->seq) != c.seq) {
					WRITE_ONCE(g->in_use, 0);
					changing = true;
					continue;
				}
			}
			grant_refs[i]++;
			*base = c.base;
			*size = c.size;
			*slot = i;
			/* Unknown bits read as read-only: the safe side. */
			if (flags)
				*flags = c.flags ? COHORT_GRANT_RO : 0;
			ret = 0;
			goto out;
		}
		if (!changing)
			break;
		mutex_unlock(&grants_mutex);
		usleep_range(100, 200);
		mutex_lock(&grants_mutex);
	}
	if (tries == GRANT_TRIES) {
		snprintf(why, whysz, "the grant page kept changing");
		ret = -EBUSY;
	} else {
		snprintf(why, whysz, "no region named '%s' is granted to this instance",
			 name);
	}
out:
	mutex_unlock(&grants_mutex);
	return ret;
}

/**
 * cohort_grants_put() - an instance stops mapping a granted region
 * @slot: what cohort_grants_get() gave
 */
void cohort_grants_put(u32 slot)
{
	const struct cohort_setup *s = cohort_instance_setup();
	struct cohort_grant_page *p;

	if (slot >= COHORT_MAX_GRANTS || !s->grants)
		return;
	p = __va(s->grants);
	mutex_lock(&grants_mutex);
	if (grant_refs[slot] && !--grant_refs[slot])
		WRITE_ONCE(p->g[slot].in_use, 0);
	mutex_unlock(&grants_mutex);
}
