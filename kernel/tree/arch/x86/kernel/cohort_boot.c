// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort, primary side on x86: lay a bzImage out in an instance's memory
 * with boot_params whose e820 lists only that memory, and start the
 * instance's boot CPU with INIT and STARTUP into cohort_trampoline.S.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/atomic.h>
#include <linux/cohort.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <asm/apic.h>
#include <asm/cohort.h>
#include <asm/bootparam.h>
#include <asm/cpufeature.h>
#include <asm/e820/api.h>
#include <asm/e820/types.h>
#include <asm/pgtable_types.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/tsc.h>

/* The parameter block at offset 0x10 of the trampoline page. */
struct cohort_tramp {
	u8 jmp[16];
	u64 gdt[4];		/* 0x10 */
	u16 gdt_limit;		/* 0x30 */
	u32 gdt_base;
	u16 pad0;
	u32 jmp32_off;		/* 0x38 */
	u16 jmp32_sel;
	u16 pad1;
	u32 jmp64_off;		/* 0x40 */
	u16 jmp64_sel;
	u16 pad2;
	u32 cr3;		/* 0x48 */
	u32 pad3;
	u64 entry;		/* 0x50 */
	u64 boot_params;	/* 0x58 */
} __packed;

static_assert(offsetof(struct cohort_tramp, gdt_limit) == 0x30);
static_assert(offsetof(struct cohort_tramp, entry) == 0x50);
static_assert(sizeof(struct cohort_tramp) == 0x60);
/* The setup_data entry fits before the grant page. */
static_assert(sizeof(struct setup_data) + sizeof(struct cohort_setup) <=
	      COHORT_OFF_GRANTS - COHORT_OFF_SETUP);

/* Pages of the slot below 1 MiB: trampoline, PML4, PDPT, page directories. */
#define SLOT_PML4	1
#define SLOT_PDPT	2
#define SLOT_PD		3
#define SLOT_NR_PD	(COHORT_LOW_SLOT_SIZE / PAGE_SIZE - SLOT_PD)

#define PT_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PT_LARGE	(PT_TABLE | _PAGE_PSE)

/* Where things go in the instance's memory. */
struct layout {
	u64 kernel;		/* protected-mode kernel */
	u64 kernel_end;		/* kernel + init_size */
	u64 initrd;
	u32 setup_bytes;	/* real-mode part of the bzImage */
	u32 init_size;
};

static int plan(const void *buf, size_t len, u64 base, u64 size,
		size_t initrd_len, struct layout *l, char *msg, size_t msgsz)
{
	const struct setup_header *h = buf + offsetof(struct boot_params, hdr);
	unsigned int sects;
	u64 align;

	if (len < 2 * 512 || len < offsetof(struct boot_params, hdr) + sizeof(*h))
		return scnprintf(msg, msgsz, "the kernel is too short to be a bzImage"),
		       -ENOEXEC;
	if (memcmp(&h->header, "HdrS", 4) || h->boot_flag != 0xAA55)
		return scnprintf(msg, msgsz, "the kernel is not a bzImage (no HdrS header)"),
		       -ENOEXEC;
	if (h->version < 0x020c)
		return scnprintf(msg, msgsz, "boot protocol %u.%02u is too old (2.12 needed)",
				 h->version >> 8, h->version & 0xff), -ENOEXEC;
	if (!(h->loadflags & LOADED_HIGH) || !(h->xloadflags & XLF_KERNEL_64))
		return scnprintf(msg, msgsz, "the kernel has no 64-bit entry point"),
		       -ENOEXEC;
	if (!(h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) && base + size > SZ_4G)
		return scnprintf(msg, msgsz, "the kernel cannot be loaded above 4 GiB"),
		       -ENOEXEC;
	if (!h->relocatable_kernel)
		return scnprintf(msg, msgsz, "the kernel is not relocatable"),
		       -ENOEXEC;
	sects = h->setup_sects ?: 4;
	l->setup_bytes = (sects + 1) * 512;
	if (len <= l->setup_bytes || len < l->setup_bytes + (u64)h->syssize * 16)
		return scnprintf(msg, msgsz,
				 "the bzImage is truncated: %zu bytes, header says %llu",
				 len, l->setup_bytes + (u64)h->syssize * 16), -ENOEXEC;
	align = h->kernel_alignment;
	if (!align || !is_power_of_2(align) || align > SZ_1G)
		return scnprintf(msg, msgsz, "the bzImage has a bad kernel alignment %#llx",
				 align), -ENOEXEC;
	l->init_size = h->init_size;
	if (l->init_size < len - l->setup_bytes)
		return scnprintf(msg, msgsz, "the bzImage has a bad init_size"),
		       -ENOEXEC;
	l->kernel = ALIGN(base + COHORT_OFF_KERNEL, align);
	if (h->pref_address > l->kernel && h->pref_address < base + size)
		l->kernel = ALIGN(h->pref_address, align);
	l->kernel_end = l->kernel + PAGE_ALIGN(l->init_size);
	l->initrd = ALIGN_DOWN(base + size - initrd_len, PAGE_SIZE);
	if (l->kernel_end > base + size || l->initrd < l->kernel_end ||
	    l->initrd - l->kernel_end < SZ_16M)
		return scnprintf(msg, msgsz,
				 "kernel (%u KiB unpacked) and initramfs (%zu KiB) do not fit in %llu MiB with room to run",
				 l->init_size >> 10, initrd_len >> 10, size >> 20),
		       -E2BIG;
	return 0;
}

/**
 * cohort_arch_check_image() - can this bzImage start in an instance?
 * @buf: the image
 * @len: its length
 * @mem_size: memory of the instance
 * @initrd_len: length of the initramfs that goes with it, or 0
 * @cmdline_len: length of the command line it will boot with
 * @msg: where to say why not
 * @msgsz: size of @msg
 *
 * Return: 0, -ENOEXEC for an image that cannot be started, -E2BIG when it
 * does not fit.
 */
int cohort_arch_check_image(const void *buf, size_t len, u64 mem_size,
			    size_t initrd_len, size_t cmdline_len, char *msg,
			    size_t msgsz)
{
	const struct setup_header *h = buf + offsetof(struct boot_params, hdr);
	struct layout l;
	int ret;

	/* The base only moves the layout; any aligned base will do. */
	ret = plan(buf, len, SZ_4G, mem_size, initrd_len, &l, msg, msgsz);
	if (ret)
		return ret;
	if (cmdline_len >= h->cmdline_size || cmdline_len >= COHORT_CMDLINE_AREA)
		return scnprintf(msg, msgsz,
				 "the command line (%zu bytes) is too long for this kernel (%u)",
				 cmdline_len, h->cmdline_size), -E2BIG;
	return 0;
}

/**
 * cohort_arch_cpu_hwid() - the APIC ID of one of the primary's CPUs
 * @cpu: Linux CPU number
 *
 * Return: its APIC ID.
 */
u32 cohort_arch_cpu_hwid(unsigned int cpu)
{
	return cpu_physical_id(cpu);
}

static void build_page_tables(u64 slot, u64 base, u64 size)
{
	u64 *pml4 = __va(slot + SLOT_PML4 * PAGE_SIZE);
	u64 *pdpt = __va(slot + SLOT_PDPT * PAGE_SIZE);
	u64 gib, first, last, *pd;
	unsigned int i, n = 0;

	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	pml4[0] = (slot + SLOT_PDPT * PAGE_SIZE) | PT_TABLE;

	if (boot_cpu_has(X86_FEATURE_GBPAGES)) {
		/* 1 GiB pages: the first 512 GiB, whatever the layout. */
		for (i = 0; i < 512; i++)
			pdpt[i] = ((u64)i << 30) | PT_LARGE;
		return;
	}
	/*
	 * 2 MiB pages: the first GiB (this slot) and the GiBs the instance's
	 * memory starts in; its kernel, boot_params and command line sit at
	 * its start, and the decompressor maps the rest itself.
	 */
	first = base >> 30;
	last = min((base + size - 1) >> 30, first + SLOT_NR_PD - 2);
	for (gib = 0; gib <= last && n < SLOT_NR_PD; gib++) {
		if (gib && gib < first)
			continue;
		pd = __va(slot + (SLOT_PD + n) * PAGE_SIZE);
		for (i = 0; i < 512; i++)
			pd[i] = ((gib << 30) + ((u64)i << 21)) | PT_LARGE;
		pdpt[gib] = (slot + (SLOT_PD + n) * PAGE_SIZE) | PT_TABLE;
		n++;
	}
}

static void build_trampoline(u64 slot, u64 entry, u64 bp)
{
	struct cohort_tramp *t = __va(slot);
	size_t len = cohort_trampoline_end - cohort_trampoline;

	memcpy(t, cohort_trampoline, len);
	t->gdt[0] = 0;
	t->gdt[1] = 0x00cf9a000000ffffULL;	/* 0x08: code, 32-bit, flat */
	t->gdt[2] = 0x00af9a000000ffffULL;	/* 0x10: code, 64-bit */
	t->gdt[3] = 0x00cf92000000ffffULL;	/* 0x18: data, flat */
	t->gdt_limit = sizeof(t->gdt) - 1;
	t->gdt_base = slot + offsetof(struct cohort_tramp, gdt);
	t->jmp32_off = slot + (cohort_trampoline_32 - cohort_trampoline);
	t->jmp32_sel = 0x08;
	t->jmp64_off = slot + (cohort_trampoline_64 - cohort_trampoline);
	t->jmp64_sel = 0x10;
	t->cr3 = slot + SLOT_PML4 * PAGE_SIZE;
	t->entry = entry;
	t->boot_params = bp;
}

#ifdef CONFIG_COHORT_TEST
static atomic_t mangle_next = ATOMIC_INIT(0);

#define MANGLE_SPARE	1
#define MANGLE_NUMA	2
#define MANGLE_BLOCKS	3

/**
 * cohort_arch_test_mangle_setup() - spoil the next instance's setup record
 * @what: "spare" (a spare CPU that is the instance's own boot CPU), "numa"
 *	(memory parts covering more than its memory), "blocks" (its first
 *	memory block moved onto its memory from create, its second one off
 *	its alignment) or "none"
 *
 * Test interface: a record as a primary with a bug would write it, so
 * that the instance's checks of it can be seen at work.  Used once.
 *
 * Return: 0, or -EINVAL for an unknown @what.
 */
int cohort_arch_test_mangle_setup(const char *what)
{
	if (!strcmp(what, "spare"))
		atomic_set(&mangle_next, MANGLE_SPARE);
	else if (!strcmp(what, "numa"))
		atomic_set(&mangle_next, MANGLE_NUMA);
	else if (!strcmp(what, "blocks"))
		atomic_set(&mangle_next, MANGLE_BLOCKS);
	else if (!strcmp(what, "none"))
		atomic_set(&mangle_next, 0);
	else
		return -EINVAL;
	return 0;
}

static void mangle_setup(struct cohort_setup *s)
{
	switch (atomic_xchg(&mangle_next, 0)) {
	case MANGLE_SPARE:
		if (s->nr_spare)
			s->spare_apic_ids[s->nr_spare - 1] = s->apic_ids[0];
		break;
	case MANGLE_NUMA:
		if (s->nr_mem_nodes)
			s->mem_nodes[s->nr_mem_nodes - 1].size += SZ_2M;
		break;
	case MANGLE_BLOCKS:
		if (s->nr_mem_blocks)
			s->mem_blocks[0].base = ALIGN_DOWN(s->mem_base,
							   COHORT_MEM_BLOCK);
		if (s->nr_mem_blocks > 1)
			s->mem_blocks[1].base += SZ_2M;
		break;
	}
}
#else
static inline void mangle_setup(struct cohort_setup *s) { }
#endif

static void fill_setup(struct cohort_setup *s, const struct cohort_boot *b)
{
	u64 base = b->mem_base;

	memset(s, 0, sizeof(*s));
	s->magic = COHORT_SETUP_MAGIC;
	s->version = COHORT_SETUP_VERSION;
	s->size = sizeof(*s);
	s->id = b->id;
	s->nr_cpus = b->nr_cpus;
	memcpy(s->apic_ids, b->apic_ids, b->nr_cpus * sizeof(u32));
	s->tsc_khz = tsc_khz;
	s->lapic_timer_period = lapic_timer_period;
	s->lpj = loops_per_jiffy;
	s->hz = HZ;
	if (x2apic_mode)
		s->flags |= COHORT_SETUP_F_X2APIC;
	s->mem_base = base;
	s->mem_size = b->mem_size;
	s->low_base = b->low_base;
	s->low_size = COHORT_LOW_SLOT_SIZE;
	s->mailbox = base + COHORT_OFF_MAILBOX;
	s->console = base + COHORT_OFF_CONSOLE;
	s->console_size = COHORT_CONSOLE_SIZE;
	s->wallclock_ns = ktime_get_real_ns();
	s->ctrl_base = b->ctrl_base;
	s->ctrl_size = b->ctrl_size;
	s->pool_base = b->pool_base;
	s->pool_size = b->pool_size;
	s->grants = base + COHORT_OFF_GRANTS;
	s->console_in = base + COHORT_OFF_CONSOLE_IN;
	s->console_in_size = COHORT_CONSOLE_IN_SIZE;
	strscpy(s->name, b->name, sizeof(s->name));
	if (b->nr_mem_nodes && b->nr_mem_nodes <= COHORT_SETUP_MEM_NODES) {
		s->flags |= COHORT_SETUP_F_NUMA;
		memcpy(s->cpu_nodes, b->cpu_nodes, b->nr_cpus * sizeof(u16));
		s->nr_mem_nodes = b->nr_mem_nodes;
		memcpy(s->mem_nodes, b->mem_nodes,
		       b->nr_mem_nodes * sizeof(s->mem_nodes[0]));
	}
	if (b->nr_spare && b->nr_spare <= COHORT_SETUP_MAX_CPUS) {
		s->flags |= COHORT_SETUP_F_SPARE;
		s->nr_spare = b->nr_spare;
		memcpy(s->spare_apic_ids, b->spare_apic_ids,
		       b->nr_spare * sizeof(u32));
		memcpy(s->spare_nodes, b->spare_nodes,
		       b->nr_spare * sizeof(u16));
	}
	if (b->nr_mem_blocks && b->nr_mem_blocks <= COHORT_MEM_BLOCKS_MAX) {
		s->flags |= COHORT_SETUP_F_MEM_BLOCKS;
		s->nr_mem_blocks = b->nr_mem_blocks;
		memcpy(s->mem_blocks, b->mem_blocks,
		       b->nr_mem_blocks * sizeof(s->mem_blocks[0]));
	}
	if (b->nr_pool_nodes && b->nr_pool_nodes <= COHORT_SETUP_POOL_NODES) {
		s->flags |= COHORT_SETUP_F_POOL_NODES;
		s->nr_pool_nodes = b->nr_pool_nodes;
		memcpy(s->pool_nodes, b->pool_nodes,
		       b->nr_pool_nodes * sizeof(u32));
	}
	mangle_setup(s);
}

/**
 * cohort_arch_boot() - lay out an instance's kernel and start its boot CPU
 * @b: what to start where; its CPUs are offline in the primary
 * @msg: where to say why it failed
 * @msgsz: size of @msg
 *
 * Return: 0 once the boot CPU was sent on its way, or a negative errno.
 */
int cohort_arch_boot(const struct cohort_boot *b, char *msg, size_t msgsz)
{
	const u8 *image = b->kernel;
	u64 base = b->mem_base, bp_pa = base + COHORT_OFF_BOOTPARAMS;
	u64 cmd_pa = base + COHORT_OFF_CMDLINE, sd_pa = base + COHORT_OFF_SETUP;
	struct boot_params *bp = __va(bp_pa);
	struct setup_data *sd = __va(sd_pa);
	unsigned int hdr_len;
	struct layout l;
	int ret, n;

	ret = plan(b->kernel, b->kernel_len, base, b->mem_size, b->initrd_len,
		   &l, msg, msgsz);
	if (ret)
		return ret;
	if (b->nr_cpus < 1 || b->nr_cpus > COHORT_SETUP_MAX_CPUS)
		return scnprintf(msg, msgsz, "bad number of CPUs"), -EINVAL;

	/* boot_params: the image's setup header, our e820, our setup_data. */
	memset(bp, 0, PAGE_SIZE);
	hdr_len = min_t(unsigned int, 0x0202 + image[0x0201] -
			offsetof(struct boot_params, hdr), sizeof(bp->hdr));
	memcpy(&bp->hdr, image + offsetof(struct boot_params, hdr), hdr_len);
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags = 0;
	bp->hdr.cmd_line_ptr = lower_32_bits(cmd_pa);
	bp->ext_cmd_line_ptr = upper_32_bits(cmd_pa);
	if (b->initrd_len) {
		bp->hdr.ramdisk_image = lower_32_bits(l.initrd);
		bp->ext_ramdisk_image = upper_32_bits(l.initrd);
		bp->hdr.ramdisk_size = lower_32_bits(b->initrd_len);
		bp->ext_ramdisk_size = upper_32_bits(b->initrd_len);
	}
	bp->hdr.setup_data = sd_pa;
	bp->e820_table[0].addr = b->low_base;
	bp->e820_table[0].size = COHORT_LOW_SLOT_SIZE;
	bp->e820_table[0].type = E820_TYPE_RAM;
	bp->e820_table[1].addr = base;
	bp->e820_table[1].size = b->mem_size;
	bp->e820_table[1].type = E820_TYPE_RAM;
	bp->e820_entries = 2;

	/* The command line, as completed at load. */
	n = strscpy(__va(cmd_pa), b->cmdline, COHORT_CMDLINE_AREA);
	if (n < 0 || n >= bp->hdr.cmdline_size)
		return scnprintf(msg, msgsz, "the command line is too long for this kernel"),
		       -E2BIG;

	sd->next = 0;
	sd->type = COHORT_SETUP_TYPE;
	sd->len = sizeof(struct cohort_setup);
	fill_setup((struct cohort_setup *)sd->data, b);

	memcpy(__va(l.kernel), image + l.setup_bytes,
	       b->kernel_len - l.setup_bytes);
	if (b->initrd_len)
		memcpy(__va(l.initrd), b->initrd, b->initrd_len);

	build_page_tables(b->low_base, base, b->mem_size);
	build_trampoline(b->low_base, l.kernel + 0x200, bp_pa);
	/* Everything above is in memory before the CPU is sent. */
	wmb();

	pr_info("instance %s: kernel at %#llx, boot CPU APIC %u, trampoline %#llx\n",
		b->name, l.kernel, b->apic_ids[0], (u64)b->low_base);
	ret = wakeup_secondary_cpu_via_init(b->apic_ids[0], b->low_base);
	if (ret)
		return scnprintf(msg, msgsz, "the boot CPU (APIC %u) did not accept INIT/STARTUP",
				 b->apic_ids[0]), -EIO;
	return 0;
}

/**
 * cohort_arch_reserved_ram() - is a range RAM that this kernel leaves alone?
 * @base: physical start
 * @size: length
 *
 * True when the firmware's memory map calls every byte of the range RAM
 * and this kernel's map does not (the administrator took it away from the
 * kernel with memmap=SIZE$ADDR or similar).  Device memory, firmware
 * tables and holes are never such a range.
 *
 * Return: true if the whole range is plain reserved RAM.
 */
bool cohort_arch_reserved_ram(phys_addr_t base, u64 size)
{
	struct e820_entry *e;
	phys_addr_t pos = base, end = base + size;
	u32 i;
	bool found;

	if (!size || end < base)
		return false;
	if (e820__mapped_any(base, end, E820_TYPE_RAM) ||
	    e820__mapped_any(base, end, E820_TYPE_RESERVED_KERN))
		return false;
	/* Walk the firmware map: every byte must be covered by RAM. */
	while (pos < end) {
		found = false;
		for (i = 0; i < e820_table_firmware->nr_entries; i++) {
			e = &e820_table_firmware->entries[i];
			if (e->type == E820_TYPE_RAM && e->addr <= pos &&
			    pos < e->addr + e->size) {
				pos = e->addr + e->size;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}
