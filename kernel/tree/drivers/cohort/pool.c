// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort memory: the pool reserved at boot (cohort_pool=SIZE[@ADDR]) from
 * which instances get their memory, and the slots below 1 MiB where each
 * instance keeps its real-mode trampoline.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/security.h>
#include <linux/sizes.h>
#include <linux/string_helpers.h>

#include "cohort.h"

static u64 pool_req_size __initdata;
static u64 pool_req_base __initdata;

phys_addr_t cohort_pool_base;
u64 cohort_pool_size;
phys_addr_t cohort_low_base;
unsigned int cohort_low_slots;
phys_addr_t cohort_ctrl_base;
u64 cohort_ctrl_size;

static struct resource pool_res = {
	.name = "Cohort pool",
	.flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM | IORESOURCE_MEM,
	.desc = IORES_DESC_RESERVED,
};

static struct resource low_res = {
	.name = "Cohort trampolines",
	.flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM | IORESOURCE_MEM,
	.desc = IORES_DESC_RESERVED,
};

static int __init parse_cohort_pool(char *arg)
{
	char *end;

	if (!arg)
		return -EINVAL;
	pool_req_size = memparse(arg, &end);
	if (*end == '@')
		pool_req_base = memparse(end + 1, &end);
	if (*end || !pool_req_size) {
		pr_err("cohort_pool=%s: expected SIZE[@ADDR], e.g. 1G or 512M@0x40000000; no pool\n",
		       arg);
		pool_req_size = 0;
		pool_req_base = 0;
		return -EINVAL;
	}
	return 0;
}
early_param("cohort_pool", parse_cohort_pool);

/**
 * cohort_reserve_low() - reserve the instances' slots below 1 MiB
 *
 * Called from setup_arch() before the real-mode trampoline is reserved:
 * afterwards the whole first MiB is reserved and no slot can be had.
 */
void __init cohort_reserve_low(void)
{
	phys_addr_t base;
	unsigned int n;

	if (cohort_is_instance() || !pool_req_size)
		return;
	for (n = COHORT_LOW_SLOTS; n > 0; n--) {
		base = memblock_phys_alloc_range(n * COHORT_LOW_SLOT_SIZE,
						 PAGE_SIZE, SZ_64K, SZ_1M);
		if (base)
			break;
	}
	if (!n) {
		pr_err("no memory below 1 MiB for instance trampolines; instances cannot start\n");
		return;
	}
	cohort_low_base = base;
	cohort_low_slots = n;
}

/**
 * cohort_reserve_pool() - reserve the pool asked for with cohort_pool=
 *
 * Called from setup_arch() once memblock knows all memory.  A pool that
 * cannot be reserved is reported and the kernel boots on without one.
 */
void __init cohort_reserve_pool(void)
{
	u64 size = ALIGN(pool_req_size, COHORT_MEM_ALIGN);
	phys_addr_t base = pool_req_base;

	if (cohort_is_instance() || !size)
		return;
	if (!cohort_low_slots) {
		pr_err("no pool: no trampoline memory below 1 MiB\n");
		return;
	}
	if (base) {
		if (!IS_ALIGNED(base, COHORT_MEM_ALIGN)) {
			pr_err("no pool: base %pa is not a multiple of 2 MiB\n",
			       &base);
			return;
		}
		if (!memblock_is_region_memory(base, size) ||
		    memblock_is_region_reserved(base, size)) {
			pr_err("no pool: [%pa-%#llx] is not free RAM\n", &base,
			       base + size - 1);
			return;
		}
		memblock_reserve(base, size);
	} else {
		/* Above 4 GiB first, to leave DMA32 memory to the primary. */
		base = memblock_phys_alloc_range(size, COHORT_MEM_ALIGN,
						 SZ_4G, MEMBLOCK_ALLOC_ACCESSIBLE);
		if (!base)
			base = memblock_phys_alloc_range(size, COHORT_MEM_ALIGN,
							 SZ_16M,
							 MEMBLOCK_ALLOC_ACCESSIBLE);
		if (!base) {
			pr_err("no pool: cannot reserve %llu MiB of memory\n",
			       size >> 20);
			return;
		}
	}
	cohort_pool_base = base;
	cohort_pool_size = size;
	pr_info("pool of %llu MiB at [%pa-%#llx], %u instance slot(s) at %pa\n",
		size >> 20, &base, base + size - 1, cohort_low_slots,
		&cohort_low_base);
	/*
	 * The control region (messaging between kernels) takes the first
	 * MiBs of the pool; instances get their memory from the rest.
	 */
	if (size >= COHORT_CTRL_SIZE + COHORT_MEM_MIN) {
		cohort_ctrl_base = base;
		cohort_ctrl_size = COHORT_CTRL_SIZE;
		pr_info("control region of %llu MiB at %pa\n",
			cohort_ctrl_size >> 20, &base);
	} else {
		pr_err("pool too small for the %llu MiB control region: no messaging between kernels\n",
		       COHORT_CTRL_SIZE >> 20);
	}
	/* The rest is the primary's until an instance or a region needs it. */
	cohort_pool_lend_init(base + cohort_ctrl_size, base + size);
}

/**
 * cohort_pool_publish() - show the pool and the slots in /proc/iomem
 */
void __init cohort_pool_publish(void)
{
	if (cohort_pool_size) {
		pool_res.start = cohort_pool_base;
		pool_res.end = cohort_pool_base + cohort_pool_size - 1;
		insert_resource(&iomem_resource, &pool_res);
	}
	if (cohort_low_slots) {
		low_res.start = cohort_low_base;
		low_res.end = cohort_low_base +
			      cohort_low_slots * COHORT_LOW_SLOT_SIZE - 1;
		insert_resource(&iomem_resource, &low_res);
	}
}

/**
 * cohort_phys_check() - may a filesystem map a range of physical memory?
 * @base: physical start
 * @size: length
 * @why: out: a sentence when it may not
 * @whysz: bytes at @why
 *
 * Backs cohortfs's phys= mount option.  An instance maps only regions the
 * primary granted to it, never a physical address it names itself.  The
 * primary maps only RAM that its administrator took away from the kernel
 * (memmap=SIZE$ADDR): never the pool (instances, regions, the control
 * region), the trampoline slots, its own RAM, device memory or firmware
 * tables; and nothing at all when the kernel is locked down, as for
 * /dev/mem.
 *
 * Return: 0, -EPERM or -EBUSY.
 */
int cohort_phys_check(phys_addr_t base, u64 size, char *why, size_t whysz)
{
	phys_addr_t low_end = cohort_low_base +
			      cohort_low_slots * COHORT_LOW_SLOT_SIZE;
	int ret;

	if (cohort_is_instance()) {
		snprintf(why, whysz,
			 "phys= is refused in an instance: mount a region the primary granted (region=NAME)");
		return -EPERM;
	}
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret) {
		snprintf(why, whysz, "phys= is refused while the kernel is locked down");
		return ret;
	}
	if (!size || base + size < base) {
		snprintf(why, whysz, "the range is empty or wraps");
		return -EINVAL;
	}
	if (cohort_pool_size && base < cohort_pool_base + cohort_pool_size &&
	    cohort_pool_base < base + size) {
		snprintf(why, whysz,
			 "%pa+%#llx overlaps the Cohort pool (instances, regions, control region): use region=NAME",
			 &base, size);
		return -EBUSY;
	}
	if (cohort_low_slots && base < low_end && cohort_low_base < base + size) {
		snprintf(why, whysz, "%pa+%#llx overlaps the instances' trampoline slots",
			 &base, size);
		return -EBUSY;
	}
	if (!cohort_arch_reserved_ram(base, size)) {
		snprintf(why, whysz,
			 "%pa+%#llx is not RAM reserved from this kernel (boot it with memmap=SIZE$ADDR)",
			 &base, size);
		return -EPERM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(cohort_phys_check);
