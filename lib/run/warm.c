// SPDX-License-Identifier: GPL-2.0
/*
 * The warm hand-over's wire format (warm.h): the header the primary
 * sends and the one-line answer of the instance.  Each side parses what
 * the other wrote as hostile input.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "warm.h"

/**
 * run_warm_header() - encode the header of a hand-over
 * @len: bytes of JSON that follow (0: only ask whether it is ready)
 * @hdr: out: the header
 */
void run_warm_header(uint32_t len, unsigned char hdr[RUN_WARM_HDR])
{
	memcpy(hdr, RUN_WARM_MAGIC, 4);
	hdr[4] = len & 0xff;
	hdr[5] = (len >> 8) & 0xff;
	hdr[6] = (len >> 16) & 0xff;
	hdr[7] = (len >> 24) & 0xff;
}

/**
 * run_warm_parse_header() - check a header the primary sent
 * @hdr: what was read
 * @len: out: the bytes of JSON that follow
 * @err: out: why it is refused
 * @errlen: bytes at @err
 *
 * Return: 0, or -1 for a wrong magic or a length over RUN_JSON_MAX.
 */
int run_warm_parse_header(const unsigned char hdr[RUN_WARM_HDR],
			  uint32_t *len, char *err, size_t errlen)
{
	uint32_t n;

	if (memcmp(hdr, RUN_WARM_MAGIC, 4)) {
		cohort_seterr(err, errlen, "not a warm hand-over (bad magic)");
		return -1;
	}
	n = (uint32_t)hdr[4] | (uint32_t)hdr[5] << 8 |
	    (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 24;
	if (n > RUN_JSON_MAX) {
		cohort_seterr(err, errlen, "a spec of %u bytes; at most %d",
			 (unsigned int)n, RUN_JSON_MAX);
		return -1;
	}
	*len = n;
	return 0;
}

/**
 * run_warm_parse_reply() - read the instance's answer
 * @buf: the bytes read, up to the end of the connection
 * @len: how many
 * @reply: out: what it said
 * @err: out: for RUN_WARM_ERROR the instance's reason, with anything
 *       but printable ASCII replaced by '?'; or why the answer is not one
 * @errlen: bytes at @err
 *
 * Return: 0 for a well-formed answer (RUN_WARM_ERROR included), -1 for
 * anything else (said in @err).
 */
int run_warm_parse_reply(const char *buf, size_t len,
			 enum run_warm_reply *reply, char *err,
			 size_t errlen)
{
	static const char epfx[] = "error: ";
	size_t i, n, o = 0;

	if (!len || len > RUN_WARM_REPLY_MAX || buf[len - 1] != '\n' ||
	    memchr(buf, '\n', len - 1)) {
		cohort_seterr(err, errlen, len ? "a malformed answer" : "no answer");
		return -1;
	}
	if (len == 6 && !memcmp(buf, "ready\n", 6)) {
		*reply = RUN_WARM_READY;
		return 0;
	}
	if (len == 3 && !memcmp(buf, "ok\n", 3)) {
		*reply = RUN_WARM_OK;
		return 0;
	}
	/* "error: " and at least one character of reason */
	if (len < sizeof(epfx) + 1 || memcmp(buf, epfx, sizeof(epfx) - 1)) {
		cohort_seterr(err, errlen, "a malformed answer");
		return -1;
	}
	*reply = RUN_WARM_ERROR;
	n = len - 1 - (sizeof(epfx) - 1);
	for (i = 0; i < n && errlen && o < errlen - 1; i++) {
		char ch = buf[sizeof(epfx) - 1 + i];

		err[o++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	if (errlen)
		err[o] = '\0';
	return 0;
}
