#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Multi-process stress of the message ring (tests/ring/ring_stress.c):
# honest producers, a garbage writer, senders dying mid-send.  Run from
# the top of the repository.  Exit 0 = pass, 77 = skip, else fail.
set -u

bin=build/host/bin/cohort-ring-stress
if [ ! -x "$bin" ]; then
	make -s "$PWD/$bin" >/dev/null || exit 1
fi
[ -x "$bin" ] || exit 77

fails=0
run() {
	echo "# cohort-ring-stress $*"
	if timeout 120 "$bin" -q -T 90 "$@"; then
		echo "ok - ring-stress $*"
	else
		echo "not ok - ring-stress $*"
		fails=$((fails + 1))
	fi
}

run -p 4 -m 200000		# honest: nothing lost, duplicated, reordered
run -p 2 -m 100000 -b 50	# honest, many 60-70 KiB messages
run -p 3 -m 300000 -g		# a peer scribbles and forges
run -p 3 -m 200000 -k 4		# senders die between claim and publish

[ "$fails" = 0 ]
