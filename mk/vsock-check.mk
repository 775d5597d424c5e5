# SPDX-License-Identifier: GPL-2.0
#
# cohort-vsock-check (tests/vsock/): AF_VSOCK behaviour between kernels
# that socat cannot show; run in the VM by tests/vm/vsock-sockets.sh.
# Static, for the initramfs.

VSOCK_CHECK_SRC := tests/vsock/vsock_check.c lib/cohort/fdio.c
VSOCK_CHECK_BIN := $(B)/static/bin/cohort-vsock-check

STATIC_BINS += $(VSOCK_CHECK_BIN)

$(VSOCK_CHECK_BIN): $(VSOCK_CHECK_SRC) lib/cohort/fdio.h mk/vsock-check.mk
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $(VSOCK_CHECK_SRC) $(STATIC_LDFLAGS)
