// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort instance console: from its first printk, an instance writes its
 * console into a byte ring in its own memory, which the primary reads
 * (/sys/kernel/cohort/instances/NAME/console).  /dev/ttyCH0 is the same
 * stream as a tty, so /dev/console works for init.
 *
 * Input goes the other way: the primary's console writer (cohort console)
 * puts typed bytes into a second buffer and rings; the bytes are handed to
 * the tty's line discipline only as fast as it takes them, so nothing typed
 * is lost and a writer that outpaces the instance waits.
 */
#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/console.h>
#include <linux/init.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/workqueue.h>

static char *ring;
static u64 ring_mask;
static u64 ring_head;		/* bytes ever written; published, not read back */
static DEFINE_RAW_SPINLOCK(ring_lock);
static struct tty_driver *tty_drv;
static struct tty_port tty_port;

static void ring_put(const u8 *s, size_t n)
{
	unsigned long flags;
	size_t off, first;

	raw_spin_lock_irqsave(&ring_lock, flags);
	/* Only the last buffer's worth of a longer write can survive. */
	if (n > ring_mask + 1) {
		ring_head += n - (ring_mask + 1);
		s += n - (ring_mask + 1);
		n = ring_mask + 1;
	}
	off = ring_head & ring_mask;
	first = min_t(size_t, n, ring_mask + 1 - off);
	memcpy(ring + off, s, first);
	memcpy(ring, s + first, n - first);
	ring_head += n;
	cohort_mbox_console_publish(ring_head);
	raw_spin_unlock_irqrestore(&ring_lock, flags);
}

static void con_write(struct console *con, const char *s, unsigned int n)
{
	ring_put(s, n);
}

static struct tty_driver *con_device(struct console *c, int *index)
{
	*index = c->index;
	return tty_drv;
}

static struct console cohort_con = {
	.name = "ttyCH",
	.write = con_write,
	.device = con_device,
	.flags = CON_PRINTBUFFER,
	.index = 0,
};

/**
 * cohort_console_early() - start the instance console
 * @buf: the ring buffer (mapped)
 * @size: its size, a power of two
 *
 * The write position is published in the mailbox (cohort_mbox_attach()
 * comes first).
 * Called from the architecture's instance setup, before the command line
 * is parsed, so the whole log from the first printk reaches the primary.
 */
void __init cohort_console_early(void *buf, u64 size)
{
	ring = buf;
	ring_mask = size - 1;
	register_console(&cohort_con);
}

/* Bytes moved per step from the shared buffer into the tty. */
#define CONIN_CHUNK	256

static void conin_fn(struct work_struct *w)
{
	struct tty_struct *tty = tty_port_tty_get(&tty_port);
	u8 buf[CONIN_CHUNK];
	bool pushed = false;
	size_t n, room;

	/* Nobody reads yet: leave the bytes where the writer waits for room. */
	if (!tty)
		return;
	while (!tty_throttled(tty)) {
		room = tty_buffer_space_avail(&tty_port);
		if (!room)
			break;
		n = cohort_conin_take(buf, min(room, sizeof(buf)));
		if (!n)
			break;
		tty_insert_flip_string(&tty_port, buf, n);
		pushed = true;
	}
	if (pushed)
		tty_flip_buffer_push(&tty_port);
	tty_kref_put(tty);
}

static DECLARE_WORK(conin_work, conin_fn);

/**
 * cohort_console_poll() - look for console input the doorbell did not bring
 *
 * Called from the instance's heartbeat timer: input typed before this
 * kernel joined messaging, or while the line discipline was full.
 */
void cohort_console_poll(void)
{
	if (tty_drv && cohort_conin_pending())
		schedule_work(&conin_work);
}

static void conin_kick(const struct cohort_msg *msg, void *ctx)
{
	/* Only the primary types; anyone else's message is a no-op. */
	if (tty_drv && msg->sender == 0)
		schedule_work(&conin_work);
}

static int ch_open(struct tty_struct *tty, struct file *filp)
{
	int ret = tty_port_open(&tty_port, tty, filp);

	if (!ret)
		schedule_work(&conin_work);
	return ret;
}

static void ch_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(&tty_port, tty, filp);
}

static ssize_t ch_write(struct tty_struct *tty, const u8 *buf, size_t count)
{
	ring_put(buf, count);
	return count;
}

static unsigned int ch_write_room(struct tty_struct *tty)
{
	return PAGE_SIZE;
}

static void ch_unthrottle(struct tty_struct *tty)
{
	schedule_work(&conin_work);
}

static const struct tty_operations tty_ops = {
	.open = ch_open,
	.close = ch_close,
	.write = ch_write,
	.write_room = ch_write_room,
	.unthrottle = ch_unthrottle,
};

static const struct tty_port_operations port_ops;

static int __init cohort_tty_init(void)
{
	struct tty_driver *drv;
	int ret;

	if (!ring)
		return 0;
	drv = tty_alloc_driver(1, TTY_DRIVER_REAL_RAW);
	if (IS_ERR(drv))
		return PTR_ERR(drv);
	drv->driver_name = "cohort";
	drv->name = "ttyCH";
	drv->type = TTY_DRIVER_TYPE_SERIAL;
	drv->subtype = SERIAL_TYPE_NORMAL;
	drv->init_termios = tty_std_termios;
	tty_set_operations(drv, &tty_ops);
	tty_port_init(&tty_port);
	tty_port.ops = &port_ops;
	tty_port_link_device(&tty_port, drv, 0);
	ret = tty_register_driver(drv);
	if (ret) {
		tty_driver_kref_put(drv);
		tty_port_destroy(&tty_port);
		return ret;
	}
	tty_drv = drv;
	ret = cohort_msg_register(COHORT_MSG_T_CONSOLE, conin_kick, NULL);
	if (ret)
		pr_warn("cohort: console input waits for the heartbeat (%d)\n",
			ret);
	return 0;
}
device_initcall(cohort_tty_init);
