// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort AF_VSOCK transport: sockets between kernels.
 *
 * Every kernel has one CID, COHORT_VSOCK_CID(id): the primary is the host
 * (2), instance id N is N + 2.  The socket protocol (connection set-up,
 * credit-based flow control, shutdown, seqpacket boundaries) is the
 * kernel's virtio-vsock one (virtio_transport_common.c); its packets
 * travel as Cohort messages of type COHORT_MSG_T_VSOCK straight to the
 * destination kernel's ring, so two instances talk without the primary.
 *
 * A received packet is checked before anything looks at it: its length
 * matches the message, it names this kernel as destination and the
 * sending kernel as source; then it is copied into a private skb.  Two
 * things differ from virtio: a connection request to a port nobody
 * listens on fails with ECONNREFUSED (virtio says ECONNRESET), and when
 * a peer kernel leaves, fails or starts again, every connection to it is
 * reset here within a watch period.
 *
 * The primary registers as the host-to-guest transport, an instance as
 * guest-to-host: the vsock core then routes every CID but the local one
 * through Cohort.
 */
#include <linux/cohort_shm.h>
#include <linux/init.h>
#include <linux/skbuff.h>
#include <linux/virtio_vsock.h>
#include <linux/workqueue.h>
#include <net/af_vsock.h>
#include <net/sock.h>

#include "cohort.h"

#define WATCH_MS	100

static struct {
	u32 cid;
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
	atomic64_t rx_bad;
	atomic64_t tx_lost;
} cv;

static struct virtio_transport cv_transport;

static u32 cv_get_local_cid(void)
{
	return cv.cid;
}

static bool cid_to_id(u64 cid, u32 *id)
{
	if (cid < COHORT_VSOCK_CID(0) ||
	    cid - COHORT_VSOCK_CID(0) >= COHORT_MAX_KERNELS)
		return false;
	*id = cid - COHORT_VSOCK_CID(0);
	return true;
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

static void cv_tx_fn(struct work_struct *w)
{
	struct virtio_vsock_hdr *hdr;
	struct sk_buff *skb;
	u32 id;
	int ret;

	while ((skb = virtio_vsock_skb_dequeue(&cv.txq))) {
		hdr = virtio_vsock_hdr(skb);
		ret = -EHOSTUNREACH;
		if (cid_to_id(le64_to_cpu(hdr->dst_cid), &id) &&
		    !skb_linearize(skb))
			ret = cohort_msg_send_hdr(id, COHORT_MSG_T_VSOCK, hdr,
						  sizeof(*hdr), skb->data,
						  skb->len, COHORT_MSG_WAIT);
		if (ret) {
			atomic64_inc(&cv.tx_lost);
			/* Nobody will answer: say so at once. */
			if (le16_to_cpu(hdr->op) == VIRTIO_VSOCK_OP_REQUEST)
				fail_connect(le64_to_cpu(hdr->src_cid),
					     le32_to_cpu(hdr->src_port),
					     le64_to_cpu(hdr->dst_cid),
					     le32_to_cpu(hdr->dst_port),
					     EHOSTUNREACH);
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

static void cv_rx_fn(struct work_struct *w)
{
	struct sk_buff *skb;

	while ((skb = virtio_vsock_skb_dequeue(&cv.rxq))) {
		if (refused(skb)) {
			kfree_skb(skb);
			continue;
		}
		virtio_transport_deliver_tap_pkt(skb);
		virtio_transport_recv_pkt(&cv_transport, skb);
	}
}

/* Softirq: check the packet, copy it into a private skb, queue it. */
static void cv_rx(const struct cohort_msg *msg, void *ctx)
{
	struct virtio_vsock_hdr hdr;
	struct sk_buff *skb;
	u32 len;

	if (msg->len < sizeof(hdr))
		goto bad;
	memcpy(&hdr, msg->data, sizeof(hdr));
	len = le32_to_cpu(hdr.len);
	if (len != msg->len - sizeof(hdr) ||
	    len > VIRTIO_VSOCK_MAX_PKT_BUF_SIZE ||
	    le64_to_cpu(hdr.src_cid) != COHORT_VSOCK_CID(msg->sender) ||
	    le64_to_cpu(hdr.dst_cid) != cv.cid)
		goto bad;
	skb = virtio_vsock_alloc_skb(VIRTIO_VSOCK_SKB_HEADROOM + len,
				     GFP_ATOMIC);
	if (!skb)
		goto bad;
	memcpy(virtio_vsock_hdr(skb), &hdr, sizeof(hdr));
	virtio_vsock_skb_put(skb, len);
	if (len && skb_store_bits(skb, 0, (const u8 *)msg->data + sizeof(hdr),
				  len)) {
		kfree_skb(skb);
		goto bad;
	}
	virtio_vsock_skb_queue_tail(&cv.rxq, skb);
	queue_work(cv.wq, &cv.rx_work);
	return;
bad:
	atomic64_inc(&cv.rx_bad);
}

/* Under the vsock table lock: the socket cannot go away. */
static void reset_if_gone(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	u32 id;

	if (!cid_to_id(vsk->remote_addr.svm_cid, &id) ||
	    !test_bit(id, cv.gone))
		return;
	sk->sk_state = TCP_CLOSE;
	sk->sk_err = ECONNRESET;
	sk_error_report(sk);
}

static void cv_watch_fn(struct work_struct *w)
{
	struct cohort_kernel_view v;
	const char *why;
	bool any = false;
	u64 epoch;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		if (COHORT_VSOCK_CID(id) == cv.cid)
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
	queue_delayed_work(cv.wq, &cv.watch, msecs_to_jiffies(WATCH_MS));
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

static int __init cohort_vsock_init(void)
{
	u32 self = cohort_msg_self();
	int ret;

	/* Only a kernel that joined the messaging can reach the others. */
	if (!(cohort_msg_members() & BIT_ULL(self)))
		return 0;
	cv.cid = COHORT_VSOCK_CID(self);
	skb_queue_head_init(&cv.txq);
	skb_queue_head_init(&cv.rxq);
	INIT_WORK(&cv.tx_work, cv_tx_fn);
	INIT_WORK(&cv.rx_work, cv_rx_fn);
	INIT_DELAYED_WORK(&cv.watch, cv_watch_fn);
	cv.wq = alloc_workqueue("cohort-vsock", WQ_UNBOUND, 0);
	if (!cv.wq)
		return -ENOMEM;
	ret = cohort_msg_register(COHORT_MSG_T_VSOCK, cv_rx, NULL);
	if (ret)
		goto err;
	ret = vsock_core_register(&cv_transport.transport,
				  self ? VSOCK_TRANSPORT_F_G2H :
					 VSOCK_TRANSPORT_F_H2G);
	if (ret) {
		cohort_msg_unregister(COHORT_MSG_T_VSOCK);
		goto err;
	}
	queue_delayed_work(cv.wq, &cv.watch, msecs_to_jiffies(WATCH_MS));
	pr_info("vsock: CID %u\n", cv.cid);
	return 0;
err:
	destroy_workqueue(cv.wq);
	pr_err("vsock: cannot register the transport (%d)\n", ret);
	return ret;
}
late_initcall_sync(cohort_vsock_init);
