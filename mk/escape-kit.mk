# SPDX-License-Identifier: GPL-2.0
#
# cohort-escape-kit (tests/escape/): tries, as root, the ways out of a
# kernel's grant; run inside the VM by tests/vm/escape*.sh.  Static, for
# the initramfs.

ESCAPE_KIT_SRC := tests/escape/escape_kit.c
ESCAPE_KIT_BIN := $(B)/static/bin/cohort-escape-kit

STATIC_BINS += $(ESCAPE_KIT_BIN)

$(ESCAPE_KIT_BIN): $(ESCAPE_KIT_SRC) mk/escape-kit.mk
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $(ESCAPE_KIT_SRC) $(STATIC_LDFLAGS)
