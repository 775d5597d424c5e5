# SPDX-License-Identifier: GPL-2.0
#
# Image import (lib/image/): OCI layouts and docker-archives into a root
# filesystem directory, the first step of `cohort run` (docs/image.md);
# cohort-image, its command line tool; their unit tests.
#
#   build/host/lib/libimage.a        lib/image/, sanitizers
#   build/static/lib/libimage.a      lib/image/, for static programs
#                                    (link $(IMAGE_STATIC_LIBS) after it)
#   build/host/bin/cohort-image      inspect / unpack
#   build/host/tests/test_image_*    cmocka unit tests
#
# Links libarchive, json-c and OpenSSL's libcrypto.

IMAGE_LIB_SRCS := $(wildcard lib/image/*.c)
IMAGE_CLI_SRCS := $(wildcard cmd/cohort-image/*.c)
IMAGE_UNIT_SRCS := $(wildcard tests/unit/test_image_*.c)

IMAGE_PKGS := libarchive json-c libcrypto
IMAGE_CFLAGS := $(shell pkg-config --cflags $(IMAGE_PKGS) 2>/dev/null)
IMAGE_LIBS := $(or $(shell pkg-config --libs $(IMAGE_PKGS) 2>/dev/null),\
	-larchive -ljson-c -lcrypto)

LIBIMAGE_HOST := $(B)/host/lib/libimage.a
LIBIMAGE_STATIC := $(B)/static/lib/libimage.a
IMAGE_HOST_LIB_OBJS := $(IMAGE_LIB_SRCS:%.c=$(B)/host/obj/%.o)
IMAGE_STATIC_LIB_OBJS := $(IMAGE_LIB_SRCS:%.c=$(B)/static/obj/%.o)
IMAGE_HOST_CLI_OBJS := $(IMAGE_CLI_SRCS:%.c=$(B)/host/obj/%.o)
IMAGE_UNIT_BINS := $(IMAGE_UNIT_SRCS:tests/unit/%.c=$(B)/host/tests/%)

TOOLS += $(B)/host/bin/cohort-image
HOST_TESTS += $(IMAGE_UNIT_BINS)

$(B)/host/obj/lib/image/%.o: lib/image/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(IMAGE_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/static/obj/lib/image/%.o: lib/image/%.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(IMAGE_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/obj/cmd/cohort-image/%.o: cmd/cohort-image/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(IMAGE_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/host/obj/tests/unit/test_image_%.o: tests/unit/test_image_%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(IMAGE_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBIMAGE_HOST): $(IMAGE_HOST_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBIMAGE_STATIC): $(IMAGE_STATIC_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# cohort-image spec links the run specification (mk/run.mk, read after
# this file: named by path).
$(B)/host/bin/cohort-image: $(IMAGE_HOST_CLI_OBJS) $(LIBIMAGE_HOST) \
		$(B)/host/lib/librun.a $(LIBCOHORT_HOST)
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $(IMAGE_HOST_CLI_OBJS) $(LIBIMAGE_HOST) \
		$(B)/host/lib/librun.a $(LIBCOHORT_HOST) $(IMAGE_LIBS)

$(B)/host/tests/test_image_%: $(B)/host/obj/tests/unit/test_image_%.o \
		$(LIBIMAGE_HOST) $(LIBCOHORT_HOST)
	@mkdir -p $(@D)
	$(CC) $(HOST_LDFLAGS) -o $@ $< $(LIBIMAGE_HOST) $(LIBCOHORT_HOST) $(IMAGE_LIBS) \
		$(COHORT_CMOCKA_LIBS)

-include $(IMAGE_HOST_LIB_OBJS:.o=.d) $(IMAGE_HOST_CLI_OBJS:.o=.d) \
	$(IMAGE_STATIC_LIB_OBJS:.o=.d) \
	$(IMAGE_UNIT_SRCS:tests/unit/%.c=$(B)/host/obj/tests/unit/%.d)
