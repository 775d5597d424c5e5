# SPDX-License-Identifier: GPL-2.0
#
# cohort-init (cmd/cohort-init/): PID 1 of an instance started by
# `cohort run`; reads the run spec (lib/run, mk/run.mk), builds the root
# filesystem, runs the process, reports its status.  Static, for the
# initramfs, with json-c linked statically.
#
#   build/static/bin/cohort-init     the initramfs's /sbin/cohort-init
#   build/host/bin/cohort-init       the same with sanitizers, for
#                                    tests/host/cohort-init.sh
#
# The libraries are named by path: mk/cohort.mk and mk/run.mk are read
# after this file.

INIT_SRCS := $(wildcard cmd/cohort-init/*.c)
INIT_HOST_OBJS := $(INIT_SRCS:%.c=$(B)/host/obj/%.o)
INIT_STATIC_OBJS := $(INIT_SRCS:%.c=$(B)/static/obj/%.o)
INIT_JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
INIT_JSONC_LIBS := $(or $(shell pkg-config --libs json-c 2>/dev/null),-ljson-c)

STATIC_BINS += $(B)/static/bin/cohort-init
TOOLS += $(B)/host/bin/cohort-init

$(B)/host/obj/cmd/cohort-init/%.o: cmd/cohort-init/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(INIT_JSONC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/cmd/cohort-init/%.o: cmd/cohort-init/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(INIT_JSONC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/bin/cohort-init: $(INIT_HOST_OBJS) $(B)/host/lib/librun.a \
		$(B)/host/lib/libcohort.a
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $(INIT_HOST_OBJS) $(B)/host/lib/librun.a \
		$(B)/host/lib/libcohort.a $(INIT_JSONC_LIBS)

$(B)/static/bin/cohort-init: $(INIT_STATIC_OBJS) $(B)/static/lib/librun.a \
		$(B)/static/lib/libcohort.a
	@mkdir -p $(@D)
	@a=$$($(CC) -print-file-name=libjson-c.a); [ -f "$$a" ] || \
		{ echo "cohort-init: libjson-c.a missing: install libjson-c-dev" >&2; exit 1; }
	$(CC) $(STATIC_LDFLAGS) -o $@ $(INIT_STATIC_OBJS) \
		$(B)/static/lib/librun.a $(B)/static/lib/libcohort.a -ljson-c

-include $(INIT_HOST_OBJS:.o=.d) $(INIT_STATIC_OBJS:.o=.d)
