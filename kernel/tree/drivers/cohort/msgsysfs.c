// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort messaging in sysfs: /sys/kernel/cohort/{messaging, members,
 * heartbeat_ms, heartbeat_misses, msg_stats} and one directory per kernel
 * id under /sys/kernel/cohort/peers/ (docs/abi.md).
 */
#include <linux/cohort.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "cohort.h"
#include "msg.h"

static ssize_t messaging_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", cm.status);
}

static ssize_t members_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	u64 m = cohort_msg_members();

	return sysfs_emit(buf, "%*pbl\n", COHORT_MAX_KERNELS,
			  (unsigned long *)&m);
}

static ssize_t heartbeat_ms_show(struct kobject *k, struct kobj_attribute *a,
				 char *buf)
{
	unsigned int ms, misses;

	cohort_msg_hb_config(&ms, &misses);
	return sysfs_emit(buf, "%u\n", ms);
}

static ssize_t heartbeat_ms_store(struct kobject *k, struct kobj_attribute *a,
				  const char *buf, size_t n)
{
	unsigned int v;
	int ret = kstrtouint(buf, 0, &v);

	if (!ret)
		ret = v ? cohort_msg_set_hb(v, 0) : -ERANGE;
	return ret ?: n;
}

static ssize_t heartbeat_misses_show(struct kobject *k,
				     struct kobj_attribute *a, char *buf)
{
	unsigned int ms, misses;

	cohort_msg_hb_config(&ms, &misses);
	return sysfs_emit(buf, "%u\n", misses);
}

static ssize_t heartbeat_misses_store(struct kobject *k,
				      struct kobj_attribute *a,
				      const char *buf, size_t n)
{
	unsigned int v;
	int ret = kstrtouint(buf, 0, &v);

	if (!ret)
		ret = v ? cohort_msg_set_hb(0, v) : -ERANGE;
	return ret ?: n;
}

static ssize_t msg_stats_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	struct cohort_ring_stats st = { };
	u64 sent = 0, bells = 0, supp = 0, full = 0, txerr = 0;
	int n = 0;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		struct cohort_peer *p = &cm.peers[id];

		sent += READ_ONCE(p->sent);
		bells += READ_ONCE(p->doorbells);
		supp += READ_ONCE(p->doorbells_suppressed);
		full += READ_ONCE(p->full);
		txerr += READ_ONCE(p->tx_errors);
	}
	if (cm.joined) {
		spin_lock_bh(&cm.rx_lock);
		cohort_ring_rx_stats(&cm.rx, -1, &st);
		spin_unlock_bh(&cm.rx_lock);
	}
	n += sysfs_emit_at(buf, n, "sent %llu\n", sent);
	n += sysfs_emit_at(buf, n, "received %llu\n", st.received);
	n += sysfs_emit_at(buf, n, "doorbells %llu\n", bells);
	n += sysfs_emit_at(buf, n, "doorbells_suppressed %llu\n", supp);
	n += sysfs_emit_at(buf, n, "doorbells_received %llu\n",
			   READ_ONCE(cm.doorbells_received));
	n += sysfs_emit_at(buf, n, "errors %llu\n", st.errors + txerr);
	n += sysfs_emit_at(buf, n, "drops %llu\n", st.drops);
	n += sysfs_emit_at(buf, n, "full %llu\n", full);
	n += sysfs_emit_at(buf, n, "skipped %llu\n", st.skipped);
	n += sysfs_emit_at(buf, n, "stale %llu\n", st.stale);
	n += sysfs_emit_at(buf, n, "polls %llu\n", READ_ONCE(cm.polls));
	n += sysfs_emit_at(buf, n, "unhandled %llu\n", READ_ONCE(cm.unhandled));
	n += sysfs_emit_at(buf, n, "no_buffer %llu\n", READ_ONCE(cm.no_buffer));
	n += sysfs_emit_at(buf, n, "rx_waits %llu\n", READ_ONCE(cm.rx_waits));
	n += sysfs_emit_at(buf, n, "rpc_timeouts %llu\n",
			   READ_ONCE(cm.rpc_timeouts));
	n += sysfs_emit_at(buf, n, "rpc_late %llu\n", READ_ONCE(cm.rpc_late));
	return n;
}

static struct kobj_attribute messaging_attr = __ATTR_RO(messaging);
static struct kobj_attribute members_attr = __ATTR_RO(members);
static struct kobj_attribute heartbeat_ms_attr = __ATTR_RW(heartbeat_ms);
static struct kobj_attribute heartbeat_misses_attr = __ATTR_RW(heartbeat_misses);
static struct kobj_attribute msg_stats_attr = __ATTR_RO(msg_stats);

static struct attribute *msg_attrs[] = {
	&messaging_attr.attr,
	&members_attr.attr,
	&heartbeat_ms_attr.attr,
	&heartbeat_misses_attr.attr,
	&msg_stats_attr.attr,
	NULL,
};

static const struct attribute_group msg_group = {
	.attrs = msg_attrs,
};

/* ---- peers/ID/ ---- */

struct peer_kobj {
	struct kobject kobj;
	u32 id;
};

#define to_id(k) (container_of(k, struct peer_kobj, kobj)->id)

static const char *peer_state(u32 id, struct cohort_kernel_view *v)
{
	bool member = cohort_msg_read_entry(id, v);

	if (id == cm.self)
		return cm.joined ? "self" : "absent";
	if (READ_ONCE(cm.peers[id].quarantined))
		return "quarantined";
	if (member)
		return "joined";
	if (READ_ONCE(cm.peers[id].failed))
		return "failed";
	return "absent";
}

static ssize_t peer_show(struct kobject *k, struct kobj_attribute *a,
			 char *buf)
{
	u32 id = to_id(k);
	struct cohort_peer *p = &cm.peers[id];
	struct cohort_ring_stats st = { };
	struct cohort_kernel_view v;
	const char *name = a->attr.name;
	const char *state = peer_state(id, &v);
	u64 age;

	if (!strcmp(name, "state"))
		return sysfs_emit(buf, "%s\n", state);
	if (!strcmp(name, "name"))
		return sysfs_emit(buf, "%s\n", v.name);
	if (!strcmp(name, "apic_id"))
		return sysfs_emit(buf, "%u\n", v.apic_id);
	if (!strcmp(name, "doorbell"))
		return sysfs_emit(buf, "%u\n", !!(v.flags & COHORT_KF_DOORBELL));
	if (!strcmp(name, "epoch"))
		return sysfs_emit(buf, "%#llx\n", v.epoch);
	if (!strcmp(name, "heartbeat"))
		return sysfs_emit(buf, "%llu\n", v.heartbeat);
	if (!strcmp(name, "heartbeat_age_ms")) {
		spin_lock_bh(&cm.hb_lock);
		age = p->hb_seen ? jiffies_to_msecs(jiffies - p->last_hb_change) : 0;
		spin_unlock_bh(&cm.hb_lock);
		return sysfs_emit(buf, "%llu\n", age);
	}
	if (!strcmp(name, "services_offered"))
		return sysfs_emit(buf, "%#llx\n", v.offered);
	if (!strcmp(name, "services_listening"))
		return sysfs_emit(buf, "%#llx\n", v.listening);
	if (!strcmp(name, "sent"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(p->sent));
	if (!strcmp(name, "doorbells"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(p->doorbells));
	if (!strcmp(name, "doorbells_suppressed"))
		return sysfs_emit(buf, "%llu\n",
				  READ_ONCE(p->doorbells_suppressed));
	if (!strcmp(name, "full"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(p->full));
	if (!strcmp(name, "quarantines"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(p->quarantines));
	if (!strcmp(name, "ctrl_errors"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(p->ctrl_errors));
	if (cm.joined) {
		spin_lock_bh(&cm.rx_lock);
		cohort_ring_rx_stats(&cm.rx, id, &st);
		spin_unlock_bh(&cm.rx_lock);
	}
	if (!strcmp(name, "received"))
		return sysfs_emit(buf, "%llu\n", st.received);
	if (!strcmp(name, "errors"))
		return sysfs_emit(buf, "%llu\n", st.errors +
				  READ_ONCE(p->tx_errors) +
				  READ_ONCE(p->proto_errors) +
				  READ_ONCE(p->ctrl_errors));
	if (!strcmp(name, "drops"))
		return sysfs_emit(buf, "%llu\n", st.drops);
	if (!strcmp(name, "stale"))
		return sysfs_emit(buf, "%llu\n", st.stale);
	return -EINVAL;
}

#define PEER_ATTR(n) __ATTR(n, 0444, peer_show, NULL)

static struct kobj_attribute peer_attrs[] = {
	PEER_ATTR(state), PEER_ATTR(name), PEER_ATTR(apic_id),
	PEER_ATTR(doorbell), PEER_ATTR(epoch), PEER_ATTR(heartbeat),
	PEER_ATTR(heartbeat_age_ms), PEER_ATTR(services_offered),
	PEER_ATTR(services_listening), PEER_ATTR(sent), PEER_ATTR(received),
	PEER_ATTR(doorbells), PEER_ATTR(doorbells_suppressed),
	PEER_ATTR(errors), PEER_ATTR(drops), PEER_ATTR(full),
	PEER_ATTR(stale), PEER_ATTR(quarantines), PEER_ATTR(ctrl_errors),
};

static struct attribute *peer_attr_ptrs[ARRAY_SIZE(peer_attrs) + 1];

static const struct attribute_group peer_group = {
	.attrs = peer_attr_ptrs,
};

static const struct attribute_group *peer_groups[] = { &peer_group, NULL };

static void peer_release(struct kobject *k)
{
	kfree(container_of(k, struct peer_kobj, kobj));
}

static const struct kobj_type peer_ktype = {
	.release = peer_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = peer_groups,
};

/**
 * cohort_msg_sysfs_init() - the messaging files in /sys/kernel/cohort/
 *
 * Return: 0 or a negative errno.
 */
int __init cohort_msg_sysfs_init(void)
{
	struct kobject *peers;
	struct peer_kobj *pk;
	unsigned int i;
	int ret;

	if (!cohort_kobj)
		return -ENODEV;
	ret = sysfs_create_group(cohort_kobj, &msg_group);
	if (ret)
		return ret;
	if (!cm.joined)
		return 0;
	for (i = 0; i < ARRAY_SIZE(peer_attrs); i++)
		peer_attr_ptrs[i] = &peer_attrs[i].attr;
	peers = kobject_create_and_add("peers", cohort_kobj);
	if (!peers)
		return -ENOMEM;
	for (i = 0; i < COHORT_MAX_KERNELS; i++) {
		pk = kzalloc(sizeof(*pk), GFP_KERNEL);
		if (!pk)
			return -ENOMEM;
		pk->id = i;
		ret = kobject_init_and_add(&pk->kobj, &peer_ktype, peers, "%u",
					   i);
		if (ret) {
			kobject_put(&pk->kobj);
			return ret;
		}
	}
	return 0;
}
