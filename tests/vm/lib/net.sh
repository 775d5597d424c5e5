# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the network link scenarios tests/vm/net.sh and
# tests/vm/net-hostile.sh, which source this file as /tests/vm/lib/net.sh
# inside the guest (busybox sh) after common.sh.  It needs nothing of
# common.sh, so an instance's command may begin with it too (net.sh puts
# it at the head of its instances' /cohort/cmd).

# Debian's programs, not busybox's applets (which its sh prefers).
ip() { /usr/sbin/ip "$@"; }
ping() { /usr/bin/ping "$@"; }

# carrier IFACE: 1 or 0; "none" when it cannot be read (no such
# interface, or the interface is down).
carrier() { cat "/sys/class/net/$1/carrier" 2>/dev/null || echo none; }
carrier_is() { [ "$(carrier "$1")" = "$2" ]; } # IFACE 1|0|none
