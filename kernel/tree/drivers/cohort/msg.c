// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort messaging between kernels.
 *
 * The control region (first MiBs of the pool, docs/abi.md) holds a header
 * written by the primary, a table with one entry per kernel and one
 * receive ring per kernel (docs/ring-protocol.md).  A kernel joins by
 * formatting its ring and filling its entry: the APIC ID that takes its
 * doorbells, an epoch, its heartbeat and the services it offers or
 * listens to.  Everything another kernel wrote is validated before use;
 * a peer whose entry or messages are malformed is quarantined.
 *
 * Receiving is NAPI style: the doorbell interrupt turns notifications off
 * and queues a BH work item, which drains the ring with a budget, turns
 * notifications back on and looks once more.  Senders ring only while
 * the receiver wants doorbells.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "cohort.h"
#include "cohort_ring.h"
#include "msg.h"

#define POLL_BUDGET		256
#define CLAIM_TIMEOUT_NS	(50 * NSEC_PER_MSEC)
#define HB_MS_DEFAULT		100
#define HB_MS_MIN		10
#define HB_MS_MAX		10000
#define HB_MISSES_DEFAULT	5
#define SEND_WAIT_MS		5000
#define RX_SPARE_BUFS		2

struct cohort_msg_state cm;

static DEFINE_SPINLOCK(handlers_lock);
static struct {
	cohort_msg_handler_t fn;
	void *ctx;
} handlers[COHORT_MSG_NTYPES];

/* Reassembly buffers for the ring, allocated in process context. */
static DEFINE_SPINLOCK(bufs_lock);
static void *bufs_free[COHORT_MAX_KERNELS + RX_SPARE_BUFS];
static unsigned int nbufs_free, nbufs_total;

/* Requests waiting for their response. */
struct rpc_wait {
	struct list_head node;
	u32 id;
	u32 dst;
	struct completion done;
	void *buf;
	size_t max;
	int len;
	int status;
};

static DEFINE_SPINLOCK(rpc_lock);
static LIST_HEAD(rpc_waiting);
static u32 rpc_next_id;

static void poll_fn(struct work_struct *w);
static DECLARE_WORK(poll_work, poll_fn);
static void scan_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(scan_work, scan_fn);
static struct timer_list hb_timer;

static struct cohort_ctrl_kernel *entry(u32 id)
{
	return (void *)cm.ctrl + COHORT_CTRL_KERNELS_OFF +
	       id * COHORT_CTRL_ENTRY_SIZE;
}

static void *ring_mem(u32 id)
{
	return (void *)cm.ctrl + COHORT_CTRL_RINGS_OFF +
	       (size_t)id * COHORT_CTRL_RING_STRIDE;
}

/**
 * cohort_msg_self() - this kernel's id
 *
 * Return: 0 for the primary, the instance id otherwise.
 */
u32 cohort_msg_self(void)
{
	return cm.self;
}

/**
 * cohort_msg_epoch() - this kernel's epoch in the membership
 *
 * Return: the epoch it joined with, or 0 when it has not joined.
 */
u64 cohort_msg_epoch(void)
{
	return cm.joined ? READ_ONCE(entry(cm.self)->epoch) : 0;
}

/**
 * cohort_msg_set_may_run() - publish whether an instance's CPUs may run it
 * @id: instance id
 * @may_run: true from just before its CPUs are sent until they are back
 *	(or it reported a panic or power-off)
 *
 * Primary only.  Other kernels read the bit to decide whether claims the
 * instance left in shared memory can be broken (cohort_kernel_alive()).
 */
void cohort_msg_set_may_run(u32 id, bool may_run)
{
	if (!cm.joined || !cm.is_primary || !id || id >= COHORT_MAX_KERNELS)
		return;
	if (may_run)
		set_bit(id, (unsigned long *)&cm.hdr->may_run);
	else
		clear_bit(id, (unsigned long *)&cm.hdr->may_run);
	/* Ordered before whatever the caller does next (a region delete). */
	smp_mb__after_atomic();
}

/**
 * cohort_kernel_alive() - may a kernel incarnation still write shared memory?
 * @id: kernel id (0 is the primary)
 * @epoch: the epoch it had in the membership when it made its claim
 *
 * True while the kernel is a member with that epoch, and also while it is
 * not a member but its CPUs may still run it (it is starting, or it was
 * declared failed and not yet stopped): only a kernel that can no longer
 * execute is ever called dead.  A member with another epoch is a later
 * boot, so the incarnation asked about is dead.  Without messaging
 * nothing can be known, and every kernel is taken as alive.
 *
 * Return: false only when the incarnation certainly cannot run any more.
 */
bool cohort_kernel_alive(u32 id, u64 epoch)
{
	struct cohort_peer_view v;

	if (!cm.joined || id >= COHORT_MAX_KERNELS)
		return true;
	if (id == cm.self)
		return epoch == cohort_msg_epoch();
	if (cohort_msg_read_entry(id, &v))
		return v.epoch == epoch;
	/* Pairs with smp_mb__after_atomic() in cohort_msg_set_may_run(). */
	smp_rmb();
	return READ_ONCE(cm.hdr->may_run) & BIT_ULL(id);
}

/**
 * cohort_msg_quarantine() - ignore a peer from now on
 * @id: the peer
 * @why: what it did, for the log
 *
 * Its messages are dropped (counted) and it gets no more doorbells.  The
 * ring's own quarantine is applied by the next poll.
 */
void cohort_msg_quarantine(u32 id, const char *why)
{
	struct cohort_peer *p;

	if (id >= COHORT_MAX_KERNELS || id == cm.self)
		return;
	p = &cm.peers[id];
	p->quarantines++;
	if (!READ_ONCE(p->quarantined)) {
		WRITE_ONCE(p->quarantined, true);
		WRITE_ONCE(cm.quarantine_pending, true);
		pr_err("kernel %u quarantined: %s\n", id, why);
	}
}

/*
 * Read a peer's entry once into private memory and check it.  Return
 * true if the peer is a member (joined, consistent).  An entry that is
 * not zero and not consistent quarantines the peer.
 */
bool cohort_msg_read_entry(u32 id, struct cohort_peer_view *v)
{
	struct cohort_ctrl_kernel *e = entry(id);
	const char *bad = NULL;

	memset(v, 0, sizeof(*v));
	if (!cm.ctrl || id >= COHORT_MAX_KERNELS)
		return false;
	v->state = READ_ONCE(e->state);
	/* Pairs with the release of state when the kernel joined. */
	smp_rmb();
	v->id = READ_ONCE(e->id);
	v->apic_id = READ_ONCE(e->apic_id);
	v->flags = READ_ONCE(e->flags);
	v->epoch = READ_ONCE(e->epoch);
	v->heartbeat = READ_ONCE(e->heartbeat);
	v->offered = READ_ONCE(e->services_offered);
	v->listening = READ_ONCE(e->services_listening);
	memcpy(v->name, e->name, sizeof(v->name));
	v->name[sizeof(v->name) - 1] = 0;

	if (v->state == COHORT_KS_FREE || v->state == COHORT_KS_LEFT)
		return false;
	if (v->state != COHORT_KS_JOINED)
		bad = "unknown state in its control entry";
	else if (v->id != id)
		bad = "wrong id in its control entry";
	else if (!v->epoch)
		bad = "no epoch in its control entry";
	else if ((v->flags & COHORT_KF_DOORBELL) &&
		 !cohort_arch_apic_id_ok(v->apic_id))
		bad = "broadcast or invalid doorbell APIC ID";
	else if (v->flags & ~COHORT_KF_DOORBELL)
		bad = "unknown flags in its control entry";
	if (bad) {
		if (id != cm.self) {
			cm.peers[id].ctrl_errors++;
			cohort_msg_quarantine(id, bad);
		}
		return false;
	}
	return true;
}

/**
 * cohort_msg_members() - kernels that are members now
 *
 * Return: bitmap of kernel ids with a joined, valid entry (this kernel
 * included when it joined).
 */
u64 cohort_msg_members(void)
{
	struct cohort_peer_view v;
	u64 mask = 0;
	u32 id;

	if (!cm.joined)
		return 0;
	for (id = 0; id < COHORT_MAX_KERNELS; id++)
		if (cohort_msg_read_entry(id, &v))
			mask |= BIT_ULL(id);
	return mask;
}

/* ---- handlers ---- */

/**
 * cohort_msg_register() - handle one message type
 * @type: %COHORT_MSG_T_FIRST_FREE .. %COHORT_MSG_NTYPES - 1, or one of
 *	Cohort's own test types
 * @fn: called in softirq context for each message of @type
 * @ctx: passed to @fn
 *
 * Return: 0, -EINVAL for a bad type, -EBUSY if the type has a handler.
 */
int cohort_msg_register(unsigned int type, cohort_msg_handler_t fn, void *ctx)
{
	int ret = 0;

	if (type <= COHORT_MSG_T_RPC_RESP || type >= COHORT_MSG_NTYPES || !fn)
		return -EINVAL;
	spin_lock_bh(&handlers_lock);
	if (handlers[type].fn) {
		ret = -EBUSY;
	} else {
		handlers[type].ctx = ctx;
		handlers[type].fn = fn;
	}
	spin_unlock_bh(&handlers_lock);
	return ret;
}

/**
 * cohort_msg_unregister() - stop handling a message type
 * @type: the type
 *
 * Waits for a delivery in progress to finish.
 */
void cohort_msg_unregister(unsigned int type)
{
	if (type >= COHORT_MSG_NTYPES)
		return;
	spin_lock_bh(&handlers_lock);
	handlers[type].fn = NULL;
	handlers[type].ctx = NULL;
	spin_unlock_bh(&handlers_lock);
	/* Deliveries run under rx_lock. */
	spin_lock_bh(&cm.rx_lock);
	spin_unlock_bh(&cm.rx_lock);
}

static bool get_handler(unsigned int type, cohort_msg_handler_t *fn,
			void **ctx)
{
	spin_lock(&handlers_lock);
	*fn = handlers[type].fn;
	*ctx = handlers[type].ctx;
	spin_unlock(&handlers_lock);
	return *fn;
}

/* ---- sending ---- */

/* Attach to the peer's ring if it (re)joined since.  tx_lock held. */
static int tx_ready(u32 dst, struct cohort_peer_view *v)
{
	struct cohort_peer *p = &cm.peers[dst];
	int ret;

	if (!cm.joined)
		return -ENODEV;
	if (dst >= COHORT_MAX_KERNELS)
		return -EINVAL;
	if (READ_ONCE(p->quarantined))
		return -EPERM;
	if (!cohort_msg_read_entry(dst, v)) {
		p->tx_epoch = 0;
		return -ENOTCONN;
	}
	if (p->tx_epoch == v->epoch)
		return 0;
	ret = cohort_ring_tx_attach(&p->tx, ring_mem(dst),
				    COHORT_CTRL_RING_STRIDE, cm.self);
	if (ret) {
		p->tx_epoch = 0;
		p->ctrl_errors++;
		return -ENOTCONN;
	}
	p->tx_epoch = v->epoch;
	return 0;
}

static int send_once(u32 dst, unsigned int type, const void *hdr,
		     size_t hlen, const void *data, size_t len)
{
	struct cohort_peer *p = &cm.peers[dst];
	struct cohort_peer_view v;
	bool bell = false;
	const void *buf = data;
	void *tmp = NULL;
	int ret;

	if (hlen) {
		tmp = kmalloc(hlen + len, GFP_ATOMIC | __GFP_NOWARN);
		if (!tmp)
			return -ENOMEM;
		memcpy(tmp, hdr, hlen);
		if (len)
			memcpy(tmp + hlen, data, len);
		buf = tmp;
		len += hlen;
	}
	spin_lock_bh(&p->tx_lock);
	ret = tx_ready(dst, &v);
	if (!ret)
		ret = cohort_ring_send(&p->tx, type, buf, len, &bell);
	if (!ret) {
		p->sent++;
		p->bytes_sent += len;
		if (bell && (v.flags & COHORT_KF_DOORBELL)) {
			p->doorbells++;
			cohort_arch_doorbell(v.apic_id);
		} else {
			p->doorbells_suppressed++;
		}
	} else if (ret == -EAGAIN) {
		p->full++;
	} else if (ret != -ENOTCONN && ret != -EPERM) {
		p->tx_errors++;
	}
	spin_unlock_bh(&p->tx_lock);
	kfree(tmp);
	return ret;
}

static int send_msg(u32 dst, unsigned int type, const void *hdr, size_t hlen,
		    const void *data, size_t len, unsigned int flags)
{
	unsigned long until = jiffies + msecs_to_jiffies(SEND_WAIT_MS);
	unsigned int spins = 0;
	int ret;

	if (dst >= COHORT_MAX_KERNELS || !type || type >= COHORT_MSG_NTYPES)
		return -EINVAL;
	if (hlen + len > COHORT_MSG_MAX_LEN)
		return -EMSGSIZE;
	for (;;) {
		ret = send_once(dst, type, hdr, hlen, data, len);
		if (ret != -EAGAIN || !(flags & COHORT_MSG_WAIT))
			return ret;
		if (time_after(jiffies, until))
			return -EAGAIN;
		if (++spins < 64)
			cpu_relax();
		else
			usleep_range(20, 50);
	}
}

/**
 * cohort_msg_send() - send a message to one kernel
 * @dst: kernel id
 * @type: message type, 1..%COHORT_MSG_NTYPES - 1
 * @data: the message
 * @len: its length, at most %COHORT_MSG_MAX_LEN
 * @flags: %COHORT_MSG_WAIT to sleep (up to 5 s) while the ring is full;
 *	only in process context
 *
 * Return: 0; -EAGAIN when the ring is full; -ENOTCONN if @dst is not a
 * member; -EPERM if it is quarantined; -EMSGSIZE, -EINVAL; -ECANCELED if
 * the message was lost while being published.
 */
int cohort_msg_send(u32 dst, unsigned int type, const void *data, size_t len,
		    unsigned int flags)
{
	return send_msg(dst, type, NULL, 0, data, len, flags);
}

/**
 * cohort_msg_multicast() - send the same message to a group of kernels
 * @group: bitmap of kernel ids; this kernel is left out
 * @type: message type
 * @data: the message
 * @len: its length
 * @flags: as for cohort_msg_send()
 * @sent: if not NULL, the kernels it was sent to
 *
 * Return: 0 if it reached every member of @group, or the first error.
 */
int cohort_msg_multicast(u64 group, unsigned int type, const void *data,
			 size_t len, unsigned int flags, u64 *sent)
{
	int ret, err = 0;
	u64 ok = 0;
	u32 id;

	group &= ~BIT_ULL(cm.self);
	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		if (!(group & BIT_ULL(id)))
			continue;
		ret = cohort_msg_send(id, type, data, len, flags);
		if (!ret)
			ok |= BIT_ULL(id);
		else if (!err)
			err = ret;
	}
	if (sent)
		*sent = ok;
	return err;
}

/**
 * cohort_msg_request() - send a request and wait for its response
 * @dst: kernel id
 * @type: request type; the handler there answers with cohort_msg_reply()
 * @req: the request
 * @len: its length
 * @resp: where the response goes
 * @resp_max: bytes at @resp; a longer response is cut
 * @timeout_ms: how long to wait
 *
 * Process context only.
 *
 * Return: the response length, the responder's negative status,
 * -ETIMEDOUT, or an error of cohort_msg_send().
 */
int cohort_msg_request(u32 dst, unsigned int type, const void *req,
		       size_t len, void *resp, size_t resp_max,
		       unsigned int timeout_ms)
{
	struct cohort_msg_rpc h = { .type = type };
	struct rpc_wait w = { .dst = dst, .buf = resp, .max = resp_max };
	long left;
	int ret;

	if (type <= COHORT_MSG_T_RPC_RESP || type >= COHORT_MSG_NTYPES)
		return -EINVAL;
	init_completion(&w.done);
	spin_lock_bh(&rpc_lock);
	w.id = ++rpc_next_id;
	list_add_tail(&w.node, &rpc_waiting);
	spin_unlock_bh(&rpc_lock);
	h.id = w.id;

	ret = send_msg(dst, COHORT_MSG_T_RPC_REQ, &h, sizeof(h), req, len,
		       COHORT_MSG_WAIT);
	if (!ret && READ_ONCE(cm.busy_poll)) {
		/* Polling mode: poll for the response instead of sleeping. */
		unsigned long until = jiffies + msecs_to_jiffies(timeout_ms);

		while (!try_wait_for_completion(&w.done)) {
			if (time_after(jiffies, until)) {
				ret = -ETIMEDOUT;
				break;
			}
			if (!cohort_msg_poll(64))
				cpu_relax();
			cond_resched();
		}
		if (!ret)
			ret = w.status ?: w.len;
	} else if (!ret) {
		left = wait_for_completion_timeout(&w.done,
						   msecs_to_jiffies(timeout_ms));
		ret = left ? (w.status ?: w.len) : -ETIMEDOUT;
	}
	spin_lock_bh(&rpc_lock);
	list_del(&w.node);
	spin_unlock_bh(&rpc_lock);
	/*
	 * A response that raced the timeout completed after we stopped
	 * waiting; it only wrote into @resp, which is still ours here.
	 */
	if (ret == -ETIMEDOUT)
		cm.rpc_timeouts++;
	return ret;
}

/**
 * cohort_msg_reply() - answer a request
 * @req: the request as given to the handler
 * @status: 0 or a negative errno for the requester
 * @data: the response
 * @len: its length
 *
 * May be called from the handler or later, from any context.
 *
 * Return: as cohort_msg_send().
 */
int cohort_msg_reply(const struct cohort_msg *req, int status,
		     const void *data, size_t len)
{
	struct cohort_msg_rpc h = {
		.id = req->rpc_id, .type = req->type, .status = status,
	};

	if (!req->is_request)
		return -EINVAL;
	return send_msg(req->sender, COHORT_MSG_T_RPC_RESP, &h, sizeof(h),
			data, len, 0);
}

/* ---- services ---- */

static int service_bit(unsigned int svc, bool on, u64 *field)
{
	u64 v;

	if (!cm.joined)
		return -ENODEV;
	if (svc >= COHORT_MAX_SERVICES)
		return -EINVAL;
	spin_lock_bh(&cm.self_lock);
	v = READ_ONCE(*field);
	v = on ? v | BIT_ULL(svc) : v & ~BIT_ULL(svc);
	WRITE_ONCE(*field, v);
	spin_unlock_bh(&cm.self_lock);
	return 0;
}

/**
 * cohort_service_offer() - announce (or withdraw) a service
 * @svc: service number, below %COHORT_MAX_SERVICES
 * @on: offer it or not
 *
 * Return: 0, -EINVAL, or -ENODEV when this kernel has not joined.
 */
int cohort_service_offer(unsigned int svc, bool on)
{
	return service_bit(svc, on, &entry(cm.self)->services_offered);
}

/**
 * cohort_service_listen() - ask for (or stop) a service's notifications
 * @svc: service number
 * @on: listen or not
 *
 * Return: 0, -EINVAL, or -ENODEV when this kernel has not joined.
 */
int cohort_service_listen(unsigned int svc, bool on)
{
	return service_bit(svc, on, &entry(cm.self)->services_listening);
}

static u64 service_mask(unsigned int svc, bool listeners)
{
	struct cohort_peer_view v;
	u64 mask = 0;
	u32 id;

	if (!cm.joined || svc >= COHORT_MAX_SERVICES)
		return 0;
	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		if (!cohort_msg_read_entry(id, &v))
			continue;
		if ((listeners ? v.listening : v.offered) & BIT_ULL(svc))
			mask |= BIT_ULL(id);
	}
	return mask;
}

/**
 * cohort_service_providers() - kernels offering a service
 * @svc: service number
 *
 * Return: bitmap of kernel ids.
 */
u64 cohort_service_providers(unsigned int svc)
{
	return service_mask(svc, false);
}

/**
 * cohort_service_listeners() - kernels listening to a service
 * @svc: service number
 *
 * Return: bitmap of kernel ids.
 */
u64 cohort_service_listeners(unsigned int svc)
{
	return service_mask(svc, true);
}

/**
 * cohort_service_notify() - send a message to a service's listeners only
 * @svc: service number
 * @type: message type
 * @data: the message
 * @len: its length
 * @sent: if not NULL, the kernels it was sent to
 *
 * Return: as cohort_msg_multicast().
 */
int cohort_service_notify(unsigned int svc, unsigned int type,
			  const void *data, size_t len, u64 *sent)
{
	if (svc >= COHORT_MAX_SERVICES)
		return -EINVAL;
	return cohort_msg_multicast(service_mask(svc, true), type, data, len,
				    0, sent);
}

/* ---- receiving ---- */

static void rpc_response(const struct cohort_ring_msg *m)
{
	const struct cohort_msg_rpc *h = m->data;
	u32 n = m->len - sizeof(*h);
	struct rpc_wait *w;
	bool found = false;

	spin_lock(&rpc_lock);
	list_for_each_entry(w, &rpc_waiting, node) {
		if (w->id != h->id || w->dst != m->sender ||
		    completion_done(&w->done))
			continue;
		n = min_t(u32, n, w->max);
		if (n)
			memcpy(w->buf, (const u8 *)m->data + sizeof(*h), n);
		w->len = n;
		w->status = h->status > 0 ? -EPROTO : h->status;
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock(&rpc_lock);
	if (!found)
		cm.rpc_late++;
}

static void rx_deliver(void *ctx, const struct cohort_ring_msg *m)
{
	struct cohort_msg msg = {
		.sender = m->sender, .type = m->type,
		.len = m->len, .data = m->data,
	};
	const struct cohort_msg_rpc *h = m->data;
	cohort_msg_handler_t fn;
	void *hctx;

	cm.peers[m->sender].bytes_received += m->len;
	if (m->type == COHORT_MSG_T_RPC_REQ || m->type == COHORT_MSG_T_RPC_RESP) {
		if (m->len < sizeof(*h) || !h->type ||
		    h->type >= COHORT_MSG_NTYPES) {
			cm.peers[m->sender].proto_errors++;
			cohort_msg_quarantine(m->sender, "malformed request or response");
			return;
		}
		if (m->type == COHORT_MSG_T_RPC_RESP) {
			rpc_response(m);
			return;
		}
		msg.type = h->type;
		msg.len = m->len - sizeof(*h);
		msg.data = (const u8 *)m->data + sizeof(*h);
		msg.rpc_id = h->id;
		msg.is_request = true;
		if (msg.type <= COHORT_MSG_T_RPC_RESP ||
		    !get_handler(msg.type, &fn, &hctx)) {
			cm.unhandled++;
			cohort_msg_reply(&msg, -EOPNOTSUPP, NULL, 0);
			return;
		}
		fn(&msg, hctx);
		return;
	}
	if (!get_handler(m->type, &fn, &hctx)) {
		cm.unhandled++;
		return;
	}
	fn(&msg, hctx);
}

static void rx_error(void *ctx, int sender, int err)
{
	if (sender < 0 || sender >= COHORT_MAX_KERNELS)
		return;
	cohort_msg_quarantine(sender, "invalid slots in this kernel's ring");
}

static void *rx_alloc(void *ctx, size_t size)
{
	void *p = NULL;

	if (size > COHORT_MSG_MAX_LEN)
		return NULL;
	spin_lock(&bufs_lock);
	if (nbufs_free)
		p = bufs_free[--nbufs_free];
	spin_unlock(&bufs_lock);
	if (!p)
		cm.no_buffer++;
	return p;
}

static void rx_free(void *ctx, void *ptr, size_t size)
{
	spin_lock(&bufs_lock);
	if (!WARN_ON_ONCE(nbufs_free >= ARRAY_SIZE(bufs_free)))
		bufs_free[nbufs_free++] = ptr;
	spin_unlock(&bufs_lock);
}

static const struct cohort_ring_rx_ops rx_ops = {
	.deliver = rx_deliver,
	.error = rx_error,
	.alloc = rx_alloc,
	.free = rx_free,
};

/* Keep a spare reassembly buffer for every member that may need one. */
static void bufs_top_up(unsigned int members)
{
	unsigned int want = min_t(unsigned int, members + RX_SPARE_BUFS,
				  ARRAY_SIZE(bufs_free));
	void *p;

	for (;;) {
		spin_lock_bh(&bufs_lock);
		if (nbufs_total >= want || nbufs_free >= RX_SPARE_BUFS) {
			spin_unlock_bh(&bufs_lock);
			return;
		}
		spin_unlock_bh(&bufs_lock);
		p = vmalloc(COHORT_MSG_MAX_LEN);
		if (!p)
			return;
		spin_lock_bh(&bufs_lock);
		bufs_free[nbufs_free++] = p;
		nbufs_total++;
		spin_unlock_bh(&bufs_lock);
	}
}

/* rx_lock held: forget senders that rejoined, apply quarantines. */
static void rx_sync_peers(void)
{
	struct cohort_ctrl_kernel *e;
	struct cohort_peer *p;
	u64 epoch;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		p = &cm.peers[id];
		e = entry(id);
		epoch = READ_ONCE(e->state) == COHORT_KS_JOINED ?
			READ_ONCE(e->epoch) : 0;
		if (epoch != p->rx_epoch) {
			p->rx_epoch = epoch;
			cohort_ring_rx_reset_peer(&cm.rx, id);
		}
	}
	if (READ_ONCE(cm.quarantine_pending)) {
		WRITE_ONCE(cm.quarantine_pending, false);
		for (id = 0; id < COHORT_MAX_KERNELS; id++) {
			p = &cm.peers[id];
			if (READ_ONCE(p->quarantined) != p->rx_quarantined) {
				p->rx_quarantined = READ_ONCE(p->quarantined);
				cohort_ring_rx_quarantine(&cm.rx, id,
							  p->rx_quarantined);
			}
		}
	}
}

/**
 * cohort_msg_poll() - drain this kernel's ring once
 * @budget: most slots to consume
 *
 * Return: slots consumed.
 */
int cohort_msg_poll(unsigned int budget)
{
	int n;

	spin_lock_bh(&cm.rx_lock);
	rx_sync_peers();
	n = cohort_ring_poll(&cm.rx, budget, ktime_get_ns());
	if (READ_ONCE(cm.quarantine_pending))
		rx_sync_peers();
	spin_unlock_bh(&cm.rx_lock);
	cm.polls++;
	return n;
}

static void poll_fn(struct work_struct *w)
{
	bool again = false;
	int n;

	if (READ_ONCE(cm.busy_poll))
		return;
	n = cohort_msg_poll(POLL_BUDGET);
	if (n >= POLL_BUDGET) {
		again = true;
	} else {
		spin_lock_bh(&cm.rx_lock);
		if (cohort_ring_notify_enable(&cm.rx)) {
			cohort_ring_notify_disable(&cm.rx);
			again = true;
		}
		spin_unlock_bh(&cm.rx_lock);
	}
	if (again)
		queue_work(system_bh_highpri_wq, &poll_work);
}

/**
 * cohort_msg_kick() - schedule a drain of this kernel's ring
 */
void cohort_msg_kick(void)
{
	if (cm.joined)
		queue_work(system_bh_highpri_wq, &poll_work);
}

/**
 * cohort_msg_doorbell() - the doorbell interrupt
 *
 * Notifications stay off until the drain is done.
 */
void cohort_msg_doorbell(void)
{
	cm.doorbells_received++;
	if (!cm.joined)
		return;
	if (!READ_ONCE(cm.busy_poll))
		cohort_ring_notify_disable(&cm.rx);
	queue_work(system_bh_highpri_wq, &poll_work);
}

/* ---- busy polling (benchmarks, test interface) ---- */

static int busy_poll_fn(void *arg)
{
	while (!kthread_should_stop()) {
		if (!cohort_msg_poll(POLL_BUDGET))
			cpu_relax();
		cond_resched();
	}
	return 0;
}

/**
 * cohort_msg_set_busy_poll() - receive by polling instead of doorbells
 * @on: poll from a kernel thread, with notifications off
 *
 * Return: 0 or a negative errno.
 */
int cohort_msg_set_busy_poll(bool on)
{
	struct task_struct *t;

	if (!cm.joined)
		return -ENODEV;
	if (on == !!cm.poller)
		return 0;
	if (on) {
		WRITE_ONCE(cm.busy_poll, true);
		spin_lock_bh(&cm.rx_lock);
		cohort_ring_notify_disable(&cm.rx);
		spin_unlock_bh(&cm.rx_lock);
		t = kthread_run(busy_poll_fn, NULL, "cohort-poll");
		if (IS_ERR(t)) {
			WRITE_ONCE(cm.busy_poll, false);
			cohort_msg_kick();
			return PTR_ERR(t);
		}
		cm.poller = t;
	} else {
		kthread_stop(cm.poller);
		cm.poller = NULL;
		WRITE_ONCE(cm.busy_poll, false);
		cohort_msg_kick();
	}
	return 0;
}

/* ---- heartbeat, membership ---- */

static unsigned int hb_period_ms(void)
{
	u32 ms = cm.is_primary ? cm.hb_ms : READ_ONCE(cm.hdr->heartbeat_ms);

	return clamp_t(u32, ms, HB_MS_MIN, HB_MS_MAX);
}

/**
 * cohort_msg_hb_config() - heartbeat period and allowed misses in effect
 * @ms: out: period in ms
 * @misses: out: missed periods before an instance is declared failed
 */
void cohort_msg_hb_config(unsigned int *ms, unsigned int *misses)
{
	*ms = cm.ctrl ? hb_period_ms() : cm.hb_ms;
	*misses = cm.is_primary || !cm.ctrl ? cm.hb_misses :
		  clamp_t(u32, READ_ONCE(cm.hdr->heartbeat_misses), 1, 1000);
}

/**
 * cohort_msg_set_hb() - change the heartbeat configuration (primary)
 * @ms: period, 0 to keep
 * @misses: missed periods, 0 to keep
 *
 * Return: 0, -EPERM in an instance, -ERANGE for a value out of range.
 */
int cohort_msg_set_hb(unsigned int ms, unsigned int misses)
{
	if (!cm.is_primary)
		return -EPERM;
	if ((ms && (ms < HB_MS_MIN || ms > HB_MS_MAX)) || misses > 1000)
		return -ERANGE;
	if (ms)
		cm.hb_ms = ms;
	if (misses)
		cm.hb_misses = misses;
	if (cm.hdr) {
		WRITE_ONCE(cm.hdr->heartbeat_ms, cm.hb_ms);
		WRITE_ONCE(cm.hdr->heartbeat_misses, cm.hb_misses);
	}
	return 0;
}

static void hb_fn(struct timer_list *t)
{
	struct cohort_ctrl_kernel *me = entry(cm.self);

	WRITE_ONCE(me->heartbeat, READ_ONCE(me->heartbeat) + 1);
	/* Backstop: a cleared notify flag or a dead sender's claim. */
	if (!READ_ONCE(cm.busy_poll))
		queue_work(system_bh_highpri_wq, &poll_work);
	mod_timer(t, jiffies + msecs_to_jiffies(hb_period_ms()));
}

/* Note a peer's heartbeat; hb_lock held. */
static void hb_note(struct cohort_peer *p, bool member, u64 hb)
{
	if (!member) {
		p->hb_seen = false;
		return;
	}
	if (!p->hb_seen || hb != p->last_hb) {
		p->hb_seen = true;
		p->last_hb = hb;
		p->last_hb_change = jiffies;
		p->last_hb_check = jiffies;
		p->hb_missed = 0;
	}
}

/**
 * cohort_msg_heartbeat_lost() - has an instance stopped its heartbeat?
 * @id: instance id
 *
 * Primary only, called at least once per heartbeat period.  True when the
 * instance is a member and its heartbeat has not moved for the configured
 * number of periods, as seen by that many checks at least a period
 * apart: a primary that was itself held up (a busy host under TCG) sees
 * one miss after the gap, not many.
 *
 * Return: true if it is to be declared failed.
 */
bool cohort_msg_heartbeat_lost(u32 id)
{
	struct cohort_peer_view v;
	struct cohort_peer *p;
	unsigned int ms, misses;
	unsigned long period;
	bool member, lost;

	if (!cm.joined || !cm.is_primary || !id || id >= COHORT_MAX_KERNELS)
		return false;
	p = &cm.peers[id];
	member = cohort_msg_read_entry(id, &v);
	cohort_msg_hb_config(&ms, &misses);
	period = msecs_to_jiffies(ms);
	spin_lock_bh(&cm.hb_lock);
	hb_note(p, member, v.heartbeat);
	if (member && time_after_eq(jiffies, p->last_hb_check + period)) {
		p->hb_missed++;
		p->last_hb_check = jiffies;
	}
	lost = member && p->hb_missed >= misses &&
	       time_after_eq(jiffies, p->last_hb_change + misses * period);
	spin_unlock_bh(&cm.hb_lock);
	return lost;
}

/**
 * cohort_msg_watch_ms() - how often the primary should check heartbeats
 * @limit: the longest interval the caller wants
 *
 * Return: milliseconds, at most @limit.
 */
unsigned int cohort_msg_watch_ms(unsigned int limit)
{
	unsigned int ms, misses;

	cohort_msg_hb_config(&ms, &misses);
	return ms && ms < limit ? ms : limit;
}

static void scan_fn(struct work_struct *w)
{
	struct cohort_peer_view v;
	struct cohort_peer *p;
	unsigned int members = 0;
	bool member;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		p = &cm.peers[id];
		member = cohort_msg_read_entry(id, &v);
		spin_lock_bh(&cm.hb_lock);
		hb_note(p, member, v.heartbeat);
		spin_unlock_bh(&cm.hb_lock);
		if (member && id != cm.self) {
			members++;
			if (!p->was_member)
				pr_info("kernel %u (%s) joined\n", id, v.name);
			p->failed = false;
		} else if (p->was_member && id != cm.self) {
			pr_info("kernel %u left\n", id);
		}
		p->was_member = member;
	}
	bufs_top_up(members);
	schedule_delayed_work(&scan_work, msecs_to_jiffies(hb_period_ms()));
}

/**
 * cohort_msg_peer_gone() - the primary removes an instance's membership
 * @id: instance id
 * @failed: it failed (shown in peers/ID/state until it joins again)
 *
 * Called when the instance is started (before it runs), stops, fails or
 * is deleted.  Its entry is cleared and its ring unformatted; its
 * quarantine is lifted, since the next start is a new kernel.
 */
void cohort_msg_peer_gone(u32 id, bool failed)
{
	struct cohort_ctrl_kernel *e;
	struct cohort_ring_hdr *r;
	struct cohort_peer *p;

	if (!cm.joined || !cm.is_primary || !id || id >= COHORT_MAX_KERNELS)
		return;
	p = &cm.peers[id];
	e = entry(id);
	r = ring_mem(id);
	p->failed = failed;
	WRITE_ONCE(e->state, COHORT_KS_FREE);
	WRITE_ONCE(r->magic, 0);
	/* Readers see FREE (and stop using the entry) before it is wiped. */
	smp_wmb();
	memset((void *)e + sizeof(e->id) + sizeof(e->state), 0,
	       sizeof(*e) - sizeof(e->id) - sizeof(e->state));
	WRITE_ONCE(e->id, 0);

	spin_lock_bh(&p->tx_lock);
	p->tx_epoch = 0;
	spin_unlock_bh(&p->tx_lock);
	WRITE_ONCE(p->quarantined, false);
	WRITE_ONCE(cm.quarantine_pending, true);
	spin_lock_bh(&cm.hb_lock);
	p->hb_seen = false;
	spin_unlock_bh(&cm.hb_lock);
	cohort_msg_kick();
}

/**
 * cohort_msg_unquarantine() - take a peer out of quarantine (test hook)
 * @id: kernel id
 */
void cohort_msg_unquarantine(u32 id)
{
	if (id >= COHORT_MAX_KERNELS)
		return;
	WRITE_ONCE(cm.peers[id].quarantined, false);
	WRITE_ONCE(cm.quarantine_pending, true);
	cohort_msg_kick();
}

/* ---- joining ---- */

static const char *check_header(const struct cohort_ctrl_hdr *h, u64 size)
{
	static char why[128];
	u64 magic = READ_ONCE(h->magic);
	u32 version = READ_ONCE(h->version);

	if (magic != COHORT_CTRL_MAGIC)
		return "the control region has no valid magic";
	if (version != COHORT_CTRL_VERSION) {
		snprintf(why, sizeof(why),
			 "control region version %u, this kernel knows %u",
			 version, COHORT_CTRL_VERSION);
		return why;
	}
	if (READ_ONCE(h->size) != size || size < COHORT_CTRL_SIZE ||
	    READ_ONCE(h->max_kernels) != COHORT_MAX_KERNELS ||
	    READ_ONCE(h->entry_size) != COHORT_CTRL_ENTRY_SIZE ||
	    READ_ONCE(h->kernels_off) != COHORT_CTRL_KERNELS_OFF ||
	    READ_ONCE(h->rings_off) != COHORT_CTRL_RINGS_OFF ||
	    READ_ONCE(h->ring_stride) != COHORT_CTRL_RING_STRIDE)
		return "the control region's layout does not match this kernel's";
	return NULL;
}

static void refuse(const char *why)
{
	snprintf(cm.status, sizeof(cm.status), "refused: %s", why);
	pr_err("not joining the messaging: %s\n", why);
}

/**
 * cohort_msg_init() - join the messaging between kernels
 *
 * The primary formats the control region; an instance maps the one its
 * setup record names and checks it.  Both then format their own ring and
 * publish their entry.
 *
 * Return: 0 or a negative errno (the kernel runs on without messaging).
 */
int __init cohort_msg_init(void)
{
	struct cohort_ring_rx_config cfg = { };
	const struct cohort_setup *s;
	struct cohort_ctrl_kernel *me;
	phys_addr_t base;
	const char *why;
	u64 size;
	u32 id;
	int ret;

	cm.hb_ms = HB_MS_DEFAULT;
	cm.hb_misses = HB_MISSES_DEFAULT;
	spin_lock_init(&cm.rx_lock);
	spin_lock_init(&cm.hb_lock);
	spin_lock_init(&cm.self_lock);
	for (id = 0; id < COHORT_MAX_KERNELS; id++)
		spin_lock_init(&cm.peers[id].tx_lock);
	strscpy(cm.status, "off: no control region", sizeof(cm.status));
	cm.is_primary = !cohort_is_instance();

	if (cm.is_primary) {
		base = cohort_ctrl_base;
		size = cohort_ctrl_size;
		if (!size)
			return cohort_msg_sysfs_init();
		cm.ctrl = __va(base);
		memset(cm.ctrl, 0, size);
		cm.hdr = cm.ctrl;
		cm.hdr->version = COHORT_CTRL_VERSION;
		cm.hdr->size = size;
		cm.hdr->max_kernels = COHORT_MAX_KERNELS;
		cm.hdr->entry_size = COHORT_CTRL_ENTRY_SIZE;
		cm.hdr->kernels_off = COHORT_CTRL_KERNELS_OFF;
		cm.hdr->rings_off = COHORT_CTRL_RINGS_OFF;
		cm.hdr->ring_stride = COHORT_CTRL_RING_STRIDE;
		cm.hdr->heartbeat_ms = cm.hb_ms;
		cm.hdr->heartbeat_misses = cm.hb_misses;
		cm.hdr->may_run = BIT_ULL(0);
		cm.hdr->pool_size = cohort_pool_size;
		cm.hdr->regions_off = COHORT_CTRL_REGIONS_OFF;
		cm.hdr->max_regions = COHORT_MAX_REGIONS;
		/* Pairs with the instances' reads: magic goes last. */
		smp_store_release(&cm.hdr->magic, COHORT_CTRL_MAGIC);
		cm.self = 0;
		strscpy(cm.name, "primary", sizeof(cm.name));
	} else {
		s = cohort_instance_setup();
		base = s->ctrl_base;
		size = s->ctrl_size;
		if (!base || !size)
			return cohort_msg_sysfs_init();
		if (size < COHORT_CTRL_SIZE || size > SZ_1G ||
		    (base < s->mem_base + s->mem_size &&
		     s->mem_base < base + size)) {
			refuse("the setup record's control region is bad");
			return cohort_msg_sysfs_init();
		}
		cm.ctrl = memremap(base, size, MEMREMAP_WB);
		if (!cm.ctrl) {
			refuse("cannot map the control region");
			return cohort_msg_sysfs_init();
		}
		cm.hdr = cm.ctrl;
		why = check_header(cm.hdr, size);
		if (why) {
			refuse(why);
			memunmap(cm.ctrl);
			cm.ctrl = NULL;
			cm.hdr = NULL;
			return cohort_msg_sysfs_init();
		}
		cm.self = s->id;
		strscpy(cm.name, s->name, sizeof(cm.name));
		if (cm.self == 0 || cm.self >= COHORT_MAX_KERNELS) {
			refuse("bad instance id");
			return cohort_msg_sysfs_init();
		}
	}
	cm.ctrl_base = base;
	cm.ctrl_size = size;

	bufs_top_up(0);
	cfg.max_msg = COHORT_MSG_MAX_LEN;
	cfg.max_senders = COHORT_MAX_KERNELS;
	cfg.ntypes = COHORT_MSG_NTYPES;
	cfg.owner = cm.self;
	cfg.claim_timeout = CLAIM_TIMEOUT_NS;
	ret = cohort_ring_rx_init(&cm.rx, ring_mem(cm.self),
				  COHORT_CTRL_RING_STRIDE, &cfg, &rx_ops, NULL);
	if (ret) {
		refuse("cannot format this kernel's ring");
		return ret;
	}

	me = entry(cm.self);
	WRITE_ONCE(me->state, COHORT_KS_FREE);
	/* Peers see FREE before the entry changes under them. */
	smp_wmb();
	memset(me, 0, sizeof(*me));
	me->id = cm.self;
	me->apic_id = cohort_arch_cpu_hwid(0);
	me->flags = COHORT_KF_DOORBELL;
	me->epoch = get_random_u64() | 1;
	strscpy(me->name, cm.name, sizeof(me->name));
	/* Pairs with smp_rmb() in cohort_msg_read_entry(). */
	smp_store_release(&me->state, COHORT_KS_JOINED);
	cm.joined = true;
	snprintf(cm.status, sizeof(cm.status), "joined");

	cohort_msg_register(COHORT_MSG_T_SINK, cohort_msgtest_sink, NULL);
	cohort_msg_register(COHORT_MSG_T_ECHO, cohort_msgtest_echo, NULL);
	cohort_msg_register(COHORT_MSG_T_BLACKHOLE, cohort_msgtest_blackhole,
			    NULL);

	timer_setup(&hb_timer, hb_fn, 0);
	mod_timer(&hb_timer, jiffies + msecs_to_jiffies(hb_period_ms()));
	schedule_delayed_work(&scan_work, 0);
	pr_info("messaging: kernel %u joined, control region %llu MiB at %pa, doorbell APIC %u\n",
		cm.self, size >> 20, &base, me->apic_id);
	return cohort_msg_sysfs_init();
}
