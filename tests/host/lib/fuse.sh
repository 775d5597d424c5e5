# SPDX-License-Identifier: GPL-2.0
# Helpers of the host tests that mount cohortfs images with FUSE, sourced
# by them.  Not a test itself: scripts/check.sh only runs tests/host/*.sh.
#
#   need_tools PROGRAM...  exit 1 unless each is built in $BIN
#   need_fuse              exit 77 (skip) without /dev/fuse or fusermount3
#   umnt DIR [ARG]         unmount DIR and wait until its daemon has let go
#                          of the image; ARG: DIR as its command line has it
#   fail TEXT              exit 1

BIN=${BIN:-build/host/bin}
export ASAN_OPTIONS=detect_leaks=0

need_tools() {
	local p
	for p in "$@"; do
		[ -x "$BIN/$p" ] || { echo "missing $BIN/$p (make tools)"; exit 1; }
	done
}

need_fuse() {
	if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
		echo "SKIP: no /dev/fuse or fusermount3"
		exit 77
	fi
}

umnt() {
	local i
	fusermount3 -u "$1" || return 1
	for i in $(seq 1 100); do
		pgrep -f "cohortfs-fuse [^ ]* ${2:-$1}\$" >/dev/null || return 0
		sleep 0.05
	done
	return 1
}

fail() { echo "FAIL: $*"; exit 1; }
