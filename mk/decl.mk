# SPDX-License-Identifier: GPL-2.0
#
# Declared instances (lib/decl/): the files of /etc/cohort/instances.d,
# read with libinih (docs/config.md), for "cohort apply" and cohortd; their
# unit tests.
#
#   build/host/lib/libdecl.a         lib/decl/, sanitizers
#   build/static/lib/libdecl.a       lib/decl/, for static programs
#   build/host/tests/test_decl_*     cmocka unit tests
#
# Users include "decl/decl.h" and link, in this order:
#   $(LIBDECL_HOST) $(LIBRUN_HOST) $(LIBCOHORT_HOST) $(DECL_LIBS)
#   $(LIBDECL_STATIC) $(LIBRUN_STATIC) $(LIBCOHORT_STATIC) $(DECL_STATIC_LIBS)
# (librun for run_ulimit_parse() and run_publish_parse() only).

DECL_LIB_SRCS := $(wildcard lib/decl/*.c)
DECL_UNIT_SRCS := $(wildcard tests/unit/test_decl_*.c)

DECL_CFLAGS := $(shell pkg-config --cflags inih 2>/dev/null)
DECL_LIBS := $(or $(shell pkg-config --libs inih 2>/dev/null),-linih)
# libinih-dev ships libinih.a: the static programs carry it.
DECL_STATIC_LIBS := -linih

LIBDECL_HOST := $(B)/host/lib/libdecl.a
LIBDECL_STATIC := $(B)/static/lib/libdecl.a
DECL_HOST_LIB_OBJS := $(DECL_LIB_SRCS:%.c=$(B)/host/obj/%.o)
DECL_STATIC_LIB_OBJS := $(DECL_LIB_SRCS:%.c=$(B)/static/obj/%.o)
DECL_UNIT_BINS := $(DECL_UNIT_SRCS:tests/unit/%.c=$(B)/host/tests/%)

HOST_TESTS += $(DECL_UNIT_BINS)

$(B)/host/obj/lib/decl/%.o: lib/decl/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DECL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/lib/decl/%.o: lib/decl/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(DECL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/obj/tests/unit/test_decl_%.o: tests/unit/test_decl_%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DECL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBDECL_HOST): $(DECL_HOST_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBDECL_STATIC): $(DECL_STATIC_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/host/tests/test_decl_%: $(B)/host/obj/tests/unit/test_decl_%.o \
		$(LIBDECL_HOST) $(LIBRUN_HOST) $(LIBCOHORT_HOST)
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $< $(LIBDECL_HOST) $(LIBRUN_HOST) \
		$(LIBCOHORT_HOST) $(DECL_LIBS) $(RUN_LIBS) $(COHORT_CMOCKA_LIBS)

-include $(DECL_HOST_LIB_OBJS:.o=.d) $(DECL_STATIC_LIB_OBJS:.o=.d) \
	$(DECL_UNIT_SRCS:tests/unit/%.c=$(B)/host/obj/tests/unit/%.d)
