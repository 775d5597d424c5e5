#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the QEMU machine (q35, 4 vCPUs, 2 NUMA nodes) with the
# Cohort primary and run scripts/demo-guest.sh inside it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
echo "== Booting the Cohort primary under QEMU (TCG): 4 CPUs, 2 NUMA nodes, 2 GiB, a 512 MiB pool part on each node"
exec "$top/scripts/cohort-vm" --smp 4 --numa --mem 2G --timeout 600 \
	--append cohort_pool=0:512M,1:512M \
	--add "$top/build/test-images:/images" \
	--add "$top/scripts/demo-guest.sh:/cohort/demo.sh" -- sh /cohort/demo.sh
