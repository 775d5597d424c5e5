# SPDX-License-Identifier: GPL-2.0
#
# The run specification of `cohort run` (lib/run/): the process an image
# runs, decided on the primary and read by cohort-init in the instance
# (docs/image.md, "Running an image"); its unit tests.
#
#   build/host/lib/librun.a          lib/run/, sanitizers
#   build/static/lib/librun.a        lib/run/, for static programs
#   build/host/tests/test_run_*      cmocka unit tests
#
# Users include "run/run.h" and link, in this order:
#   $(LIBRUN_HOST) $(LIBCOHORT_HOST) $(RUN_LIBS)       (host, sanitizers)
#   $(LIBRUN_STATIC) $(LIBCOHORT_STATIC) -ljson-c      (with -static)

RUN_LIB_SRCS := $(wildcard lib/run/*.c)
RUN_UNIT_SRCS := $(wildcard tests/unit/test_run_*.c)

RUN_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
RUN_LIBS := $(or $(shell pkg-config --libs json-c 2>/dev/null),-ljson-c)

LIBRUN_HOST := $(B)/host/lib/librun.a
LIBRUN_STATIC := $(B)/static/lib/librun.a
RUN_HOST_LIB_OBJS := $(RUN_LIB_SRCS:%.c=$(B)/host/obj/%.o)
RUN_STATIC_LIB_OBJS := $(RUN_LIB_SRCS:%.c=$(B)/static/obj/%.o)
RUN_UNIT_BINS := $(RUN_UNIT_SRCS:tests/unit/%.c=$(B)/host/tests/%)

HOST_TESTS += $(RUN_UNIT_BINS)

$(B)/host/obj/lib/run/%.o: lib/run/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(RUN_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/lib/run/%.o: lib/run/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(RUN_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/obj/tests/unit/test_run_%.o: tests/unit/test_run_%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(RUN_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBRUN_HOST): $(RUN_HOST_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBRUN_STATIC): $(RUN_STATIC_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/host/tests/test_run_%: $(B)/host/obj/tests/unit/test_run_%.o \
		$(LIBRUN_HOST) $(LIBCOHORT_HOST)
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $< $(LIBRUN_HOST) $(LIBCOHORT_HOST) \
		$(RUN_LIBS) $(COHORT_CMOCKA_LIBS)

-include $(RUN_HOST_LIB_OBJS:.o=.d) $(RUN_STATIC_LIB_OBJS:.o=.d) \
	$(RUN_UNIT_SRCS:tests/unit/%.c=$(B)/host/obj/tests/unit/%.d)
