/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort network links: shared between net.c (the network devices),
 * netctl.c (the primary's COHORT_IOC_NET) and shmnet.c (the only code
 * touching a link's memory).  Everything here is private memory.
 */
#ifndef _DRIVERS_COHORT_NET_H
#define _DRIVERS_COHORT_NET_H

#include <linux/cohort.h>
#include <linux/if_ether.h>
#include <linux/sprintf.h>
#include <linux/types.h>
#include <linux/virtio_net.h>

struct cohort_net_idx;
struct kobject;

/* What a link's header says, checked (cohort_net_read_hdr()). */
struct cohort_net_info {
	u32 queues;
	u8 mac_primary[ETH_ALEN];
	u8 mac_instance[ETH_ALEN];
};

/* One side's private view of one ring. */
struct cohort_netq {
	struct cohort_net_idx *idx;	/* shared */
	void *data;			/* shared */
	u64 pos;			/* producer: head; consumer: tail */
	u64 peer;			/* the other side's index, checked */
	u64 released;			/* consumer: tail last published */
	bool broken;
};

/* A frame found by cohort_netq_next(). */
struct cohort_net_pkt {
	u32 len;
	bool csum_ok;
	struct virtio_net_hdr vnet;	/* private copy */
	const void *data;		/* shared: copy it out */
	u64 next;
};

/*
 * The region holding the link that "cohort net add" gave instance @id:
 * "net:NAME", or "net:#ID" when that is too long ('#' is in no instance
 * name, so no clash).  A link the instance took over from another is
 * always "net:#ID" (cohort_net_taken_region_name()).
 */
static inline void cohort_net_region_name(char *buf, u32 id, const char *name)
{
	if (snprintf(buf, COHORT_NAME_MAX, "net:%s", name) >= COHORT_NAME_MAX)
		snprintf(buf, COHORT_NAME_MAX, "net:#%u", id);
}

static inline void cohort_net_taken_region_name(char *buf, u32 id)
{
	snprintf(buf, COHORT_NAME_MAX, "net:#%u", id);
}

/* shmnet.c */
void cohort_net_format(void *base, u32 queues, const u8 *mac_primary,
		       const u8 *mac_instance);
u64 cohort_net_attached(const void *base);
const char *cohort_net_read_hdr(const void *base, u64 size,
				struct cohort_net_info *info);
void cohort_net_set_attached(void *base, u64 epoch);
void cohort_netq_init(struct cohort_netq *q, void *base, u32 queue, u32 dir);
void *cohort_netq_reserve(struct cohort_netq *q, u32 len);
void cohort_netq_commit(struct cohort_netq *q, u32 len, u32 flags,
			const struct virtio_net_hdr *vnet);
bool cohort_netq_publish(struct cohort_netq *q);
bool cohort_netq_room(struct cohort_netq *q);
bool cohort_netq_want_space(struct cohort_netq *q);
int cohort_netq_next(struct cohort_netq *q, struct cohort_net_pkt *pkt);
void cohort_netq_consume(struct cohort_netq *q,
			 const struct cohort_net_pkt *pkt);
bool cohort_netq_release(struct cohort_netq *q);
bool cohort_netq_want_kick(struct cohort_netq *q);
bool cohort_netq_pending(struct cohort_netq *q);
#ifdef CONFIG_COHORT_TEST
int cohort_netq_test_forge(struct cohort_netq *tx, struct cohort_netq *rx,
			   const char *kind);
#endif

/* net.c */
int cohort_net_dev_add(u32 peer, void *base, u32 queues, const char *ifname,
		       const u8 *mac_self, const u8 *mac_peer, char *msg);
void cohort_net_dev_del(u32 peer);
void cohort_net_dev_reset(u32 peer, void *base, u32 queues);
int cohort_net_dev_move(u32 from, u32 to, void *base);
bool cohort_net_dev_exists(u32 peer, char *ifname);
void cohort_net_kick_peer(u32 peer);
bool cohort_net_ready(void);
#if IS_ENABLED(CONFIG_COHORT_TEST) && IS_ENABLED(CONFIG_COHORT_NET)
int cohort_net_test_forge(const char *kind);
#else
static inline int cohort_net_test_forge(const char *kind)
{
	return -ENODEV;
}
#endif

#endif /* _DRIVERS_COHORT_NET_H */
