// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort log NAME [-f]", an instance's console output.
 *
 * Prints the console from the oldest byte the kernel still holds up to
 * console_head (follow.c copies it).  With -f, console_head is polled
 * every 100 ms until the instance has not been starting, running or
 * stopping for more than a second, or until SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cohort.h"

#define POLL_NS		(100 * 1000 * 1000L)
#define LINGER_NS	(1000 * 1000 * 1000LL)

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	interrupted = 1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool state_active(const char *s)
{
	return !strcmp(s, COHORT_STATE_STARTING) ||
	       !strcmp(s, COHORT_STATE_RUNNING) ||
	       !strcmp(s, COHORT_STATE_STOPPING);
}

static int follow(struct follower *f)
{
	struct timespec poll = { 0, POLL_NS };
	long long last_active = now_ns();
	struct sigaction sa;
	char state[32];
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	f->stop = &interrupted;

	while (!interrupted) {
		bool last = false;

		nanosleep(&poll, NULL);
		if (interrupted)
			break;
		ret = sysfs_inst_read(f->c, f->name, "state", state,
				      sizeof(state));
		if (ret == -ENOENT)
			break;		/* deleted */
		if (ret >= 0 && state_active(state))
			last_active = now_ns();
		else if (now_ns() - last_active > LINGER_NS)
			last = true;
		switch (follower_poll(f)) {
		case FOLLOW_OK:
			break;
		case FOLLOW_ERR:
			return EXIT_FAIL;
		default:	/* deleted, or nobody reads the output */
			return EXIT_OK;
		}
		if (last)
			break;
	}
	return EXIT_OK;
}

/* The console of @name to stdout; with @follow_on, until it stops. */
static int show(struct cli *c, const char *name, bool follow_on)
{
	struct follower f;
	int ret;

	ret = follower_open(&f, c, name, STDOUT_FILENO, true);
	if (ret)
		return ret;
	switch (follower_poll(&f)) {
	case FOLLOW_OK:
		ret = follow_on ? follow(&f) : EXIT_OK;
		break;
	case FOLLOW_ERR:
		ret = EXIT_FAIL;
		break;
	default:
		ret = EXIT_OK;
		break;
	}
	follower_close(&f);
	return ret;
}

/**
 * cli_follow_log() - copy an instance's console to stdout until it stops
 * @c: the invocation
 * @name: the instance
 *
 * As "cohort log -f" (the whole stream of this start first).
 *
 * Return: an exit status, or -1 when Ctrl-C ended it first.
 */
int cli_follow_log(struct cli *c, const char *name)
{
	int ret = show(c, name, true);

	return interrupted ? -1 : ret;
}

/**
 * cmd_log() - "cohort log NAME [-f]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_log(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name;
	bool follow_on = false;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "f", lo, NULL)) != -1) {
		if (opt != 'f')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		follow_on = true;
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;
	return show(c, name, follow_on);
}
