// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort network links: a point-to-point Ethernet link between the
 * primary ("coh-NAME") and an instance ("eth0") over shared memory.
 *
 * The link's memory (the region "net:NAME", made by netctl.c) holds one
 * pair of rings per queue; a frame is copied once into the ring by the
 * sender and once out of it into an skb by the receiver, with its
 * offloads (checksum still to fill in, TCP/UDP segmentation) in a
 * virtio-net header, so 64 KiB segments cross unsplit and nothing is
 * checksummed in memory.  The kernel's own virtio_net_hdr_to_skb()
 * checks those offloads as it does for tun and virtio.  A peer is
 * knocked (a COHORT_MSG_T_NET message, hence a doorbell IPI) only when
 * it said it sleeps; receiving is NAPI, one context per queue.
 *
 * The primary says carrier up while the instance is a member and its end
 * announced itself with that membership epoch; the instance's end is up
 * while the link works.  A watch every WATCH_MS drops or raises the
 * carrier, wakes a transmit queue whose knock was lost and polls receive
 * queues once, so a lost knock costs at most that long.  A peer that
 * breaks the ring protocol takes its link down until it starts again.
 */
#define pr_fmt(fmt) "cohort: net: " fmt

#include <linux/cohort_shm.h>
#include <linux/etherdevice.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include "net.h"

#define WATCH_MS	100
/* Frames up to this size go into one linear skb. */
#define RX_LINEAR	1536
/* Linear part of a larger frame: its headers. */
#define RX_HEADERS	256
/* How long a link's new peer has to attach after a takeover. */
#define GRACE_MS	2000
/* Give consumed room back at least this often within a poll. */
#define RX_RELEASE	16

struct cnet;

struct cnet_queue {
	struct napi_struct napi;
	struct cohort_netq rx;		/* NAPI only */
	struct cohort_netq tx;		/* under the tx queue's lock */
	struct cnet *n;
	u32 index;
};

struct cnet {
	struct net_device *dev;
	u32 peer;
	void *base;
	u32 queues;
	bool up;			/* carrier: the peer's end works */
	bool broken;			/* the peer broke the protocol */
	/* After a takeover: the carrier stays until then for the new peer. */
	unsigned long grace_until;
	u8 mac_self[ETH_ALEN];
	u8 mac_peer[ETH_ALEN];
	atomic64_t rx_bad;		/* offloads virtio_net_hdr refused */
	struct cnet_queue q[COHORT_NET_MAX_QUEUES];
};

static struct cnet __rcu *links[COHORT_MAX_KERNELS];
static DEFINE_MUTEX(links_mutex);	/* changes to links[] */
static struct delayed_work watch;
static struct workqueue_struct *net_wq;

/* Direction of the rings this kernel sends on. */
static u32 tx_dir(void)
{
	return cohort_is_instance() ? 1 : 0;
}

static void kick(struct cnet *n, u8 what, u32 queue)
{
	struct cohort_net_kick k = { .what = what, .queue = queue };

	/* A knock the peer's ring cannot take now: the watch covers it. */
	cohort_msg_send(READ_ONCE(n->peer), COHORT_MSG_T_NET, &k, sizeof(k), 0);
}

static void link_broken(struct cnet *n, const char *where)
{
	if (!READ_ONCE(n->broken))
		netdev_err(n->dev, "the peer broke the %s ring; link down until it starts again\n",
			   where);
	WRITE_ONCE(n->broken, true);
}

static void rx_one(struct cnet_queue *cq, const struct cohort_net_pkt *pkt)
{
	struct net_device *dev = cq->n->dev;
	struct sk_buff *skb;
	u32 len = pkt->len;
	int err;

	if (len <= RX_LINEAR) {
		skb = napi_alloc_skb(&cq->napi, len);
		if (!skb)
			goto drop;
		skb_put_data(skb, pkt->data, len);
	} else {
		skb = alloc_skb_with_frags(NET_SKB_PAD + NET_IP_ALIGN + RX_HEADERS,
					   len - RX_HEADERS,
					   PAGE_ALLOC_COSTLY_ORDER, &err,
					   GFP_ATOMIC);
		if (!skb)
			goto drop;
		skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
		skb_put(skb, RX_HEADERS);
		skb->data_len = len - RX_HEADERS;
		skb->len = len;
		if (skb_store_bits(skb, 0, pkt->data, len)) {
			kfree_skb(skb);
			goto drop;
		}
	}
	if (virtio_net_hdr_to_skb(skb, &pkt->vnet, true)) {
		atomic64_inc(&cq->n->rx_bad);
		kfree_skb(skb);
		goto drop;
	}
	if (pkt->csum_ok && skb->ip_summed == CHECKSUM_NONE)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->protocol = eth_type_trans(skb, dev);
	skb_record_rx_queue(skb, cq->index);
	dev_sw_netstats_rx_add(dev, len);
	napi_gro_receive(&cq->napi, skb);
	return;
drop:
	dev_core_stats_rx_dropped_inc(dev);
}

static int cnet_poll(struct napi_struct *napi, int budget)
{
	struct cnet_queue *cq = container_of(napi, struct cnet_queue, napi);
	struct cnet *n = cq->n;
	struct cohort_net_pkt pkt;
	int done = 0;
	int ret;

	if (!READ_ONCE(n->up)) {
		napi_complete_done(napi, 0);
		return 0;
	}
	while (done < budget) {
		ret = cohort_netq_next(&cq->rx, &pkt);
		if (ret == -ENODATA)
			break;
		if (ret) {
			link_broken(n, "receive");
			break;
		}
		rx_one(cq, &pkt);
		cohort_netq_consume(&cq->rx, &pkt);
		if (!(++done % RX_RELEASE) && cohort_netq_release(&cq->rx))
			kick(n, COHORT_NET_KICK_SPACE, cq->index);
	}
	if (cohort_netq_release(&cq->rx))
		kick(n, COHORT_NET_KICK_SPACE, cq->index);
	if (done < budget && napi_complete_done(napi, done) &&
	    cohort_netq_want_kick(&cq->rx))
		napi_schedule(napi);
	return done;
}

static void tx_publish(struct cnet *n, struct cnet_queue *cq)
{
	if (cohort_netq_publish(&cq->tx))
		kick(n, COHORT_NET_KICK_RX, cq->index);
}

static netdev_tx_t cnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct cnet *n = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct cnet_queue *cq = &n->q[qi];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
	struct virtio_net_hdr vnet;
	u32 len = skb->len;
	u32 flags = 0;
	void *p;

	if (!READ_ONCE(n->up) || len < ETH_HLEN || len > COHORT_NET_FRAME_MAX ||
	    virtio_net_hdr_from_skb(skb, &vnet, true, false, 0))
		goto drop;
	p = cohort_netq_reserve(&cq->tx, len);
	if (!p) {
		if (cq->tx.broken) {
			link_broken(n, "transmit");
			goto drop;
		}
		/* Only if a knock was lost: we stop before the ring fills. */
		netif_tx_stop_queue(txq);
		tx_publish(n, cq);
		if (!cohort_netq_want_space(&cq->tx))
			return NETDEV_TX_BUSY;
		netif_tx_start_queue(txq);
		p = cohort_netq_reserve(&cq->tx, len);
		if (!p)
			goto drop;
	}
	if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		flags = COHORT_NET_REC_CSUM_OK;
	skb_copy_bits(skb, 0, p, len);
	cohort_netq_commit(&cq->tx, len, flags, &vnet);
	dev_sw_netstats_tx_add(dev, 1, len);
	if (!cohort_netq_room(&cq->tx)) {
		if (cq->tx.broken)
			link_broken(n, "transmit");
		netif_tx_stop_queue(txq);
		if (cohort_netq_want_space(&cq->tx))
			netif_tx_start_queue(txq);
	}
	if (!netdev_xmit_more() || netif_xmit_stopped(txq))
		tx_publish(n, cq);
	consume_skb(skb);
	return NETDEV_TX_OK;
drop:
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static int cnet_open(struct net_device *dev)
{
	struct cnet *n = netdev_priv(dev);
	u32 i;

	for (i = 0; i < n->queues; i++)
		napi_enable(&n->q[i].napi);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int cnet_stop(struct net_device *dev)
{
	struct cnet *n = netdev_priv(dev);
	u32 i;

	netif_tx_disable(dev);
	for (i = 0; i < n->queues; i++)
		napi_disable(&n->q[i].napi);
	return 0;
}

static void cnet_stats(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct cnet *n = netdev_priv(dev);

	dev_get_tstats64(dev, s);
	s->rx_errors = atomic64_read(&n->rx_bad);
}

static const struct net_device_ops cnet_ops = {
	.ndo_open = cnet_open,
	.ndo_stop = cnet_stop,
	.ndo_start_xmit = cnet_xmit,
	.ndo_get_stats64 = cnet_stats,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void init_rings(struct cnet *n)
{
	u32 i;

	for (i = 0; i < n->queues; i++) {
		cohort_netq_init(&n->q[i].tx, n->base, i, tx_dir());
		cohort_netq_init(&n->q[i].rx, n->base, i, !tx_dir());
	}
}

/**
 * cohort_net_dev_add() - make this kernel's end of a link
 * @peer: the kernel at the other end
 * @base: the link's memory, mapped
 * @queues: queue pairs (the header says so, checked)
 * @ifname: interface name, may hold "%d"
 * @mac_self: this end's address
 * @mac_peer: the other end's
 * @msg: out: why it failed (%COHORT_MSG_MAX bytes)
 *
 * Carrier is down until the watch sees the peer's end.
 *
 * Return: 0 or a negative errno.
 */
int cohort_net_dev_add(u32 peer, void *base, u32 queues, const char *ifname,
		       const u8 *mac_self, const u8 *mac_peer, char *msg)
{
	struct net_device *dev;
	struct cnet *n;
	u32 i;
	int ret;

	if (peer >= COHORT_MAX_KERNELS || !queues ||
	    queues > COHORT_NET_MAX_QUEUES)
		return -EINVAL;
	dev = alloc_netdev_mqs(sizeof(*n), ifname, NET_NAME_PREDICTABLE,
			       ether_setup, queues, queues);
	if (!dev)
		return -ENOMEM;
	n = netdev_priv(dev);
	n->dev = dev;
	n->peer = peer;
	n->base = base;
	n->queues = queues;
	ether_addr_copy(n->mac_self, mac_self);
	ether_addr_copy(n->mac_peer, mac_peer);
	atomic64_set(&n->rx_bad, 0);
	init_rings(n);
	for (i = 0; i < queues; i++) {
		n->q[i].n = n;
		n->q[i].index = i;
		netif_napi_add(dev, &n->q[i].napi, cnet_poll);
	}
	eth_hw_addr_set(dev, mac_self);
	dev->netdev_ops = &cnet_ops;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN |
			   NETIF_F_GSO_UDP_L4 | NETIF_F_HIGHDMA;
	dev->features = dev->hw_features;
	dev->vlan_features = dev->hw_features;
	dev->max_mtu = ETH_MAX_MTU;
	netif_set_tso_max_size(dev, GSO_LEGACY_MAX_SIZE);
	netif_carrier_off(dev);

	ret = register_netdev(dev);
	if (ret) {
		scnprintf(msg, COHORT_MSG_MAX, "cannot register interface %s (error %d)",
			  ifname, ret);
		free_netdev(dev);
		return ret;
	}
	mutex_lock(&links_mutex);
	rcu_assign_pointer(links[peer], n);
	mutex_unlock(&links_mutex);
	netdev_info(dev, "link to kernel %u, %u queue pair(s)\n", peer, queues);
	return 0;
}

/**
 * cohort_net_dev_del() - remove this kernel's end of a link
 * @peer: the kernel at the other end
 *
 * On the primary the peer's CPUs are back, so nothing writes the link.
 */
void cohort_net_dev_del(u32 peer)
{
	struct cnet *n;

	mutex_lock(&links_mutex);
	n = rcu_dereference_protected(links[peer],
				      lockdep_is_held(&links_mutex));
	RCU_INIT_POINTER(links[peer], NULL);
	mutex_unlock(&links_mutex);
	if (!n)
		return;
	synchronize_rcu();
	unregister_netdev(n->dev);
	free_netdev(n->dev);
}

/*
 * With links_mutex held: no traffic until resume_link(); the carrier
 * down unless @keep_carrier.
 * Return: whether the interface was up.
 */
static bool pause_link(struct cnet *n, bool keep_carrier)
{
	bool running;
	u32 i;

	rtnl_lock();
	running = netif_running(n->dev);
	if (!keep_carrier) {
		WRITE_ONCE(n->up, false);
		netif_carrier_off(n->dev);
	}
	if (running) {
		netif_tx_disable(n->dev);
		for (i = 0; i < n->queues; i++)
			napi_disable(&n->q[i].napi);
	}
	return running;
}

/* The rings are fresh: traffic again, carrier once the watch sees the peer. */
static void resume_link(struct cnet *n, bool running)
{
	u32 i;

	WRITE_ONCE(n->broken, false);
	if (running) {
		for (i = 0; i < n->queues; i++)
			napi_enable(&n->q[i].napi);
		netif_tx_start_all_queues(n->dev);
	}
	rtnl_unlock();
}

/**
 * cohort_net_dev_reset() - the primary empties a link before the instance
 *	at its other end starts
 * @peer: the instance
 * @base: the link's memory
 * @queues: its queue pairs
 *
 * The header and rings are formatted again and this end forgets its
 * positions; a queue stopped on a full ring runs again.  The name and
 * addresses stay.
 */
void cohort_net_dev_reset(u32 peer, void *base, u32 queues)
{
	struct cnet *n;
	bool running;

	mutex_lock(&links_mutex);
	n = rcu_dereference_protected(links[peer],
				      lockdep_is_held(&links_mutex));
	if (n) {
		running = pause_link(n, false);
		cohort_net_format(base, queues, n->mac_self, n->mac_peer);
		init_rings(n);
		resume_link(n, running);
	}
	mutex_unlock(&links_mutex);
}

/**
 * cohort_net_dev_move() - the primary gives its end of a link to another
 *	instance (a takeover)
 * @from: the instance at the other end until now
 * @to: the instance that takes it over, with no link of its own
 * @base: the memory the link runs on from now on (@to's), mapped
 *
 * The interface keeps its name, addresses, routes, bridge port and both
 * MAC addresses, so the primary and its neighbours see the same link; it
 * runs on @base, formatted afresh.  The carrier stays up for a grace
 * period (GRACE_MS), so frames sent meanwhile wait in the new rings for
 * @to's end to attach; if it has not by then, the carrier goes down
 * until it does.  Nothing reads @from's memory any more.
 *
 * Return: 0, -ENOENT when @from has no link, -EEXIST when @to has one.
 */
int cohort_net_dev_move(u32 from, u32 to, void *base)
{
	struct cnet *n;
	bool running;
	int ret = 0;

	if (from >= COHORT_MAX_KERNELS || to >= COHORT_MAX_KERNELS)
		return -EINVAL;
	mutex_lock(&links_mutex);
	n = rcu_dereference_protected(links[from],
				      lockdep_is_held(&links_mutex));
	if (!n || rcu_access_pointer(links[to])) {
		ret = n ? -EEXIST : -ENOENT;
		goto out;
	}
	/*
	 * The carrier stays as it is for a grace period, so that what is
	 * sent meanwhile waits in the new rings (or the qdisc) for @to's end
	 * instead of being dropped with a carrier loss.
	 */
	running = pause_link(n, true);
	/* A knock from @from finds no link from now on. */
	RCU_INIT_POINTER(links[from], NULL);
	WRITE_ONCE(n->peer, to);
	n->base = base;
	n->grace_until = jiffies + msecs_to_jiffies(GRACE_MS);
	cohort_net_format(base, n->queues, n->mac_self, n->mac_peer);
	init_rings(n);
	rcu_assign_pointer(links[to], n);
	resume_link(n, running);
	netdev_info(n->dev, "link to kernel %u now (was %u)\n", to, from);
out:
	mutex_unlock(&links_mutex);
	return ret;
}

/**
 * cohort_net_dev_exists() - is there a link to a kernel?
 * @peer: that kernel
 * @ifname: out, may be NULL: this end's name (%IFNAMSIZ bytes)
 *
 * Return: true if so.
 */
bool cohort_net_dev_exists(u32 peer, char *ifname)
{
	struct cnet *n;
	bool ret;

	if (peer >= COHORT_MAX_KERNELS)
		return false;
	rcu_read_lock();
	n = rcu_dereference(links[peer]);
	ret = n;
	if (n && ifname)
		strscpy(ifname, n->dev->name, IFNAMSIZ);
	rcu_read_unlock();
	return ret;
}

/**
 * cohort_net_kick_peer() - a kernel tells the other end of a link to look
 *	at it now: the primary an instance that it has a link, an instance
 *	the primary that its end is attached
 * @peer: the other kernel
 */
void cohort_net_kick_peer(u32 peer)
{
	struct cohort_net_kick k = { .what = COHORT_NET_KICK_RESCAN };

	cohort_msg_send(peer, COHORT_MSG_T_NET, &k, sizeof(k), 0);
}

/* Softirq: a peer knocks. */
static void cnet_msg(const struct cohort_msg *msg, void *ctx)
{
	struct cohort_net_kick k;
	struct netdev_queue *txq;
	struct cnet *n;

	if (msg->len != sizeof(k))
		return;
	memcpy(&k, msg->data, sizeof(k));
	/*
	 * The primary added a link: the instance looks for it now.  An
	 * instance attached its end: the primary raises the carrier now.
	 */
	if (k.what == COHORT_NET_KICK_RESCAN) {
		if (cohort_is_instance() == !msg->sender)
			mod_delayed_work(net_wq, &watch, 0);
		return;
	}
	rcu_read_lock();
	n = rcu_dereference(links[msg->sender]);
	if (!n || k.queue >= n->queues || !READ_ONCE(n->up) ||
	    !netif_running(n->dev))
		goto out;
	switch (k.what) {
	case COHORT_NET_KICK_RX:
		napi_schedule(&n->q[k.queue].napi);
		break;
	case COHORT_NET_KICK_SPACE:
		/* cnet_xmit() looks at the room again. */
		txq = netdev_get_tx_queue(n->dev, k.queue);
		if (netif_tx_queue_stopped(txq))
			netif_tx_wake_queue(txq);
		break;
	}
out:
	rcu_read_unlock();
}

/* An instance looks for its link in its grant page. */
static void probe(void)
{
	const struct cohort_setup *s = cohort_instance_setup();
	struct cohort_net_info info;
	char name[COHORT_NAME_MAX];
	char msg[COHORT_MSG_MAX];
	phys_addr_t base;
	const char *bad;
	void *mem;
	u64 size;
	u32 slot;
	int ret;

	cohort_net_region_name(name, s->id, s->name);
	ret = cohort_grants_get(name, &base, &size, &slot, NULL, msg,
				sizeof(msg));
	/* Or one it took over from another instance. */
	if (ret == -ENOENT) {
		cohort_net_taken_region_name(name, s->id);
		ret = cohort_grants_get(name, &base, &size, &slot, NULL, msg,
					sizeof(msg));
	}
	if (ret) {
		if (ret != -ENOENT)
			pr_err_once("%s\n", msg);
		return;
	}
	mem = memremap(base, size, MEMREMAP_WB);
	if (!mem) {
		pr_err("cannot map the link's memory\n");
		goto put;
	}
	bad = cohort_net_read_hdr(mem, size, &info);
	if (bad) {
		pr_err("the link's memory %s\n", bad);
		goto unmap;
	}
	if (cohort_net_dev_add(0, mem, info.queues, "eth%d", info.mac_instance,
			       info.mac_primary, msg))
		goto unmap;
	cohort_net_set_attached(mem, cohort_msg_epoch());
	cohort_net_kick_peer(0);
	/* Kept for the instance's life: the primary takes it back only then. */
	return;
unmap:
	memunmap(mem);
put:
	cohort_grants_put(slot);
}

static void watch_one(struct cnet *n)
{
	struct cohort_kernel_view v;
	struct netdev_queue *txq;
	const char *why;
	bool want;
	u32 i;

	if (cohort_is_instance()) {
		want = !READ_ONCE(n->broken);
	} else {
		switch (cohort_ctrl_read_kernel(n->peer, &v, &why)) {
		case COHORT_ENTRY_MEMBER:
			want = v.epoch && cohort_net_attached(n->base) == v.epoch;
			break;
		case COHORT_ENTRY_BUSY:
			return;
		default:
			want = false;
			break;
		}
		want = want && !READ_ONCE(n->broken);
		/* A new peer after a takeover: give it time to attach. */
		if (!want && READ_ONCE(n->up) && n->grace_until &&
		    time_before(jiffies, n->grace_until))
			return;
		n->grace_until = 0;
	}
	if (want != READ_ONCE(n->up)) {
		WRITE_ONCE(n->up, want);
		if (want)
			netif_carrier_on(n->dev);
		else
			netif_carrier_off(n->dev);
		netdev_info(n->dev, "carrier %s\n",
			    want ? "up" : "down: the other end is gone");
	}
	if (!want || !netif_running(n->dev))
		return;
	for (i = 0; i < n->queues; i++) {
		napi_schedule(&n->q[i].napi);
		txq = netdev_get_tx_queue(n->dev, i);
		if (!netif_tx_queue_stopped(txq))
			continue;
		__netif_tx_lock_bh(txq);
		if (cohort_netq_room(&n->q[i].tx))
			netif_tx_wake_queue(txq);
		__netif_tx_unlock_bh(txq);
	}
}

static void watch_fn(struct work_struct *w)
{
	struct cnet *n;
	u32 id;

	if (cohort_is_instance() && !rcu_access_pointer(links[0]))
		probe();
	mutex_lock(&links_mutex);
	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		n = rcu_dereference_protected(links[id],
					      lockdep_is_held(&links_mutex));
		if (n)
			watch_one(n);
	}
	mutex_unlock(&links_mutex);
	queue_delayed_work(net_wq, &watch, msecs_to_jiffies(WATCH_MS));
}

#ifdef CONFIG_COHORT_TEST
/**
 * cohort_net_test_forge() - an instance breaks its link's rules, for
 *	the tests of the primary
 * @kind: what to break (cohort_netq_test_forge())
 *
 * Only with this instance's eth0 down, so that its own NAPI and transmit
 * path leave the rings alone.
 *
 * Return: 0 or a negative errno.
 */
int cohort_net_test_forge(const char *kind)
{
	struct netdev_queue *txq;
	struct cnet *n;
	int ret = -ENODEV;

	mutex_lock(&links_mutex);
	n = rcu_dereference_protected(links[0], lockdep_is_held(&links_mutex));
	if (!n || !cohort_is_instance())
		goto out;
	ret = -EBUSY;
	if (netif_running(n->dev))
		goto out;
	txq = netdev_get_tx_queue(n->dev, 0);
	__netif_tx_lock_bh(txq);
	ret = cohort_netq_test_forge(&n->q[0].tx, &n->q[0].rx, kind);
	__netif_tx_unlock_bh(txq);
	if (!ret)
		kick(n, COHORT_NET_KICK_RX, 0);
out:
	mutex_unlock(&links_mutex);
	return ret;
}
#endif

/**
 * cohort_net_ready() - can this kernel have links?
 *
 * Return: true once it joined the messaging that knocks its peers.
 */
bool cohort_net_ready(void)
{
	return net_wq;
}

static int __init cohort_net_init(void)
{
	u32 self = cohort_msg_self();
	int ret;

	/* Only a kernel that joined the messaging can be knocked. */
	if (!(cohort_msg_members() & BIT_ULL(self)))
		return 0;
	net_wq = alloc_workqueue("cohort-net", WQ_UNBOUND, 0);
	if (!net_wq)
		return -ENOMEM;
	ret = cohort_msg_register(COHORT_MSG_T_NET, cnet_msg, NULL);
	if (ret) {
		destroy_workqueue(net_wq);
		pr_err("cannot take message type %d (%d)\n", COHORT_MSG_T_NET, ret);
		return ret;
	}
	INIT_DELAYED_WORK(&watch, watch_fn);
	queue_delayed_work(net_wq, &watch, 0);
	return 0;
}
late_initcall_sync(cohort_net_init);
