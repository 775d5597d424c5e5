// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort AF_VSOCK transport: sockets between kernels.
 *
 * Every kernel has one CID, COHORT_VSOCK_CID(id) (the primary is the host,
 * 2; instance id N is N + 2) unless it took over another's
 * (COHORT_IOC_TAKEOVER): the table the primary writes says which, and the
 * watch keeps a private copy of it (cids[]).  The socket protocol (connection set-up,
 * credit-based flow control, shutdown, seqpacket boundaries) is the
 * kernel's virtio-vsock one (virtio_transport_common.c); its packets
 * travel as Cohort messages of type COHORT_MSG_T_VSOCK straight to the
 * destination kernel's ring, so two instances talk without the primary.
 *
 * A received packet is checked before anything looks at it: its length
 * matches the message, it names this kernel as destination and the
 * sending kernel as source; then it is copied into a private skb, taken
 * from buffers kept ready in process context (packets are sent in
 * chunks of at most 4 KiB of payload, as virtio devices receive them,
 * so those buffers are small).  Counters in /sys/kernel/cohort/vsock/.  Two
 * things differ from virtio: a connection request to a port nobody
 * listens on fails with ECONNREFUSED (virtio says ECONNRESET), and when
 * a peer kernel leaves, fails or starts again, every connection to it is
 * reset here within a watch period.
 *
 * A takeover does not wait for the watch: the primary runs its own watch
 * at once and knocks every member (COHORT_MSG_T_CIDS), whose watch then
 * runs too.  A packet that only the new table explains (it came before
 * the knock was handled) waits for that watch instead of being refused.
 *
 * The primary registers as the host-to-guest transport, an instance as
 * guest-to-host: the vsock core then routes every CID but the local one
 * through Cohort.
 */
#include <linux/cohort_shm.h>
#include <linux/init.h>
#include <linux/skbuff.h>
#include <linux/sysfs.h>
#include <linux/virtio_vsock.h>
#include <linux/workqueue.h>
#include <net/af_vsock.h>
#include <net/sock.h>

#include "cohort.h"

#define WATCH_MS	100
/* Most payload of one packet sent, as virtio's receive buffers hold. */
#define CHUNK		4096U
/* Receive buffers kept ready for the message handler. */
#define SPARE		128
/* Packets that may wait for the watch to take a CID change. */
#define HELD		32

static struct {
	u32 self;			/* this kernel's id */
	u32 cid;			/* its CID, as cids[self] */
	/* Every kernel's CID, from the primary's table at the last watch. */
	u32 cids[COHORT_MAX_KERNELS];
	/* CIDs that moved at the last watch: their connections are reset. */
	u32 moved[2 * COHORT_MAX_KERNELS];
	unsigned int nr_moved;
	bool own_moved;			/* this kernel's own CID changed */
	u32 own_old;			/* ... from this one */
	struct workqueue_struct *wq;
	struct sk_buff_head txq;
	struct sk_buff_head rxq;
	struct work_struct tx_work;
	struct work_struct rx_work;
	struct delayed_work watch;
	/* Epoch of each peer at the last watch, 0 when not a member. */
	u64 epoch[COHORT_MAX_KERNELS];
	/* CIDs whose connections the watch is resetting. */
	DECLARE_BITMAP(gone, COHORT_MAX_KERNELS);
	struct sk_buff_head spare;
	atomic64_t rx_bad;		/* malformed packets refused */
	atomic64_t rx_wait;		/* no buffer yet: a packet waited */
	bool starved;			/* one waits now: kick after refill */
	atomic64_t rx_overrun;		/* connections cut off: past credit */
	atomic64_t tx_lost;		/* could not be sent */
	/* Packets for the watch to look at again, and their senders. */
	spinlock_t held_lock;
	struct sk_buff *held[HELD];
	u32 held_from[HELD];
	unsigned int nr_held;
} cv;

static struct virtio_transport cv_transport;

static u32 cv_get_local_cid(void)
{
	return cv.cid;
}

/*
 * The other kernel that has @cid now.  Only a member has an address: the
 * table also holds the CIDs of ids nobody uses, whose default (id + 2)
 * may be what a takeover gave another kernel.
 */
static bool cid_to_id(u64 cid, u32 *id)
{
	u32 i;

	for (i = 0; i < COHORT_MAX_KERNELS; i++) {
		if (i != cv.self && READ_ONCE(cv.cids[i]) == cid &&
		    cohort_ctrl_kernel_epoch(i)) {
			*id = i;
			return true;
		}
	}
	return false;
}

static int cv_send_pkt(struct sk_buff *skb)
{
	int len = skb->len;

	virtio_vsock_skb_queue_tail(&cv.txq, skb);
	queue_work(cv.wq, &cv.tx_work);
	return len;
}

static int cv_cancel_pkt(struct vsock_sock *vsk)
{
	virtio_transport_purge_skbs(vsk, &cv.txq);
	return 0;
}

static bool cv_seqpacket_allow(u32 remote_cid)
{
	return true;
}

/* The socket a packet from @src to @dst is for, with a reference. */
static struct sock *find_sock(struct sockaddr_vm *src, struct sockaddr_vm *dst)
{
	struct sock *sk = vsock_find_connected_socket(src, dst);

	return sk ?: vsock_find_bound_socket(dst);
}

/*
 * Fails a connect() in progress from @local to @remote with @err.
 * Return: true if there was one.
 */
static bool fail_connect(u64 local_cid, u32 local_port, u64 remote_cid,
			 u32 remote_port, int err)
{
	struct sockaddr_vm src, dst;
	struct vsock_sock *vsk;
	struct sock *sk;
	bool done = false;

	vsock_addr_init(&src, remote_cid, remote_port);
	vsock_addr_init(&dst, local_cid, local_port);
	sk = find_sock(&src, &dst);
	if (!sk)
		return false;
	vsk = vsock_sk(sk);
	lock_sock(sk);
	if (sk->sk_state == TCP_SYN_SENT &&
	    vsk->transport == &cv_transport.transport &&
	    vsock_addr_equals_addr(&vsk->remote_addr, &src)) {
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = err;
		sk_error_report(sk);
		done = true;
	}
	release_sock(sk);
	sock_put(sk);
	return done;
}

/*
 * Send a packet as packets of at most CHUNK bytes of payload, as virtio
 * devices receive them, so that the receiver's buffers stay small: only
 * the last carries the end-of-record flags.  The skb is read where it
 * is (linear or fragments), never reallocated: its header stays put.
 */
static int send_chunks(u32 id, struct sk_buff *skb)
{
	static u8 bounce[CHUNK];	/* the work item never runs twice at once */
	const struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);
	struct virtio_vsock_hdr c = *hdr;
	u32 off = 0, n, len = skb->len;
	const void *data;
	int ret;

	do {
		n = min(len - off, CHUNK);
		c.len = cpu_to_le32(n);
		c.flags = hdr->flags;
		if (off + n < len)
			c.flags &= ~cpu_to_le32(VIRTIO_VSOCK_SEQ_EOM |
						VIRTIO_VSOCK_SEQ_EOR);
		/* In place when linear, else copied out of the fragments. */
		data = n ? skb_header_pointer(skb, off, n, bounce) : bounce;
		if (n && !data)
			return -EFAULT;
		ret = cohort_msg_send_hdr(id, COHORT_MSG_T_VSOCK, &c, sizeof(c),
					  data, n, COHORT_MSG_WAIT);
		if (ret)
			return ret;
		off += n;
	} while (off < len);
	return 0;
}

/*
 * A packet of a connection could not be sent (its receiver is gone, or
 * did not take anything for seconds): that byte stream has a hole now,
 * so the connection is reset on this side, its socket reporting
 * ECONNRESET, and the peer is sent a reset (if that is lost too, the
 * peer gets one in answer to its next packet, or its watch resets it
 * when this kernel's membership goes).
 */
static void reset_after_loss(u32 id, const struct virtio_vsock_hdr *hdr)
{
	struct virtio_vsock_hdr rst = {
		.src_cid = hdr->src_cid, .src_port = hdr->src_port,
		.dst_cid = hdr->dst_cid, .dst_port = hdr->dst_port,
		.type = hdr->type,
		.op = cpu_to_le16(VIRTIO_VSOCK_OP_RST),
	};
	struct sockaddr_vm src, dst;
	struct sock *sk;

	vsock_addr_init(&src, le64_to_cpu(hdr->dst_cid),
			le32_to_cpu(hdr->dst_port));
	vsock_addr_init(&dst, le64_to_cpu(hdr->src_cid),
			le32_to_cpu(hdr->src_port));
	sk = vsock_find_connected_socket(&src, &dst);
	if (sk) {
		lock_sock(sk);
		if (vsock_sk(sk)->transport == &cv_transport.transport &&
		    sk->sk_state != TCP_CLOSE) {
			sk->sk_state = TCP_CLOSE;
			sk->sk_err = ECONNRESET;
			sk_error_report(sk);
		}
		release_sock(sk);
		sock_put(sk);
	}
	cohort_msg_send_hdr(id, COHORT_MSG_T_VSOCK, &rst, sizeof(rst), NULL, 0,
			    COHORT_MSG_WAIT);
}

static void cv_tx_fn(struct work_struct *w)
{
	struct virtio_vsock_hdr *hdr;
	struct sk_buff *skb;
	u32 id = 0;
	int ret;

	while ((skb = virtio_vsock_skb_dequeue(&cv.txq))) {
		hdr = virtio_vsock_hdr(skb);
		ret = -EHOSTUNREACH;
		if (cid_to_id(le64_to_cpu(hdr->dst_cid), &id))
			ret = send_chunks(id, skb);
		if (ret) {
			atomic64_inc(&cv.tx_lost);
			/* Nobody will answer: say so at once. */
			if (le16_to_cpu(hdr->op) == VIRTIO_VSOCK_OP_REQUEST)
				fail_connect(le64_to_cpu(hdr->src_cid),
					     le32_to_cpu(hdr->src_port),
					     le64_to_cpu(hdr->dst_cid),
					     le32_to_cpu(hdr->dst_port),
					     EHOSTUNREACH);
			else if (le16_to_cpu(hdr->op) != VIRTIO_VSOCK_OP_RST &&
				 ret != -EHOSTUNREACH)
				reset_after_loss(id, hdr);
		}
		virtio_transport_consume_skb_sent(skb, true);
	}
}

/* A reset answering a connection request: nobody listens there. */
static bool refused(struct sk_buff *skb)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);

	if (le16_to_cpu(hdr->op) != VIRTIO_VSOCK_OP_RST)
		return false;
	return fail_connect(le64_to_cpu(hdr->dst_cid),
			    le32_to_cpu(hdr->dst_port),
			    le64_to_cpu(hdr->src_cid),
			    le32_to_cpu(hdr->src_port), ECONNREFUSED);
}

/* Keep SPARE receive buffers for the message handler. */
static void refill(void)
{
	struct sk_buff *skb;

	while (skb_queue_len(&cv.spare) < SPARE) {
		skb = virtio_vsock_alloc_skb(VIRTIO_VSOCK_SKB_HEADROOM + CHUNK,
					     GFP_KERNEL);
		if (!skb)
			break;
		skb_queue_tail(&cv.spare, skb);
	}
}

/*
 * Data beyond the credit this kernel gave: the sender ignores flow
 * control.  Its connection is closed here, so that this packet and any
 * that follow are answered with a reset (virtio_transport_recv_pkt()
 * on a closed socket), and none of them is queued.
 */
static void cut_off_overrun(struct sk_buff *skb)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);
	struct virtio_vsock_sock *vvs;
	struct sockaddr_vm src, dst;
	struct vsock_sock *vsk;
	struct sock *sk;
	bool over = false;

	if (le16_to_cpu(hdr->op) != VIRTIO_VSOCK_OP_RW || !skb->len)
		return;
	vsock_addr_init(&src, le64_to_cpu(hdr->src_cid),
			le32_to_cpu(hdr->src_port));
	vsock_addr_init(&dst, le64_to_cpu(hdr->dst_cid),
			le32_to_cpu(hdr->dst_port));
	sk = vsock_find_connected_socket(&src, &dst);
	if (!sk)
		return;
	vsk = vsock_sk(sk);
	lock_sock(sk);
	vvs = vsk->trans;
	if (vsk->transport == &cv_transport.transport && vvs &&
	    sk->sk_state == TCP_ESTABLISHED) {
		spin_lock_bh(&vvs->rx_lock);
		over = (u64)vvs->rx_bytes + skb->len > vvs->buf_alloc;
		spin_unlock_bh(&vvs->rx_lock);
	}
	if (over) {
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = ECONNRESET;
		sk_error_report(sk);
		atomic64_inc(&cv.rx_overrun);
		pr_warn_ratelimited("vsock: CID %u port %u sent past its credit: connection reset\n",
				    src.svm_cid, src.svm_port);
	}
	release_sock(sk);
	sock_put(sk);
}

static void cv_rx_fn(struct work_struct *w)
{
	struct sk_buff *skb;

	refill();
	/* A packet waits in the ring for a buffer: there are some now. */
	if (xchg(&cv.starved, false))
		cohort_msg_kick();
	while ((skb = virtio_vsock_skb_dequeue(&cv.rxq))) {
		if (refused(skb)) {
			kfree_skb(skb);
			continue;
		}
		cut_off_overrun(skb);
		virtio_transport_deliver_tap_pkt(skb);
		virtio_transport_recv_pkt(&cv_transport, skb);
	}
}

/*
 * Softirq, before the ring copies a packet out: give it the skb it will
 * end in, so that the copy out of the ring is the only one.  @len is the
 * message's, unchecked; cv_rx() checks the packet once it is in.
 *
 * The skb is one of those kept ready in process context, or an atomic
 * allocation when they ran out.  When that fails too, the packet is not
 * lost: it waits in the ring (its senders wait behind it) until the work
 * item has made more and kicks the ring again.  A byte stream has no
 * other way to survive a lost packet.
 */
static void *cv_rx_get(void *ctx, u32 sender, u32 len, void **cookie)
{
	struct sk_buff *skb;

	/*
	 * Only packets of our own chunk size (all this transport sends):
	 * their skbs are linear.  Anything else goes to the ring's buffer
	 * and cv_rx() refuses it.
	 */
	if (len < sizeof(struct virtio_vsock_hdr) ||
	    len - sizeof(struct virtio_vsock_hdr) > CHUNK)
		return NULL;
	skb = skb_dequeue(&cv.spare);
	if (!skb)
		skb = virtio_vsock_alloc_skb(VIRTIO_VSOCK_SKB_HEADROOM + CHUNK,
					     GFP_ATOMIC | __GFP_NOWARN);
	if (!skb) {
		atomic64_inc(&cv.rx_wait);
		WRITE_ONCE(cv.starved, true);
		queue_work(cv.wq, &cv.rx_work);
		return ERR_PTR(-EAGAIN);
	}
	if (WARN_ON_ONCE(skb_is_nonlinear(skb))) {
		kfree_skb(skb);
		return NULL;
	}
	*cookie = skb;
	return virtio_vsock_hdr(skb);
}

static void cv_rx_put(void *ctx, void *cookie)
{
	kfree_skb(cookie);
}

static const struct cohort_msg_buf_ops cv_rx_bops = {
	.get = cv_rx_get,
	.put = cv_rx_put,
};

/*
 * Softirq: a packet with addresses this kernel's copy of the CID table
 * does not have, but the primary's table does: a takeover the watch has
 * not seen yet.  It waits for the watch, which runs now.
 */
static bool hold(struct sk_buff *skb, const struct virtio_vsock_hdr *hdr,
		 u32 sender)
{
	bool held = false;

	if (le64_to_cpu(hdr->src_cid) != cohort_ctrl_cid(sender) ||
	    le64_to_cpu(hdr->dst_cid) != cohort_ctrl_cid(cv.self))
		return false;
	spin_lock(&cv.held_lock);
	if (cv.nr_held < HELD) {
		cv.held[cv.nr_held] = skb;
		cv.held_from[cv.nr_held++] = sender;
		held = true;
	}
	spin_unlock(&cv.held_lock);
	if (held)
		mod_delayed_work(cv.wq, &cv.watch, 0);
	return held;
}

/* The watch took the table: held packets are delivered or refused now. */
static void release_held(void)
{
	struct sk_buff *skb;
	unsigned int i;
	bool any = false;

	spin_lock_bh(&cv.held_lock);
	for (i = 0; i < cv.nr_held; i++) {
		skb = cv.held[i];
		if (le64_to_cpu(virtio_vsock_hdr(skb)->src_cid) ==
		    cv.cids[cv.held_from[i]] &&
		    le64_to_cpu(virtio_vsock_hdr(skb)->dst_cid) == cv.cid) {
			virtio_vsock_skb_queue_tail(&cv.rxq, skb);
			any = true;
		} else {
			kfree_skb(skb);
			atomic64_inc(&cv.rx_bad);
		}
	}
	cv.nr_held = 0;
	spin_unlock_bh(&cv.held_lock);
	if (any)
		queue_work(cv.wq, &cv.rx_work);
}

/*
 * Softirq: check the packet (a private copy, in its skb already), queue
 * it.  A message without an skb is one cv_rx_get() would not take: too
 * short or longer than any packet this transport sends.
 */
static void cv_rx(const struct cohort_msg *msg, void *ctx)
{
	struct virtio_vsock_hdr hdr;
	struct sk_buff *skb = msg->cookie;
	u32 len;

	if (!skb || msg->len < sizeof(hdr))
		goto bad;
	memcpy(&hdr, msg->data, sizeof(hdr));
	len = le32_to_cpu(hdr.len);
	if (len != msg->len - sizeof(hdr) ||
	    len > VIRTIO_VSOCK_MAX_PKT_BUF_SIZE ||
	    msg->sender >= COHORT_MAX_KERNELS)
		goto bad;
	virtio_vsock_skb_put(skb, len);
	if (le64_to_cpu(hdr.src_cid) == READ_ONCE(cv.cids[msg->sender]) &&
	    le64_to_cpu(hdr.dst_cid) == READ_ONCE(cv.cid)) {
		virtio_vsock_skb_queue_tail(&cv.rxq, skb);
		queue_work(cv.wq, &cv.rx_work);
		return;
	}
	if (hold(skb, &hdr, msg->sender))
		return;
bad:
	kfree_skb(skb);
	atomic64_inc(&cv.rx_bad);
}

static bool cid_moved(u32 cid)
{
	unsigned int i;

	for (i = 0; i < cv.nr_moved; i++)
		if (cv.moved[i] == cid)
			return true;
	return false;
}

/* Under the vsock table lock: the socket cannot go away. */
static void reset_if_gone(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	u32 id;

	/*
	 * Its own CID moved: connections under the old one go (those it
	 * made bound to any), not those accepted under the new one since
	 * the copy took it.
	 */
	if ((cv.own_moved && (vsk->local_addr.svm_cid == cv.own_old ||
			      vsk->local_addr.svm_cid == VMADDR_CID_ANY)) ||
	    cid_moved(vsk->remote_addr.svm_cid))
		goto reset;
	/* A kernel that left is no member: look its CID up among those. */
	for_each_set_bit(id, cv.gone, COHORT_MAX_KERNELS)
		if (READ_ONCE(cv.cids[id]) == vsk->remote_addr.svm_cid)
			goto reset;
	return;
reset:
	sk->sk_state = TCP_CLOSE;
	sk->sk_err = ECONNRESET;
	sk_error_report(sk);
}

/*
 * Take the CIDs from the primary's table; note those that moved (both
 * the old and the new value name another kernel now).
 */
static void read_cids(void)
{
	u32 id, cid, old;

	cv.nr_moved = 0;
	cv.own_moved = false;
	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		cid = cohort_ctrl_cid(id);
		old = cv.cids[id];
		if (cid == old)
			continue;
		WRITE_ONCE(cv.cids[id], cid);
		if (!old)
			continue;
		if (id == cv.self) {
			WRITE_ONCE(cv.cid, cid);
			cv.own_moved = true;
			cv.own_old = old;
			pr_info("vsock: this kernel's CID is %u now (was %u)\n",
				cid, old);
		} else {
			/* Both name another kernel now, or none (0: deleted). */
			cv.moved[cv.nr_moved++] = old;
			if (cid)
				cv.moved[cv.nr_moved++] = cid;
		}
	}
}

static void cv_watch_fn(struct work_struct *w)
{
	struct cohort_kernel_view v;
	const char *why;
	bool any;
	u64 epoch;
	u32 id;

	read_cids();
	any = cv.own_moved || cv.nr_moved;
	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		if (id == cv.self)
			continue;
		switch (cohort_ctrl_read_kernel(id, &v, &why)) {
		case COHORT_ENTRY_MEMBER:
			epoch = v.epoch;
			break;
		case COHORT_ENTRY_BUSY:
			continue;	/* changing right now: next time */
		default:
			epoch = 0;
			break;
		}
		if (cv.epoch[id] && epoch != cv.epoch[id]) {
			set_bit(id, cv.gone);
			any = true;
		}
		cv.epoch[id] = epoch;
	}
	if (any) {
		vsock_for_each_connected_socket(&cv_transport.transport,
						reset_if_gone);
		bitmap_zero(cv.gone, COHORT_MAX_KERNELS);
	}
	release_held();
	queue_delayed_work(cv.wq, &cv.watch, msecs_to_jiffies(WATCH_MS));
}

/*
 * Softirq: the primary changed the CID table.  Only the primary writes
 * it, so anyone else's knock is ignored; a knock costs one look at it.
 */
static void cv_cids_knock(const struct cohort_msg *msg, void *ctx)
{
	if (msg->sender == 0 && !msg->len)
		mod_delayed_work(cv.wq, &cv.watch, 0);
}

/**
 * cohort_vsock_cids_changed() - the primary changed the CID table: every
 *	kernel takes it now, not at its next watch
 *
 * Knocks every member, then runs this kernel's watch and waits for it,
 * so that a connect() after this goes to the CID's new owner.
 */
void cohort_vsock_cids_changed(void)
{
	u64 members;
	u32 id;

	if (!cv.wq)
		return;
	members = cohort_msg_members();
	for (id = 0; id < COHORT_MAX_KERNELS; id++)
		if (id != cv.self && (members & BIT_ULL(id)))
			cohort_msg_send(id, COHORT_MSG_T_CIDS, NULL, 0, 0);
	mod_delayed_work(cv.wq, &cv.watch, 0);
	flush_delayed_work(&cv.watch);
}

static struct virtio_transport cv_transport = {
	.transport = {
		.module = THIS_MODULE,
		.get_local_cid = cv_get_local_cid,
		.init = virtio_transport_do_socket_init,
		.destruct = virtio_transport_destruct,
		.release = virtio_transport_release,
		.connect = virtio_transport_connect,
		.shutdown = virtio_transport_shutdown,
		.cancel_pkt = cv_cancel_pkt,
		.dgram_bind = virtio_transport_dgram_bind,
		.dgram_dequeue = virtio_transport_dgram_dequeue,
		.dgram_enqueue = virtio_transport_dgram_enqueue,
		.dgram_allow = virtio_transport_dgram_allow,
		.stream_dequeue = virtio_transport_stream_dequeue,
		.stream_enqueue = virtio_transport_stream_enqueue,
		.stream_has_data = virtio_transport_stream_has_data,
		.stream_has_space = virtio_transport_stream_has_space,
		.stream_rcvhiwat = virtio_transport_stream_rcvhiwat,
		.stream_is_active = virtio_transport_stream_is_active,
		.stream_allow = virtio_transport_stream_allow,
		.seqpacket_dequeue = virtio_transport_seqpacket_dequeue,
		.seqpacket_enqueue = virtio_transport_seqpacket_enqueue,
		.seqpacket_allow = cv_seqpacket_allow,
		.seqpacket_has_data = virtio_transport_seqpacket_has_data,
		.notify_poll_in = virtio_transport_notify_poll_in,
		.notify_poll_out = virtio_transport_notify_poll_out,
		.notify_recv_init = virtio_transport_notify_recv_init,
		.notify_recv_pre_block = virtio_transport_notify_recv_pre_block,
		.notify_recv_pre_dequeue = virtio_transport_notify_recv_pre_dequeue,
		.notify_recv_post_dequeue = virtio_transport_notify_recv_post_dequeue,
		.notify_send_init = virtio_transport_notify_send_init,
		.notify_send_pre_block = virtio_transport_notify_send_pre_block,
		.notify_send_pre_enqueue = virtio_transport_notify_send_pre_enqueue,
		.notify_send_post_enqueue = virtio_transport_notify_send_post_enqueue,
		.notify_buffer_size = virtio_transport_notify_buffer_size,
		.notify_set_rcvlowat = virtio_transport_notify_set_rcvlowat,
		.unsent_bytes = virtio_transport_unsent_bytes,
		.read_skb = virtio_transport_read_skb,
	},
	.send_pkt = cv_send_pkt,
};

#ifdef CONFIG_COHORT_TEST
static struct {
	u32 port;
	struct sockaddr_vm local, remote;
	bool found;
} overrun;

static void find_port(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);

	if (!overrun.found && sk->sk_state == TCP_ESTABLISHED &&
	    vsk->remote_addr.svm_port == overrun.port) {
		overrun.local = vsk->local_addr;
		overrun.remote = vsk->remote_addr;
		overrun.found = true;
	}
}

/**
 * cohort_vsock_test_overrun() - send past the peer's credit, as a
 *	hostile kernel would
 * @port: remote port of a connected socket of this kernel
 * @bytes: how much to send, ignoring flow control
 *
 * Return: 0, -ENOENT (no such connection) or the send's error.
 */
int cohort_vsock_test_overrun(u32 port, u32 bytes)
{
	static u8 zeros[CHUNK];
	struct virtio_vsock_hdr h = { };
	u32 id, n;
	int ret = 0;

	overrun.port = port;
	overrun.found = false;
	vsock_for_each_connected_socket(&cv_transport.transport, find_port);
	if (!overrun.found || !cid_to_id(overrun.remote.svm_cid, &id))
		return -ENOENT;
	h.src_cid = cpu_to_le64(cv.cid);
	h.src_port = cpu_to_le32(overrun.local.svm_port);
	h.dst_cid = cpu_to_le64(overrun.remote.svm_cid);
	h.dst_port = cpu_to_le32(overrun.remote.svm_port);
	h.type = cpu_to_le16(VIRTIO_VSOCK_TYPE_STREAM);
	h.op = cpu_to_le16(VIRTIO_VSOCK_OP_RW);
	h.buf_alloc = cpu_to_le32(256 * 1024);
	while (bytes && !ret) {
		n = min(bytes, CHUNK);
		h.len = cpu_to_le32(n);
		ret = cohort_msg_send_hdr(id, COHORT_MSG_T_VSOCK, &h, sizeof(h),
					  zeros, n, COHORT_MSG_WAIT);
		bytes -= n;
	}
	return ret;
}
#endif

struct cv_counter {
	struct kobj_attribute attr;
	atomic64_t *v;
};

static ssize_t counter_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(container_of(a, struct cv_counter, attr)->v));
}

static struct cv_counter counters[] = {
	{ __ATTR(rx_bad, 0444, counter_show, NULL), &cv.rx_bad },
	{ __ATTR(rx_wait, 0444, counter_show, NULL), &cv.rx_wait },
	{ __ATTR(rx_overrun, 0444, counter_show, NULL), &cv.rx_overrun },
	{ __ATTR(tx_lost, 0444, counter_show, NULL), &cv.tx_lost },
};

static struct attribute *cv_attrs[ARRAY_SIZE(counters) + 1];

static const struct attribute_group cv_group = {
	.name = "vsock",
	.attrs = cv_attrs,
};

static int __init cohort_vsock_init(void)
{
	u32 self = cohort_msg_self();
	unsigned int i;
	int ret;

	/* Only a kernel that joined the messaging can reach the others. */
	if (!(cohort_msg_members() & BIT_ULL(self)))
		return 0;
	cv.self = self;
	read_cids();
	cv.cid = cv.cids[self];
	skb_queue_head_init(&cv.txq);
	skb_queue_head_init(&cv.rxq);
	skb_queue_head_init(&cv.spare);
	spin_lock_init(&cv.held_lock);
	refill();
	INIT_WORK(&cv.tx_work, cv_tx_fn);
	INIT_WORK(&cv.rx_work, cv_rx_fn);
	INIT_DELAYED_WORK(&cv.watch, cv_watch_fn);
	cv.wq = alloc_workqueue("cohort-vsock", WQ_UNBOUND, 0);
	if (!cv.wq)
		return -ENOMEM;
	ret = cohort_msg_register_buf(COHORT_MSG_T_VSOCK, cv_rx, &cv_rx_bops,
				      NULL);
	if (ret)
		goto err;
	ret = cohort_msg_register(COHORT_MSG_T_CIDS, cv_cids_knock, NULL);
	if (ret) {
		cohort_msg_unregister(COHORT_MSG_T_VSOCK);
		goto err;
	}
	ret = vsock_core_register(&cv_transport.transport,
				  self ? VSOCK_TRANSPORT_F_G2H :
					 VSOCK_TRANSPORT_F_H2G);
	if (ret) {
		cohort_msg_unregister(COHORT_MSG_T_CIDS);
		cohort_msg_unregister(COHORT_MSG_T_VSOCK);
		goto err;
	}
	queue_delayed_work(cv.wq, &cv.watch, msecs_to_jiffies(WATCH_MS));
	/* Counters for diagnosis only: no harm done if they are missing. */
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		cv_attrs[i] = &counters[i].attr.attr;
	if (cohort_kobj && sysfs_create_group(cohort_kobj, &cv_group))
		pr_warn("vsock: no counters in sysfs\n");
	pr_info("vsock: CID %u\n", cv.cid);
	return 0;
err:
	destroy_workqueue(cv.wq);
	cv.wq = NULL;
	pr_err("vsock: cannot register the transport (%d)\n", ret);
	return ret;
}
late_initcall_sync(cohort_vsock_init);
