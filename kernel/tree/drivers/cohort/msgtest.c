// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort messaging: the TEST interface in /sys/kernel/debug/cohort/ and
 * the built-in test services (sink, echo, blackhole).  It lets the VM
 * tests and benchmarks drive the in-kernel API from a shell, and stand in
 * for a buggy or hostile kernel (scribble, poke); it is not an interface
 * for applications (docs/abi.md, "Test interface").  Built only with
 * CONFIG_COHORT_TEST, which production kernels leave off.
 *
 * Every write runs one operation and leaves one line in "result".
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/debugfs.h>
#include <linux/hex.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "cohort.h"
#include "msg.h"
#include "net.h"

static DEFINE_MUTEX(test_mutex);
static char result[256];

/* Sink counters, per sender; written only under the ring's rx_lock. */
static struct {
	u64 received;
	u64 bytes;
	u64 bad;
} sink[COHORT_MAX_KERNELS];
static u64 blackholed;

/* Payload of a test message: see fill(). */
static u32 test_csum(const u8 *p, size_t n, u32 seq)
{
	u32 h = 2166136261u ^ seq;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/*
 * len >= 8: [u32 seq][u32 checksum of seq and the rest][bytes];
 * shorter: a pattern that depends on the length.
 */
static void fill(u8 *buf, size_t len, u32 seq)
{
	size_t i;
	u32 c;

	if (len < 8) {
		for (i = 0; i < len; i++)
			buf[i] = (u8)(len * 7 + i * 13 + 1);
		return;
	}
	for (i = 8; i < len; i++)
		buf[i] = (u8)(seq * 7 + i * 13 + 1);
	c = test_csum(buf + 8, len - 8, seq);
	memcpy(buf, &seq, 4);
	memcpy(buf + 4, &c, 4);
}

static bool verify(const u8 *buf, size_t len)
{
	u32 seq, c;
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++)
			if (buf[i] != (u8)(len * 7 + i * 13 + 1))
				return false;
		return true;
	}
	memcpy(&seq, buf, 4);
	memcpy(&c, buf + 4, 4);
	return c == test_csum(buf + 8, len - 8, seq);
}

/*
 * cohort_msgtest_sink() - test service: verify and count
 * @msg: a message filled by fill()
 * @ctx: unused
 */
static void cohort_msgtest_sink(const struct cohort_msg *msg, void *ctx)
{
	u32 s = msg->sender;

	if (s >= COHORT_MAX_KERNELS)
		return;
	if (verify(msg->data, msg->len)) {
		sink[s].received++;
		sink[s].bytes += msg->len;
	} else {
		sink[s].bad++;
	}
	if (msg->is_request)
		cohort_msg_reply(msg, 0, NULL, 0);
}

/*
 * cohort_msgtest_echo() - test service: answer a request with itself
 * @msg: the request
 * @ctx: unused
 */
static void cohort_msgtest_echo(const struct cohort_msg *msg, void *ctx)
{
	if (msg->is_request)
		cohort_msg_reply(msg, 0, msg->data, msg->len);
}

/*
 * cohort_msgtest_blackhole() - test service: never answer
 * @msg: the request
 * @ctx: unused
 */
static void cohort_msgtest_blackhole(const struct cohort_msg *msg, void *ctx)
{
	blackholed++;
}

/* ---- operations ---- */

static int op_send(u64 group, bool multi, u32 dst, u32 count, u32 size)
{
	u64 t0, t, sent_to = 0;
	u32 i, fails = 0;
	int ret = 0, err = 0;
	u8 *buf;

	if (size > COHORT_MSG_MAX_LEN)
		return -EMSGSIZE;
	buf = kvmalloc(max_t(u32, size, 8), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < count; i++) {
		fill(buf, size, i);
		if (multi)
			ret = cohort_msg_multicast(group, COHORT_MSG_T_SINK, buf,
						   size, COHORT_MSG_WAIT,
						   &sent_to);
		else
			ret = cohort_msg_send(dst, COHORT_MSG_T_SINK, buf, size,
					      COHORT_MSG_WAIT);
		if (ret) {
			fails++;
			err = ret;
			if (ret != -ECANCELED)
				break;
		}
		if (!(i & 255))
			cond_resched();
	}
	t = ktime_get_ns() - t0;
	kvfree(buf);
	if (multi)
		snprintf(result, sizeof(result),
			 "multicast group %#llx sent_to %#llx count %u size %u ns %llu fails %u err %d\n",
			 group, sent_to, i, size, t, fails, err);
	else
		snprintf(result, sizeof(result),
			 "send to %u count %u size %u ns %llu fails %u err %d\n",
			 dst, i, size, t, fails, err);
	return err;
}

static int parse_type(const char *s, u32 *type)
{
	if (!strcmp(s, "echo"))
		*type = COHORT_MSG_T_ECHO;
	else if (!strcmp(s, "blackhole"))
		*type = COHORT_MSG_T_BLACKHOLE;
	else if (!strcmp(s, "sink"))
		*type = COHORT_MSG_T_SINK;
	else
		return kstrtou32(s, 0, type);
	return 0;
}

static int op_request(u32 dst, u32 type, u32 size, u32 timeout_ms,
		      u32 count, bool ping)
{
	u64 t0, t, min = U64_MAX, max = 0, sum = 0;
	u32 i, bad = 0;
	int ret = 0;
	u8 *req, *resp;

	if (size > COHORT_MSG_MAX_LEN - sizeof(struct cohort_msg_rpc))
		return -EMSGSIZE;
	req = kvmalloc(max_t(u32, size, 8), GFP_KERNEL);
	resp = kvmalloc(max_t(u32, size, 8), GFP_KERNEL);
	if (!req || !resp) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < count; i++) {
		fill(req, size, i);
		t0 = ktime_get_ns();
		ret = cohort_msg_request(dst, type, req, size, resp, size,
					 timeout_ms);
		t = ktime_get_ns() - t0;
		if (ret < 0)
			break;
		if (type == COHORT_MSG_T_ECHO &&
		    (ret != size || memcmp(req, resp, size)))
			bad++;
		min = min(min, t);
		max = max(max, t);
		sum += t;
	}
	if (ret < 0)
		snprintf(result, sizeof(result),
			 "request to %u type %u size %u error %d after %u ns %llu\n",
			 dst, type, size, ret, i, t);
	else if (ping)
		snprintf(result, sizeof(result),
			 "ping %u count %u size %u min %llu avg %llu max %llu ns bad %u\n",
			 dst, count, size, min, count ? sum / count : 0, max,
			 bad);
	else
		snprintf(result, sizeof(result),
			 "request to %u type %u size %u ok len %d ns %llu bad %u\n",
			 dst, type, size, ret, t, bad);
	if (ret >= 0)
		ret = bad ? -EIO : 0;
out:
	kvfree(req);
	kvfree(resp);
	return ret;
}

static void ipi_nop(void *arg)
{
}

static int op_ipi_ping(u32 cpu, u32 count)
{
	u64 t0, t;
	u32 i;
	int ret = 0;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu) || !count)
		return -EINVAL;
	t0 = ktime_get_ns();
	for (i = 0; i < count && !ret; i++)
		ret = smp_call_function_single(cpu, ipi_nop, NULL, 1);
	t = ktime_get_ns() - t0;
	snprintf(result, sizeof(result),
		 "ipi_ping cpu %u count %u avg %llu ns err %d\n", cpu, count,
		 t / count, ret);
	return ret;
}

/*
 * Hostile peer: forge @count published one-slot messages at the tail of
 * kernel @dst's ring, with random contents and a valid checksum under
 * sender id @as (this kernel's own, or another kernel's to impersonate
 * it), half of them of an unknown type, and write @count slots of pure
 * random bytes at random places (which nobody can be blamed for).
 */
static int op_scribble(u32 dst, u32 count, u32 as)
{
	struct cohort_ring_hdr *h;
	struct cohort_ring_slot s, *slots;
	u64 pos, key;
	u32 nslots, i;

	if (!cm.joined || dst >= COHORT_MAX_KERNELS || dst == cm.self ||
	    as >= COHORT_MAX_KERNELS)
		return -EINVAL;
	h = cohort_ctrl_ring(dst);
	if (READ_ONCE(h->magic) != COHORT_RING_MAGIC)
		return -ENOTCONN;
	nslots = READ_ONCE(h->nslots);
	if (nslots != COHORT_CTRL_RING_SLOTS)
		return -EINVAL;
	key = READ_ONCE(h->key);
	slots = (void *)h + COHORT_RING_HDR_SIZE;
	for (i = 0; i < count; i++) {
		pos = READ_ONCE(h->tail);
		if (pos - READ_ONCE(h->head) >= nslots)
			continue;
		get_random_bytes(&s, sizeof(s));
		s.sender = as;
		/* Half of them of a type nobody knows: blamed on @as. */
		if (i & 1)
			s.type = 1 + get_random_u32_below(COHORT_MSG_NTYPES - 1);
		else
			s.type = COHORT_MSG_NTYPES +
				 get_random_u32_below(0x10000 - COHORT_MSG_NTYPES);
		s.len = get_random_u32_below(COHORT_RING_HEAD_DATA + 1);
		s.csum = cohort_ring_msg_csum(&s, s.data, pos);
		if (!try_cmpxchg(&h->tail, &pos, pos + 1))
			continue;
		memcpy((u8 *)&slots[pos & (nslots - 1)] + 8, (u8 *)&s + 8,
		       sizeof(s) - 8);
		/* Publish as a sender would: contents before the mark. */
		smp_store_release(&slots[pos & (nslots - 1)].seq,
				  COHORT_RING_MARK(key, pos));
	}
	for (i = 0; i < count; i++) {
		get_random_bytes(&s, sizeof(s));
		memcpy(&slots[get_random_u32_below(nslots)], &s, sizeof(s));
	}
	/* The peer's doorbell, so it looks at once. */
	if (READ_ONCE(h->notify)) {
		struct cohort_kernel_view v;

		if (cohort_msg_read_entry(dst, &v) &&
		    (v.flags & COHORT_KF_DOORBELL))
			cohort_arch_doorbell(v.apic_id);
	}
	snprintf(result, sizeof(result),
		 "scribble into %u: %u forged slots as %u, %u random slots\n",
		 dst, count, as, count);
	return 0;
}

/* Hostile kernel: write raw bytes (hex) at an offset of the control region. */
static int op_poke(const char *off_s, const char *hex)
{
	size_t n = strlen(hex) / 2;
	u8 buf[64];
	u32 off;
	int ret;

	if (kstrtou32(off_s, 0, &off) || !n || n > sizeof(buf) ||
	    strlen(hex) != 2 * n || hex2bin(buf, hex, n))
		return -EINVAL;
	ret = cohort_ctrl_test_poke(off, buf, n);
	if (!ret)
		snprintf(result, sizeof(result), "poke %#x: %zu bytes\n", off, n);
	return ret;
}

static int op_service(char **argv, int argc)
{
	u32 svc, n = 0, size = 0, i;
	u64 sent = 0;
	int ret;
	u8 *buf;

	if (argc < 2 || kstrtou32(argv[1], 0, &svc))
		return -EINVAL;
	if (!strcmp(argv[0], "offer") || !strcmp(argv[0], "unoffer")) {
		ret = cohort_service_offer(svc, argv[0][0] == 'o');
	} else if (!strcmp(argv[0], "listen") || !strcmp(argv[0], "unlisten")) {
		ret = cohort_service_listen(svc, argv[0][0] == 'l');
	} else if (!strcmp(argv[0], "notify") && argc == 4 &&
		   !kstrtou32(argv[2], 0, &n) && !kstrtou32(argv[3], 0, &size)) {
		if (size > COHORT_MSG_MAX_LEN)
			return -EMSGSIZE;
		buf = kvmalloc(max_t(u32, size, 8), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		ret = 0;
		for (i = 0; i < n && !ret; i++) {
			fill(buf, size, i);
			ret = cohort_service_notify(svc, COHORT_MSG_T_SINK, buf,
						    size, &sent);
		}
		kvfree(buf);
		snprintf(result, sizeof(result),
			 "notify service %u listeners %#llx sent_to %#llx count %u err %d\n",
			 svc, cohort_service_listeners(svc), sent, i, ret);
		return ret;
	} else {
		return -EINVAL;
	}
	snprintf(result, sizeof(result),
		 "service %u providers %#llx listeners %#llx err %d\n", svc,
		 cohort_service_providers(svc), cohort_service_listeners(svc),
		 ret);
	return ret;
}

/* ---- answers to the primary's requests (instance side) ---- */

/* Answers to give instead of acting, per kind, in order. */
static struct {
	int v[4];
	unsigned int n;
} lies[COHORT_LIE_KINDS];
static DEFINE_SPINLOCK(lies_lock);

/**
 * cohort_test_take_lie() - the next answer to give instead of acting
 * @kind: CPU or memory requests
 * @answer: out: the result to write for the request
 *
 * Stands in for a buggy or hostile instance kernel; armed through the
 * cpu_lie and mem_lie files.
 *
 * Return: true if there is one (it is used up).
 */
bool cohort_test_take_lie(enum cohort_lie_kind kind, int *answer)
{
	bool lie = false;

	spin_lock(&lies_lock);
	if (lies[kind].n) {
		*answer = lies[kind].v[0];
		memmove(lies[kind].v, lies[kind].v + 1,
			--lies[kind].n * sizeof(lies[kind].v[0]));
		lie = true;
	}
	spin_unlock(&lies_lock);
	return lie;
}

/* ---- debugfs files ---- */

#define MAX_ARGS 6

static int run(const char *op, char **argv, int argc)
{
	int answers[ARRAY_SIZE(lies[0].v)];
	u32 a[4] = { };
	u64 group;
	int i;

	if (!strcmp(op, "service"))
		return op_service(argv, argc);
	if (!strcmp(op, "poke"))
		return argc == 2 ? op_poke(argv[0], argv[1]) : -EINVAL;
	if (!strcmp(op, "conin_tail")) {
		u64 tail;

		if (argc != 1 || cm.is_primary || kstrtou64(argv[0], 0, &tail))
			return -EINVAL;
		cohort_conin_test_set_tail(tail);
		return 0;
	}
	if (!strcmp(op, "vmcoreinfo")) {
		u64 note, po;
		u32 size;

		/* What root in a hostile instance could write there. */
		if (argc != 3 || cm.is_primary || kstrtou64(argv[0], 0, &note) ||
		    kstrtou32(argv[1], 0, &size) || kstrtou64(argv[2], 0, &po))
			return -EINVAL;
		cohort_mbox_set_vmcoreinfo(note, size, po);
		return 0;
	}
	if (!strcmp(op, "cpu_lie") || !strcmp(op, "mem_lie")) {
		enum cohort_lie_kind k = op[0] == 'c' ? COHORT_LIE_CPU :
							COHORT_LIE_MEM;

		/* What a hostile kernel could answer the primary's requests. */
		if (!argc || argc > ARRAY_SIZE(lies[0].v) || cm.is_primary)
			return -EINVAL;
		for (i = 0; i < argc; i++)
			if (kstrtoint(argv[i], 0, &answers[i]))
				return -EINVAL;
		spin_lock(&lies_lock);
		memcpy(lies[k].v, answers, argc * sizeof(answers[0]));
		lies[k].n = argc;
		spin_unlock(&lies_lock);
		return 0;
	}
	if (!strcmp(op, "setup_mangle")) {
		/* The next instance's record, as a buggy primary writes it. */
		if (argc != 1 || !cm.is_primary)
			return -EINVAL;
		return cohort_arch_test_mangle_setup(argv[0]);
	}
	if (!strcmp(op, "vsock_overrun")) {
		if (argc != 2 || kstrtou32(argv[0], 0, &a[0]) ||
		    kstrtou32(argv[1], 0, &a[1]))
			return -EINVAL;
		return cohort_vsock_test_overrun(a[0], a[1]);
	}
	if (!strcmp(op, "net_forge"))
		return argc == 1 ? cohort_net_test_forge(argv[0]) : -EINVAL;
	if (!strcmp(op, "request")) {
		if (argc != 4 || kstrtou32(argv[0], 0, &a[0]) ||
		    parse_type(argv[1], &a[1]) || kstrtou32(argv[2], 0, &a[2]) ||
		    kstrtou32(argv[3], 0, &a[3]))
			return -EINVAL;
		return op_request(a[0], a[1], a[2], a[3], 1, false);
	}
	if (!strcmp(op, "multicast")) {
		if (argc != 3 || kstrtou64(argv[0], 0, &group) ||
		    kstrtou32(argv[1], 0, &a[1]) || kstrtou32(argv[2], 0, &a[2]))
			return -EINVAL;
		return op_send(group, true, 0, a[1], a[2]);
	}
	for (i = 0; i < argc && i < 4; i++)
		if (kstrtou32(argv[i], 0, &a[i]))
			return -EINVAL;
	if (!strcmp(op, "send"))
		return argc == 3 ? op_send(0, false, a[0], a[1], a[2]) : -EINVAL;
	if (!strcmp(op, "ping"))
		return argc >= 2 ? op_request(a[0], COHORT_MSG_T_ECHO, a[2],
					      1000, a[1], true) : -EINVAL;
	if (!strcmp(op, "ipi_ping"))
		return argc == 2 ? op_ipi_ping(a[0], a[1]) : -EINVAL;
	if (!strcmp(op, "scribble")) {
		if (argc == 2)
			return op_scribble(a[0], a[1], cm.self);
		return argc == 3 ? op_scribble(a[0], a[1], a[2]) : -EINVAL;
	}
	if (!strcmp(op, "busy_poll"))
		return argc == 1 ? cohort_msg_set_busy_poll(a[0]) : -EINVAL;
	if (!strcmp(op, "unquarantine")) {
		if (argc != 1)
			return -EINVAL;
		cohort_msg_unquarantine(a[0]);
		return 0;
	}
	if (!strcmp(op, "ctrl_version")) {
		if (argc != 1 || !cm.is_primary || !cm.joined)
			return -EINVAL;
		cohort_ctrl_test_set_version(a[0]);
		return 0;
	}
	return -EINVAL;
}

static ssize_t op_write(struct file *f, const char __user *ubuf, size_t n,
			loff_t *ppos)
{
	const char *op = f->f_path.dentry->d_name.name;
	char *argv[MAX_ARGS], *buf, *p, *tok;
	int argc = 0, ret;

	if (n > 200)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, n);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = strim(buf);
	while ((tok = strsep(&p, " \t\n")) && argc < MAX_ARGS)
		if (*tok)
			argv[argc++] = tok;
	mutex_lock(&test_mutex);
	result[0] = 0;
	ret = run(op, argv, argc);
	if (!result[0])
		snprintf(result, sizeof(result), "%s err %d\n", op, ret);
	mutex_unlock(&test_mutex);
	kfree(buf);
	return ret < 0 ? ret : n;
}

static const struct file_operations op_fops = {
	.write = op_write,
	.llseek = noop_llseek,
};

static int result_show(struct seq_file *m, void *v)
{
	mutex_lock(&test_mutex);
	seq_puts(m, result);
	mutex_unlock(&test_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(result);

static int sink_show(struct seq_file *m, void *v)
{
	u64 r = 0, b = 0, bad = 0;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		r += READ_ONCE(sink[id].received);
		b += READ_ONCE(sink[id].bytes);
		bad += READ_ONCE(sink[id].bad);
		if (READ_ONCE(sink[id].received) || READ_ONCE(sink[id].bad))
			seq_printf(m, "from %u received %llu bytes %llu bad %llu\n",
				   id, READ_ONCE(sink[id].received),
				   READ_ONCE(sink[id].bytes),
				   READ_ONCE(sink[id].bad));
	}
	seq_printf(m, "total received %llu bytes %llu bad %llu blackholed %llu\n",
		   r, b, bad, READ_ONCE(blackholed));
	return 0;
}

static int sink_open(struct inode *inode, struct file *file)
{
	return single_open(file, sink_show, inode->i_private);
}

static ssize_t sink_write(struct file *f, const char __user *ubuf, size_t n,
			  loff_t *ppos)
{
	spin_lock_bh(&cm.rx_lock);
	memset(sink, 0, sizeof(sink));
	blackholed = 0;
	spin_unlock_bh(&cm.rx_lock);
	return n;
}

static const struct file_operations sink_fops = {
	.open = sink_open,
	.read = seq_read,
	.write = sink_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init cohort_msgtest_init(void)
{
	static const char *const ops[] = {
		"send", "multicast", "ping", "request", "service", "scribble",
		"ipi_ping", "busy_poll", "unquarantine", "ctrl_version", "poke",
		"conin_tail", "net_forge", "vsock_overrun", "vmcoreinfo",
		"cpu_lie", "mem_lie", "setup_mangle",
	};
	struct dentry *dir;
	unsigned int i;

	if (!cm.joined)
		return 0;
	dir = debugfs_create_dir("cohort", NULL);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		debugfs_create_file(ops[i], 0200, dir, NULL, &op_fops);
	debugfs_create_file("result", 0400, dir, NULL, &result_fops);
	debugfs_create_file("sink", 0600, dir, NULL, &sink_fops);
	return 0;
}
late_initcall(cohort_msgtest_init);

/**
 * cohort_msgtest_register() - handle the test message types
 *
 * Called when this kernel joins the messaging.
 */
void __init cohort_msgtest_register(void)
{
	cohort_msg_register(COHORT_MSG_T_SINK, cohort_msgtest_sink, NULL);
	cohort_msg_register(COHORT_MSG_T_ECHO, cohort_msgtest_echo, NULL);
	cohort_msg_register(COHORT_MSG_T_BLACKHOLE, cohort_msgtest_blackhole,
			    NULL);
}
