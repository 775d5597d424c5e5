# SPDX-License-Identifier: GPL-2.0
# Helpers of the cohortd scenarios (tests/vm/cohortd*.sh) and benchmarks
# (bench/vm/standby.sh), sourced after common.sh inside the guest.  Not
# a test itself.
#
#   ev NAME EVENT         how many EVENT events of NAME are recorded
#   ev_is NAME EVENT N    whether that is N (for wait_for: no subshell)
#   phase NAME            its phase in cohort daemon status -j
#   type_in NAME TEXT     TEXT typed into its console's shell (cohort.shell)
#   now_ms                the uptime in milliseconds
#   ask_loop CMD...       runs CMD over and over, printing "MS ANSWER" for
#                         each answer (CMD prints one line, or nothing)
#   longest_gap FILE      the longest time between two answers of FILE, ms

C=${C:-/tmp/conf}
S=${S:-/var/lib/cohort}

ev() { grep -c "\"instance\":\"$1\",\"event\":\"$2\"" $S/events.jsonl 2>/dev/null; }
ev_is() { [ "$(ev "$1" "$2")" = "$3" ]; }
phase() { cohort daemon status -j | grep -o "\"name\":\"$1\",\"phase\":\"[a-z-]*\"" | sed 's/.*phase":"//; s/"//'; }
type_in() {
	(printf '%s\n' "$2"; sleep 3) | cohort console --force --no-history "$1" >/dev/null 2>&1 &
	sleep 4
	kill $! 2>/dev/null
}
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
ask_loop() {
	local a
	while :; do
		a=$("$@" 2>/dev/null)
		[ -n "$a" ] && echo "$(now_ms) $a"
	done
}
longest_gap() {
	awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { print g + 0 }' "$1"
}
