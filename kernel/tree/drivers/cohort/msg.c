// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort messaging between kernels: handlers, sending, requests and
 * responses, receiving, joining.
 *
 * The control region (first MiBs of the pool, docs/abi.md) holds a header
 * written by the primary, a table with one entry per kernel and one
 * receive ring per kernel (docs/ring-protocol.md).  A kernel joins by
 * formatting its ring and filling its entry (drivers/cohort/shm.c) with
 * the APIC ID that takes its doorbells and an epoch.  Membership,
 * heartbeats and quarantine are in member.c, services in service.c.
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
#define CLAIM_TIMEOUT_NS	(250 * NSEC_PER_MSEC)
#define SEND_WAIT_MS		5000
/* Sends again of a message whose claim the receiver skipped. */
#define SEND_CANCEL_RETRIES	3
#define RX_SPARE_BUFS		2

struct cohort_msg_state cm;

static DEFINE_SPINLOCK(handlers_lock);
static struct {
	cohort_msg_handler_t fn;
	const struct cohort_msg_buf_ops *bops;
	void *ctx;
} handlers[COHORT_MSG_NTYPES];

/* The handler buffer of the message being received (rx_lock held). */
static struct {
	const struct cohort_msg_buf_ops *bops;
	void *ctx;
} rx_cur;

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
	return cm.joined ? cm.epoch : 0;
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
	return cohort_msg_register_buf(type, fn, NULL, ctx);
}

/**
 * cohort_msg_register_buf() - handle one message type, into own buffers
 * @type: as for cohort_msg_register()
 * @fn: as for cohort_msg_register(); a message with a cookie is in a
 *	buffer @bops gave, which @fn then owns
 * @bops: where messages of @type are received (NULL: the ring's buffer)
 * @ctx: passed to @fn and @bops
 *
 * A handler that keeps what it receives (as an skb, say) gets it in its
 * own memory this way, in the one copy out of the ring, instead of a
 * second copy from the ring's buffer.
 *
 * Return: as cohort_msg_register().
 */
int cohort_msg_register_buf(unsigned int type, cohort_msg_handler_t fn,
			    const struct cohort_msg_buf_ops *bops, void *ctx)
{
	int ret = 0;

	if (type <= COHORT_MSG_T_RPC_RESP || type >= COHORT_MSG_NTYPES || !fn ||
	    (bops && (!bops->get || !bops->put)))
		return -EINVAL;
	spin_lock_bh(&handlers_lock);
	if (handlers[type].fn) {
		ret = -EBUSY;
	} else {
		handlers[type].ctx = ctx;
		handlers[type].bops = bops;
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
	handlers[type].bops = NULL;
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
static int tx_ready(u32 dst, struct cohort_kernel_view *v)
{
	struct cohort_peer *p = &cm.peers[dst];
	int ret;

	if (!cm.joined)
		return -ENODEV;
	if (dst >= COHORT_MAX_KERNELS)
		return -EINVAL;
	/* Also lifts a quarantine when the peer joined again. */
	if (!cohort_msg_read_entry(dst, v)) {
		p->tx_epoch = 0;
		return READ_ONCE(p->quarantined) ? -EPERM : -ENOTCONN;
	}
	if (p->tx_epoch == v->epoch)
		return 0;
	ret = cohort_ring_tx_attach(&p->tx, cohort_ctrl_ring(dst),
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
	struct cohort_kernel_view v;
	bool bell = false;
	int ret;

	spin_lock_bh(&p->tx_lock);
	ret = tx_ready(dst, &v);
	if (!ret)
		ret = cohort_ring_send2(&p->tx, type, hdr, hlen, data, len,
					&bell);
	if (!ret) {
		p->sent++;
		p->bytes_sent += hlen + len;
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
	return ret;
}

static int send_msg(u32 dst, unsigned int type, const void *hdr, size_t hlen,
		    const void *data, size_t len, unsigned int flags)
{
	unsigned long until = jiffies + msecs_to_jiffies(SEND_WAIT_MS);
	unsigned int spins = 0, cancels = 0;
	int ret;

	if (dst >= COHORT_MAX_KERNELS || !type || type >= COHORT_MSG_NTYPES)
		return -EINVAL;
	if (hlen + len > COHORT_MSG_MAX_LEN)
		return -EMSGSIZE;
	for (;;) {
		ret = send_once(dst, type, hdr, hlen, data, len);
		/*
		 * The receiver skipped our claim (we were slower than its
		 * claim timeout): it never read the message, so it goes
		 * again, as the next in sequence.
		 */
		if (ret == -ECANCELED && ++cancels <= SEND_CANCEL_RETRIES)
			continue;
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
 * cohort_msg_send_hdr() - send a message made of a header and data
 * @dst: kernel id
 * @type: message type, 1..%COHORT_MSG_NTYPES - 1
 * @hdr: the first part
 * @hlen: its length
 * @data: the rest
 * @len: its length; @hlen + @len at most %COHORT_MSG_MAX_LEN
 * @flags: as for cohort_msg_send()
 *
 * The receiver gets one message, @hdr followed by @data, without the
 * sender copying them together first.
 *
 * Return: as cohort_msg_send().
 */
int cohort_msg_send_hdr(u32 dst, unsigned int type, const void *hdr,
			size_t hlen, const void *data, size_t len,
			unsigned int flags)
{
	return send_msg(dst, type, hdr, hlen, data, len, flags);
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

/*
 * The ring is about to copy a message out: into its handler's own buffer
 * if it keeps one.  Remembered for rx_buf_drop() and rx_deliver(), which
 * the ring calls next for this message, under the same rx_lock.  A
 * handler out of buffers makes the message wait in the ring.
 */
static int rx_buf(void *ctx, u16 sender, u16 type, u32 len, void **buf,
		  void **cookie)
{
	void *p = NULL;

	*buf = NULL;
	rx_cur.bops = NULL;
	if (type <= COHORT_MSG_T_RPC_RESP || type >= COHORT_MSG_NTYPES)
		return 0;
	spin_lock(&handlers_lock);
	rx_cur.bops = handlers[type].bops;
	rx_cur.ctx = handlers[type].ctx;
	spin_unlock(&handlers_lock);
	if (rx_cur.bops)
		p = rx_cur.bops->get(rx_cur.ctx, sender, len, cookie);
	if (IS_ERR(p)) {
		cm.rx_waits++;
		return -EAGAIN;
	}
	*buf = p;
	return 0;
}

static void rx_buf_drop(void *ctx, void *cookie)
{
	rx_cur.bops->put(rx_cur.ctx, cookie);
}

static void rx_deliver(void *ctx, const struct cohort_ring_msg *m)
{
	struct cohort_msg msg = {
		.sender = m->sender, .type = m->type,
		.len = m->len, .data = m->data, .cookie = m->cookie,
	};
	const struct cohort_msg_rpc *h = m->data;
	cohort_msg_handler_t fn;
	void *hctx;

	cm.peers[m->sender].bytes_received += m->len;
	if (m->cookie) {
		/* In a handler's own buffer: only that handler may have it. */
		spin_lock(&handlers_lock);
		fn = handlers[m->type].fn;
		hctx = handlers[m->type].ctx;
		if (handlers[m->type].bops != rx_cur.bops)
			fn = NULL;
		spin_unlock(&handlers_lock);
		if (!fn) {
			rx_cur.bops->put(rx_cur.ctx, m->cookie);
			cm.unhandled++;
			return;
		}
		fn(&msg, hctx);
		return;
	}
	if (m->type == COHORT_MSG_T_RPC_REQ || m->type == COHORT_MSG_T_RPC_RESP) {
		if (m->len < sizeof(*h) || !h->type ||
		    h->type >= COHORT_MSG_NTYPES) {
			cm.peers[m->sender].proto_errors++;
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

/*
 * An invalid slot (the ring dropped and counted it), or a sequence jump
 * (-EILSEQ: counted, the message delivered).  The sender id may be
 * forged, so nobody is quarantined for it (member.c).
 */
static void rx_error(void *ctx, int sender, int err)
{
	if (err == -EILSEQ)
		pr_warn_ratelimited("sequence of kernel %d's messages jumped (forged under its id?); resynchronised\n",
				    sender);
	else if (sender >= 0 && sender < COHORT_MAX_KERNELS)
		pr_warn_ratelimited("dropped an invalid slot claiming to come from kernel %d (%d)\n",
				    sender, err);
	else
		pr_warn_ratelimited("dropped an invalid slot (%d)\n", err);
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
	.rx_buf = rx_buf,
	.rx_buf_drop = rx_buf_drop,
};

/**
 * cohort_msg_bufs_top_up() - keep a reassembly buffer for every member
 * @members: how many other kernels are members
 */
void cohort_msg_bufs_top_up(unsigned int members)
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
	struct cohort_peer *p;
	u64 epoch;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		p = &cm.peers[id];
		epoch = cohort_ctrl_kernel_epoch(id);
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
	WRITE_ONCE(cm.rx_waiting, cohort_ring_rx_waiting(&cm.rx));
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
	} else if (READ_ONCE(cm.rx_waiting)) {
		/*
		 * A message waits for a buffer: polling again now would
		 * spin.  Its handler kicks once it has one, and the
		 * heartbeat timer does at every period.
		 */
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

/* ---- joining ---- */

static void refuse(const char *why)
{
	snprintf(cm.status, sizeof(cm.status), "refused: %s", why);
	pr_err("not joining the messaging: %s\n", why);
}

/* The control region: the primary formats it, an instance maps its own. */
static int ctrl_setup(void)
{
	const struct cohort_setup *s;
	const char *why;
	int ret;

	if (cm.is_primary) {
		if (!cohort_ctrl_size)
			return -ENODEV;
		ret = cohort_ctrl_format(cohort_ctrl_base, cohort_ctrl_size,
					 cm.hb_ms, cm.hb_misses,
					 cohort_arch_cpu_hwid(0));
		if (ret)
			refuse("cannot format the control region");
		cm.self = 0;
		strscpy(cm.name, "primary", sizeof(cm.name));
		return ret;
	}
	s = cohort_instance_setup();
	if (!s->ctrl_base || !s->ctrl_size)
		return -ENODEV;
	if (!s->id || s->id >= COHORT_MAX_KERNELS) {
		refuse("bad instance id");
		return -EINVAL;
	}
	ret = cohort_ctrl_attach(s->ctrl_base, s->ctrl_size, &why);
	if (ret) {
		refuse(why);
		return ret;
	}
	cm.self = s->id;
	strscpy(cm.name, s->name, sizeof(cm.name));
	return 0;
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
	u32 id, apic;
	int ret;

	cohort_msg_member_init();
	spin_lock_init(&cm.rx_lock);
	spin_lock_init(&cm.hb_lock);
	spin_lock_init(&cm.self_lock);
	for (id = 0; id < COHORT_MAX_KERNELS; id++)
		spin_lock_init(&cm.peers[id].tx_lock);
	strscpy(cm.status, "off: no control region", sizeof(cm.status));
	cm.is_primary = !cohort_is_instance();

	if (ctrl_setup())
		return cohort_msg_sysfs_init();

	cohort_msg_bufs_top_up(0);
	cfg.max_msg = COHORT_MSG_MAX_LEN;
	cfg.max_senders = COHORT_MAX_KERNELS;
	cfg.ntypes = COHORT_MSG_NTYPES;
	cfg.owner = cm.self;
	cfg.claim_timeout = CLAIM_TIMEOUT_NS;
	cfg.key = get_random_u64();
	ret = cohort_ring_rx_init(&cm.rx, cohort_ctrl_ring(cm.self),
				  COHORT_CTRL_RING_STRIDE, &cfg, &rx_ops, NULL);
	if (ret) {
		refuse("cannot format this kernel's ring");
		return ret;
	}

	apic = cohort_arch_cpu_hwid(0);
	cm.epoch = get_random_u64() | 1;
	cohort_ctrl_join(cm.self, apic, cm.epoch, cm.name);
	cm.joined = true;
	snprintf(cm.status, sizeof(cm.status), "joined");
	cohort_msgtest_register();
	cohort_msg_member_start();
	pr_info("messaging: kernel %u joined, doorbell APIC %u\n", cm.self, apic);
	return cohort_msg_sysfs_init();
}
