# SPDX-License-Identifier: GPL-2.0
#
# cohort-abi-check (tests/abi/): raw /dev/cohort ioctls that the kernel
# must refuse, run inside the VM by tests/vm/instance-refusals.sh.  Static,
# for the initramfs.

ABI_CHECK_SRC := tests/abi/cohort_abi_check.c
ABI_CHECK_BIN := $(B)/static/bin/cohort-abi-check

STATIC_BINS += $(ABI_CHECK_BIN)

$(ABI_CHECK_BIN): $(ABI_CHECK_SRC) include/uapi/linux/cohort.h mk/abi-check.mk
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $(ABI_CHECK_SRC) $(STATIC_LDFLAGS)
