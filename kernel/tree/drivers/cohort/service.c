// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort services: each kernel publishes in its control entry which
 * services it offers and which it listens to; a notification goes to the
 * listeners of a service only.  The bitmaps are kept here privately and
 * written out whole, never read back from shared memory.
 */
#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/spinlock.h>

#include "msg.h"

static u64 offered, listening;

static int service_bit(unsigned int svc, bool on, u64 *field)
{
	if (!cm.joined)
		return -ENODEV;
	if (svc >= COHORT_MAX_SERVICES)
		return -EINVAL;
	spin_lock_bh(&cm.self_lock);
	if (on)
		*field |= BIT_ULL(svc);
	else
		*field &= ~BIT_ULL(svc);
	cohort_ctrl_publish_services(cm.self, offered, listening);
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
	return service_bit(svc, on, &offered);
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
	return service_bit(svc, on, &listening);
}

static u64 service_mask(unsigned int svc, bool listeners)
{
	struct cohort_kernel_view v;
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
