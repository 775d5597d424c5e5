// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort network links, the primary's side of COHORT_IOC_NET: a link's
 * memory is a region of the pool ("net:NAME", named so that no user can
 * delete or grant it), granted to the instance; the primary's end is
 * the interface coh-NAME (net.c), which lives as long as the link.
 *
 * Everything here runs with cohort_mutex held.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort_shm.h>
#include <linux/etherdevice.h>
#include <linux/if.h>
#include <linux/kobject.h>
#include <linux/netdevice.h>
#include <linux/string.h>

#include "cohort.h"
#include "net.h"

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

/*
 * Each instance's link: its region (name, base) and queue pairs, for the
 * reset at start; and the region of a link it gave away in a takeover,
 * which it may still map until its CPUs are back.
 */
static struct {
	u64 base;
	u32 queues;
	char region[COHORT_NAME_MAX];
	char given[COHORT_NAME_MAX];
} made[COHORT_MAX_KERNELS];

/*
 * "coh-NAME", or "coh#ID" when that is too long: '#' is not allowed in an
 * instance name, so the short form never names another instance's link
 * (an instance may well be called "2").
 */
static void primary_ifname(char *buf, u32 id, const char *name)
{
	if (snprintf(buf, IFNAMSIZ, "coh-%s", name) >= IFNAMSIZ)
		snprintf(buf, IFNAMSIZ, "coh#%u", id);
}

static int net_add(struct cohort_ioc_net *req,
		   const struct cohort_inst_info *ii, struct kobject **gone)
{
	u8 mac_primary[ETH_ALEN], mac_instance[ETH_ALEN];
	char region[COHORT_NAME_MAX];
	char scratch[COHORT_MSG_MAX];
	char *msg = req->msg;
	u32 queues = req->queues;
	u64 base;
	int ret;

	if (cohort_net_dev_exists(ii->id, NULL))
		return fail(msg, "instance '%s' has a network link already",
			    ii->name), -EEXIST;
	if (made[ii->id].given[0])
		return fail(msg, "instance '%s' gave its link away; delete it first",
			    ii->name), -EBUSY;
	if (queues > COHORT_NET_MAX_QUEUES)
		return fail(msg, "at most %d queue pairs", COHORT_NET_MAX_QUEUES),
		       -EINVAL;
	if (!queues)
		queues = clamp(ii->nr_cpus, 1U, (u32)COHORT_NET_MAX_QUEUES);
	primary_ifname(req->ifname, ii->id, ii->name);
	rcu_read_lock();
	ret = dev_get_by_name_rcu(&init_net, req->ifname) ? -EEXIST : 0;
	rcu_read_unlock();
	if (ret)
		return fail(msg, "an interface named %s exists already",
			    req->ifname), ret;

	cohort_net_region_name(region, ii->id, ii->name);
	ret = cohort_region_make(region, COHORT_NET_SIZE(queues), &base, msg);
	if (ret)
		return ret;
	eth_random_addr(mac_primary);
	eth_random_addr(mac_instance);
	cohort_net_format(__va(base), queues, mac_primary, mac_instance);
	ret = cohort_net_dev_add(ii->id, __va(base), queues, req->ifname,
				 mac_primary, mac_instance, msg);
	if (ret)
		goto drop_region;
	ret = cohort_region_give(region, ii, false, msg);
	if (ret)
		goto drop_dev;
	made[ii->id].base = base;
	made[ii->id].queues = queues;
	strscpy(made[ii->id].region, region);
	req->queues = queues;
	/* A running instance looks now rather than at its next watch. */
	if (ii->running)
		cohort_net_kick_peer(ii->id);
	pr_info("instance %s: network link %s, %u queue pair(s)\n", ii->name,
		req->ifname, queues);
	return 0;
drop_dev:
	cohort_net_dev_del(ii->id);
drop_region:
	/* Just made, so nobody maps it; keep the first sentence in @msg. */
	cohort_region_remove(region, scratch, gone);
	return ret;
}

static int net_del(struct cohort_ioc_net *req,
		   const struct cohort_inst_info *ii, struct kobject **gone)
{
	char *msg = req->msg;
	int ret;

	if (req->queues)
		return fail(msg, "queues must be 0 to remove a link"), -EINVAL;
	if (!cohort_net_dev_exists(ii->id, req->ifname))
		return fail(msg, "instance '%s' has no network link", ii->name),
		       -ENOENT;
	if (ii->cpus_out)
		return fail(msg, "instance '%s' may be running: stop it before removing its link",
			    ii->name), -EBUSY;
	ret = cohort_region_remove(made[ii->id].region, msg, gone);
	if (ret)
		return ret;
	cohort_net_dev_del(ii->id);
	made[ii->id].base = 0;
	made[ii->id].region[0] = '\0';
	pr_info("instance %s: network link %s removed\n", ii->name, req->ifname);
	return 0;
}

/**
 * cohort_net_ctl() - COHORT_IOC_NET
 * @req: the request; @req->msg, @req->ifname and @req->queues are filled in
 * @gone: out: the kobject of a removed region, to be put once cohort_mutex
 *	is dropped
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_net_ctl(struct cohort_ioc_net *req, struct kobject **gone)
{
	struct cohort_inst_info ii;
	char *msg = req->msg;
	int ret;

	memset(req->ifname, 0, sizeof(req->ifname));
	ret = cohort_check_name(req->instance, msg);
	if (ret)
		return ret;
	if ((req->flags & ~COHORT_NET_DEL) ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (!cohort_net_ready())
		return fail(msg,
			    "this kernel has no messaging (no pool or control region): no links"),
		       -ENODEV;
	if (!cohort_inst_find(req->instance, &ii))
		return fail(msg, "no instance named '%s'", req->instance), -ENOENT;
	if (req->flags & COHORT_NET_DEL)
		return net_del(req, &ii, gone);
	return net_add(req, &ii, gone);
}

/**
 * cohort_net_takeover() - an instance takes over another's network link
 * @to: the instance that takes it; it has no link
 * @from: the instance whose link it is
 * @msg: out: why not (%COHORT_MSG_MAX bytes)
 * @gone: out: the kobject of a region given back, to be put once
 *	cohort_mutex is dropped
 *
 * @from may still run and write its link's memory, so the link moves to
 * new memory (the region "net:#ID" of @to), granted to @to, and the
 * primary's interface runs on that with the same name, addresses and MAC
 * addresses (cohort_net_dev_move()).  @from's old memory goes back to the
 * pool now if its CPUs are back, else when it is deleted.  A running @to
 * looks for the link at once.
 *
 * Return: 0, also when @from has no link; or a negative errno with a
 * sentence in @msg, nothing changed.
 */
int cohort_net_takeover(const struct cohort_inst_info *to,
			const struct cohort_inst_info *from, char *msg,
			struct kobject **gone)
{
	char region[COHORT_NAME_MAX], scratch[COHORT_MSG_MAX];
	u64 base;
	int ret;

	if (!made[from->id].base)
		return 0;
	if (made[to->id].base || cohort_net_dev_exists(to->id, NULL))
		return fail(msg, "instance '%s' has a link of its own: it cannot take '%s''s",
			    to->name, from->name), -EEXIST;
	if (made[to->id].given[0])
		return fail(msg, "instance '%s' gave a link away; delete it first",
			    to->name), -EBUSY;
	cohort_net_taken_region_name(region, to->id);
	ret = cohort_region_make(region, COHORT_NET_SIZE(made[from->id].queues),
				 &base, msg);
	if (ret)
		return ret;
	ret = cohort_region_give(region, to, false, msg);
	if (!ret)
		ret = cohort_net_dev_move(from->id, to->id, __va(base));
	if (ret) {
		if (ret == -ENOENT || ret == -EEXIST)
			fail(msg, "the link of '%s' changed meanwhile", from->name);
		/* Just made, so nobody maps it; keep the first sentence. */
		cohort_region_remove(region, scratch, gone);
		return ret;
	}
	made[to->id].base = base;
	made[to->id].queues = made[from->id].queues;
	strscpy(made[to->id].region, region);
	strscpy(made[from->id].given, made[from->id].region);
	made[from->id].base = 0;
	made[from->id].region[0] = '\0';
	if (!from->cpus_out &&
	    !cohort_region_remove(made[from->id].given, scratch, gone))
		made[from->id].given[0] = '\0';
	if (to->running)
		cohort_net_kick_peer(to->id);
	pr_info("instance %s: took over the network link of instance %s\n",
		to->name, from->name);
	return 0;
}

/**
 * cohort_net_instance_start() - an instance is about to start: its link
 *	starts empty
 * @id: the instance
 */
void cohort_net_instance_start(u32 id)
{
	if (id < COHORT_MAX_KERNELS && made[id].base)
		cohort_net_dev_reset(id, __va(made[id].base), made[id].queues);
}

/**
 * cohort_net_forget_instance() - an instance is deleted: its link goes
 * @id: the instance, whose CPUs are back
 * @gone: out: two slots for the kobjects of its link's region and of a
 *	link's it gave away, to be put once cohort_mutex is dropped
 */
void cohort_net_forget_instance(u32 id, struct kobject **gone)
{
	char msg[COHORT_MSG_MAX];

	if (id >= COHORT_MAX_KERNELS)
		return;
	if (made[id].base) {
		if (cohort_region_remove(made[id].region, msg, &gone[0]))
			pr_err("link memory kept: %s\n", msg);
		cohort_net_dev_del(id);
		made[id].base = 0;
	}
	if (made[id].given[0] &&
	    cohort_region_remove(made[id].given, msg, &gone[1]))
		pr_err("memory of a link given away kept: %s\n", msg);
	made[id].region[0] = '\0';
	made[id].given[0] = '\0';
}

/**
 * cohort_net_ifname() - the primary's end of an instance's link
 * @id: the instance
 * @buf: out: its name, or "" (%IFNAMSIZ bytes)
 */
void cohort_net_ifname(u32 id, char *buf)
{
	if (!cohort_net_dev_exists(id, buf))
		buf[0] = 0;
}

/**
 * cohort_net_named_after() - does an instance's link carry its name?
 * @id: the instance
 * @name: its name
 *
 * A link made for it is named after it; one it took over carries the
 * name of the instance it took it from.
 *
 * Return: true if its interface is named after @name.
 */
bool cohort_net_named_after(u32 id, const char *name)
{
	char ifname[IFNAMSIZ], mine[IFNAMSIZ];

	if (!cohort_net_dev_exists(id, ifname))
		return false;
	primary_ifname(mine, id, name);
	return !strcmp(ifname, mine);
}
