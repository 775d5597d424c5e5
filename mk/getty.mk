# SPDX-License-Identifier: GPL-2.0
#
# cohort-getty (initramfs/getty/): puts a shell on an instance's console
# for the default instance init.  Static, for the initramfs.

GETTY_SRC := initramfs/getty/cohort_getty.c
GETTY_BIN := $(B)/static/bin/cohort-getty

STATIC_BINS += $(GETTY_BIN)

$(GETTY_BIN): $(GETTY_SRC) mk/getty.mk
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $(GETTY_SRC) $(STATIC_LDFLAGS)
