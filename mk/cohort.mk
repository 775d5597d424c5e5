# SPDX-License-Identifier: GPL-2.0
#
# cohort(8), the command line tool (cmd/cohort/), the parsing library it
# shares with cohortd and the tests (lib/cohort/), and their unit tests.
#
#   build/host/bin/cohort            sanitizers, for the host tests
#   build/static/bin/cohort          static, for the initramfs
#   build/host/lib/libcohort.a       lib/cohort/, sanitizers
#   build/static/lib/libcohort.a     lib/cohort/, for static programs
#   build/host/tests/test_cohort_*   cmocka unit tests
#
# Other components may link $(LIBCOHORT_HOST) / $(LIBCOHORT_STATIC) and
# include "cohort/parse.h", "cohort/bzimage.h", "cohort/console.h".

COHORT_LIB_SRCS := $(wildcard lib/cohort/*.c)
COHORT_CLI_SRCS := $(wildcard cmd/cohort/*.c)
COHORT_UNIT_SRCS := $(wildcard tests/unit/test_cohort_*.c)

COHORT_JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
COHORT_JSONC_LIBS := $(or $(shell pkg-config --libs json-c 2>/dev/null),-ljson-c)
COHORT_CMOCKA_LIBS := $(or $(shell pkg-config --libs cmocka 2>/dev/null),-lcmocka)
# cohort check reads /proc/config.gz
COHORT_ZLIB_LIBS := $(or $(shell pkg-config --libs zlib 2>/dev/null),-lz)

LIBCOHORT_HOST := $(B)/host/lib/libcohort.a
LIBCOHORT_STATIC := $(B)/static/lib/libcohort.a

COHORT_HOST_LIB_OBJS := $(COHORT_LIB_SRCS:%.c=$(B)/host/obj/%.o)
COHORT_STATIC_LIB_OBJS := $(COHORT_LIB_SRCS:%.c=$(B)/static/obj/%.o)
COHORT_HOST_CLI_OBJS := $(COHORT_CLI_SRCS:%.c=$(B)/host/obj/%.o)
COHORT_STATIC_CLI_OBJS := $(COHORT_CLI_SRCS:%.c=$(B)/static/obj/%.o)
COHORT_UNIT_BINS := $(COHORT_UNIT_SRCS:tests/unit/%.c=$(B)/host/tests/%)

TOOLS += $(B)/host/bin/cohort
STATIC_BINS += $(B)/static/bin/cohort
HOST_TESTS += $(COHORT_UNIT_BINS)

# Objects, with header dependencies (-MMD).
$(B)/host/obj/lib/cohort/%.o: lib/cohort/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/lib/cohort/%.o: lib/cohort/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/obj/cmd/cohort/%.o: cmd/cohort/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(COHORT_JSONC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/cmd/cohort/%.o: cmd/cohort/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(COHORT_JSONC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/obj/tests/unit/test_cohort_%.o: tests/unit/test_cohort_%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DCOHORT_TEST_BZIMAGE='"$(B)/bzImage"' \
		-DCOHORT_TEST_TOP='"$(TOP)"' \
		-MMD -MP -c -o $@ $<

$(LIBCOHORT_HOST): $(COHORT_HOST_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBCOHORT_STATIC): $(COHORT_STATIC_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# cohort run links the image import (mk/image.mk) and the run
# specification (mk/run.mk); named by path here, as those files are read
# after this one.
# cohort apply reads the declared instances (mk/decl.mk, libinih), before
# librun: it uses some of it.
COHORT_RUN_HOST_LIBS := $(B)/host/lib/libdecl.a $(B)/host/lib/libimage.a \
	$(B)/host/lib/librun.a
COHORT_RUN_STATIC_LIBS := $(B)/static/lib/libdecl.a \
	$(B)/static/lib/libimage.a $(B)/static/lib/librun.a
COHORT_INIH_LIBS := $(or $(shell pkg-config --libs inih 2>/dev/null),-linih)
COHORT_ARCHIVE_LIBS := $(or $(shell pkg-config --libs libarchive libcrypto \
	2>/dev/null),-larchive -lcrypto)
# Statically: libarchive and what it needs (the -dev packages ship .a
# files, scripts/deps.sh), OpenSSL's libcrypto, json-c, libinih.
COHORT_ARCHIVE_STATIC_LIBS := -larchive -lnettle -lacl -llzma -lzstd -llz4 \
	-lbz2 -lz -lcrypto -ljson-c -linih -ldl -pthread

$(B)/host/bin/cohort: $(COHORT_HOST_CLI_OBJS) $(LIBCOHORT_HOST) \
		$(COHORT_RUN_HOST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $(COHORT_HOST_CLI_OBJS) \
		$(COHORT_RUN_HOST_LIBS) $(LIBCOHORT_HOST) \
		$(COHORT_ARCHIVE_LIBS) $(COHORT_JSONC_LIBS) $(COHORT_INIH_LIBS) \
		$(COHORT_ZLIB_LIBS)

# json-c and libinih are linked statically: libjson-c-dev ships
# libjson-c.a, libinih-dev libinih.a.
$(B)/static/bin/cohort: $(COHORT_STATIC_CLI_OBJS) $(LIBCOHORT_STATIC) \
		$(COHORT_RUN_STATIC_LIBS)
	@mkdir -p $(@D)
	@a=$$($(CC) -print-file-name=libjson-c.a); [ -f "$$a" ] || \
		{ echo "cohort: libjson-c.a missing: install libjson-c-dev" >&2; exit 1; }
	@a=$$($(CC) -print-file-name=libinih.a); [ -f "$$a" ] || \
		{ echo "cohort: libinih.a missing: install libinih-dev" >&2; exit 1; }
	$(CC) $(STATIC_LDFLAGS) -o $@ $(COHORT_STATIC_CLI_OBJS) \
		$(COHORT_RUN_STATIC_LIBS) $(LIBCOHORT_STATIC) \
		$(COHORT_ARCHIVE_STATIC_LIBS)

$(B)/host/tests/test_cohort_%: $(B)/host/obj/tests/unit/test_cohort_%.o \
		$(LIBCOHORT_HOST)
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $< $(LIBCOHORT_HOST) $(COHORT_CMOCKA_LIBS)

-include $(COHORT_HOST_LIB_OBJS:.o=.d) $(COHORT_STATIC_LIB_OBJS:.o=.d) \
	$(COHORT_HOST_CLI_OBJS:.o=.d) $(COHORT_STATIC_CLI_OBJS:.o=.d) \
	$(COHORT_UNIT_SRCS:tests/unit/%.c=$(B)/host/obj/tests/unit/%.d)
