#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, with apt, everything Cohort needs to build and test.  Idempotent
# and quick when all is present (one dpkg query).  Nothing is fetched from
# anywhere but Debian's archive.
set -euo pipefail

pkgs=(
	build-essential gcc make flex bison bc libelf-dev libssl-dev cpio
	xz-utils kmod pkg-config ccache python3 git
	linux-source-6.12
	qemu-system-x86 busybox-static
	libcmocka-dev libjson-c-dev libfuse3-dev fuse3 libarchive-dev
	libinih-dev libsystemd-dev
	clang libclang-rt-14-dev
	tmux socat iperf3 iputils-ping iproute2
	umoci skopeo crun
	# reads the instances' memory dumps (cohort dump) in the tests
	makedumpfile
	# static libarchive for the initramfs cohort (cohort run)
	libzstd-dev liblz4-dev libacl1-dev liblzma-dev libbz2-dev zlib1g-dev
	# make deb: the cohort-tools package and its checks (tests/host/deb.sh)
	debhelper lintian debconf man-db
)

missing=()
for p in "${pkgs[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
