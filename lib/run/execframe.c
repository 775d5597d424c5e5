// SPDX-License-Identifier: GPL-2.0
/*
 * cohort exec's answer (exec.h): the frames the instance's exec server
 * writes, and the decoder the primary reads them with.  The decoder
 * takes bytes as they come, in any pieces, and treats them as hostile:
 * a bad magic, an unknown type, a length out of bounds for its type, a
 * second message, an exit status that does not go with how the command
 * ended, anything after the exit frame, or an end before it, are all
 * errors.
 */
#include <string.h>

#include "exec.h"
#include "internal.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/**
 * run_exec_frame_header() - the header of a frame
 * @type: what the frame holds
 * @len: the length of its payload
 * @hdr: out: the header
 */
void run_exec_frame_header(enum run_exec_type type, uint32_t len,
			   unsigned char hdr[RUN_EXEC_HDR])
{
	memcpy(hdr, RUN_EXEC_FRAME_MAGIC, 2);
	hdr[2] = (unsigned char)type;
	hdr[3] = 0;
	put32(hdr + 4, len);
}

/**
 * run_exec_exit_payload() - the payload of the exit frame
 * @how: how the command ended
 * @status: its status (run_exec_exit_check())
 * @p: out: the payload
 */
void run_exec_exit_payload(enum run_exec_how how, uint32_t status,
			   unsigned char p[RUN_EXEC_EXIT_LEN])
{
	put32(p, (uint32_t)how);
	put32(p + 4, status);
}

/**
 * run_exec_exit_check() - does a status go with how the command ended?
 * @how: as the exit frame says
 * @status: as the exit frame says
 *
 * Return: 0, or -1.
 */
int run_exec_exit_check(enum run_exec_how how, uint32_t status)
{
	switch (how) {
	case RUN_EXEC_EXITED:
		return status <= 255 ? 0 : -1;
	case RUN_EXEC_KILLED:
	case RUN_EXEC_TIMEDOUT:
		return status >= 129 && status <= 128 + 64 ? 0 : -1;
	case RUN_EXEC_NOTRUN:
		return status == 126 || status == 127 ? 0 : -1;
	case RUN_EXEC_REFUSED:
		return status == 125 ? 0 : -1;
	}
	return -1;
}

/**
 * run_exec_dec_init() - a decoder before the first byte
 * @d: the decoder
 */
void run_exec_dec_init(struct run_exec_dec *d)
{
	d->hlen = 0;
	d->got = 0;
	d->len = 0;
	d->msg_seen = false;
	d->ended = false;
}

/* The header is whole: check it. */
static int take_header(struct run_exec_dec *d, char *err, size_t errlen)
{
	uint32_t len = get32(d->hdr + 4), max = 0;

	if (memcmp(d->hdr, RUN_EXEC_FRAME_MAGIC, 2) || d->hdr[3]) {
		cohort_seterr(err, errlen, "not an exec server's answer (bad frame header)");
		return -1;
	}
	switch (d->hdr[2]) {
	case RUN_EXEC_OUT:
	case RUN_EXEC_ERR:
		max = RUN_EXEC_CHUNK_MAX;
		break;
	case RUN_EXEC_MSG:
		if (d->msg_seen) {
			cohort_seterr(err, errlen, "a second message frame");
			return -1;
		}
		max = RUN_EXEC_MSG_MAX;
		break;
	case RUN_EXEC_EXIT:
		if (len != RUN_EXEC_EXIT_LEN) {
			cohort_seterr(err, errlen, "an exit frame of %u bytes",
				      (unsigned int)len);
			return -1;
		}
		max = RUN_EXEC_EXIT_LEN;
		break;
	default:
		cohort_seterr(err, errlen, "a frame of unknown type %u",
			      (unsigned int)d->hdr[2]);
		return -1;
	}
	if (!len || len > max) {
		cohort_seterr(err, errlen, "a frame of type %u with %u bytes: 1 to %u are allowed",
			      (unsigned int)d->hdr[2], (unsigned int)len,
			      (unsigned int)max);
		return -1;
	}
	d->type = (enum run_exec_type)d->hdr[2];
	d->len = len;
	d->got = 0;
	return 0;
}

/* The payload is whole: hand the frame over. */
static int take_frame(struct run_exec_dec *d, struct run_exec_frame *f,
		      char *err, size_t errlen)
{
	uint32_t how;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->type = d->type;
	switch (d->type) {
	case RUN_EXEC_OUT:
	case RUN_EXEC_ERR:
		f->data = d->buf;
		f->len = d->len;
		break;
	case RUN_EXEC_MSG:
		d->msg_seen = true;
		for (i = 0; i < d->len; i++)
			f->text[i] = d->buf[i] >= 0x20 && d->buf[i] < 0x7f ?
				     (char)d->buf[i] : '?';
		f->text[i] = '\0';
		break;
	case RUN_EXEC_EXIT:
		how = get32(d->buf);
		f->status = get32(d->buf + 4);
		if (how > RUN_EXEC_REFUSED ||
		    run_exec_exit_check((enum run_exec_how)how, f->status)) {
			cohort_seterr(err, errlen, "an exit frame with how %u and status %u",
				      (unsigned int)how, (unsigned int)f->status);
			return -1;
		}
		f->how = (enum run_exec_how)how;
		d->ended = true;
		break;
	}
	d->hlen = 0;
	d->got = 0;
	return 1;
}

/**
 * run_exec_dec_feed() - give the decoder bytes the instance sent
 * @d: the decoder
 * @buf: the bytes
 * @len: their number
 * @used: out: how many were taken
 * @f: out: a whole frame, when 1 is returned; its data points into @d
 *     and stays valid until the next call
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Call again with the bytes after *@used until it returns 0.
 *
 * Return: 1 with a frame in @f; 0 when every byte was taken and no frame
 * is whole yet; -1 for bytes that are no valid answer (said in @err).
 */
int run_exec_dec_feed(struct run_exec_dec *d, const void *buf, size_t len,
		      size_t *used, struct run_exec_frame *f, char *err,
		      size_t errlen)
{
	const unsigned char *p = buf;
	size_t off = 0, n;

	*used = 0;
	while (off < len) {
		if (d->ended) {
			cohort_seterr(err, errlen, "bytes after the exit frame");
			return -1;
		}
		if (d->hlen < RUN_EXEC_HDR) {
			n = RUN_EXEC_HDR - d->hlen;
			if (n > len - off)
				n = len - off;
			memcpy(d->hdr + d->hlen, p + off, n);
			d->hlen += n;
			off += n;
			*used = off;
			if (d->hlen < RUN_EXEC_HDR)
				return 0;
			if (take_header(d, err, errlen))
				return -1;
			continue;
		}
		n = d->len - d->got;
		if (n > len - off)
			n = len - off;
		memcpy(d->buf + d->got, p + off, n);
		d->got += n;
		off += n;
		*used = off;
		if (d->got == d->len)
			return take_frame(d, f, err, errlen);
	}
	/* a header whose payload is still to come, or nothing at all */
	return 0;
}

/**
 * run_exec_dec_end() - the connection ended: was the answer whole?
 * @d: the decoder
 * @err: message when it was not
 * @errlen: bytes at @err
 *
 * Return: 0 when the exit frame came, -1 otherwise.
 */
int run_exec_dec_end(const struct run_exec_dec *d, char *err, size_t errlen)
{
	if (d->ended)
		return 0;
	if (d->hlen)
		cohort_seterr(err, errlen, "the connection ended in the middle of a frame");
	else
		cohort_seterr(err, errlen, "the connection ended before the command's exit status");
	return -1;
}
