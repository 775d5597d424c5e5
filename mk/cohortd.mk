# SPDX-License-Identifier: GPL-2.0
#
# cohortd (cmd/cohortd/): the daemon that keeps declared instances
# running (issue 12).  Reads lib/decl (mk/decl.mk), changes instances
# through cohort(8).
#
#   build/host/bin/cohortd     sanitizers; with libsystemd (sd_notify)
#                              when its -dev package is installed
#   build/static/bin/cohortd   for the bench machine's initramfs: no
#                              systemd there, and Debian has no static
#                              libsystemd, so no sd_notify
#   build/host/tests/test_daemon_health
#                              cmocka unit test of its health check rules
#
# The libraries are named by path: mk/cohort.mk, mk/decl.mk and
# mk/run.mk may be read after this file.

CD_SRCS := $(wildcard cmd/cohortd/*.c)
CD_HOST_OBJS := $(CD_SRCS:%.c=$(B)/host/obj/%.o)
CD_STATIC_OBJS := $(CD_SRCS:%.c=$(B)/static/obj/%.o)
CD_JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
CD_JSONC_LIBS := $(or $(shell pkg-config --libs json-c 2>/dev/null),-ljson-c)
CD_SYSTEMD_LIBS := $(shell pkg-config --libs libsystemd 2>/dev/null)
CD_SYSTEMD_CFLAGS := $(if $(CD_SYSTEMD_LIBS),-DHAVE_LIBSYSTEMD)
CD_INIH_LIBS := $(or $(shell pkg-config --libs inih 2>/dev/null),-linih)

STATIC_BINS += $(B)/static/bin/cohortd
TOOLS += $(B)/host/bin/cohortd

# The rules of health checks (healthrule.c) are tested alone.
CD_UNIT_BINS := $(B)/host/tests/test_daemon_health
HOST_TESTS += $(CD_UNIT_BINS)

$(B)/host/obj/tests/unit/test_daemon_%.o: tests/unit/test_daemon_%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Icmd/cohortd -MMD -MP -c -o $@ $<

$(B)/host/tests/test_daemon_health: \
		$(B)/host/obj/tests/unit/test_daemon_health.o \
		$(B)/host/obj/cmd/cohortd/healthrule.o
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $^ $(COHORT_CMOCKA_LIBS)

$(B)/host/obj/cmd/cohortd/%.o: cmd/cohortd/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CD_JSONC_CFLAGS) $(CD_SYSTEMD_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/cmd/cohortd/%.o: cmd/cohortd/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(CD_JSONC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/bin/cohortd: $(CD_HOST_OBJS) $(B)/host/lib/libdecl.a \
		$(B)/host/lib/librun.a $(B)/host/lib/libcohort.a
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $(CD_HOST_OBJS) $(B)/host/lib/libdecl.a \
		$(B)/host/lib/librun.a $(B)/host/lib/libcohort.a \
		$(CD_INIH_LIBS) $(CD_JSONC_LIBS) $(CD_SYSTEMD_LIBS)

$(B)/static/bin/cohortd: $(CD_STATIC_OBJS) $(B)/static/lib/libdecl.a \
		$(B)/static/lib/librun.a $(B)/static/lib/libcohort.a
	@mkdir -p $(@D)
	$(CC) $(STATIC_LDFLAGS) -o $@ $(CD_STATIC_OBJS) \
		$(B)/static/lib/libdecl.a $(B)/static/lib/librun.a \
		$(B)/static/lib/libcohort.a -linih -ljson-c

-include $(CD_HOST_OBJS:.o=.d) $(CD_STATIC_OBJS:.o=.d) \
	$(B)/host/obj/tests/unit/test_daemon_health.d
