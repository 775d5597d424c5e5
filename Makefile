# SPDX-License-Identifier: GPL-2.0
#
# Cohort top-level Makefile.  Every target installs what it needs first
# (scripts/deps.sh, quick when all is there).
#
#   make check    build everything, run unit, host and VM tests
#   make check-debug  the VM tests on a lockdep/KASAN kernel (long)
#   make demo     boot the QEMU machine and show Cohort
#   make bench    benchmarks, one BENCH line per figure
#   make kernel   the kernel only (build/bzImage)
#   make deb      the cohort-tools Debian package (build/deb/)
#
# Userspace components describe themselves in mk/*.mk; each one appends to:
#   TOOLS        host programs              (build/host/bin/NAME)
#   STATIC_BINS  programs for the initramfs (build/static/bin/NAME)
#   HOST_TESTS   cmocka unit test programs  (run with TAP output)
#   BENCH_NATIVE benchmark programs run on the host by `make bench`
#   FUZZ_TARGETS libFuzzer programs (`make fuzz`)

TOP := $(CURDIR)
B := $(TOP)/build

CC ?= cc
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -I$(TOP)/include -I$(TOP)/lib \
	-D_GNU_SOURCE
# Test builds carry the sanitizers; the initramfs gets static builds.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
HOST_CFLAGS := $(BASE_CFLAGS) $(SAN)
HOST_LDFLAGS := $(SAN)
STATIC_CFLAGS := $(BASE_CFLAGS)
STATIC_LDFLAGS := -static

TOOLS :=
STATIC_BINS :=
HOST_TESTS :=
BENCH_NATIVE :=
FUZZ_TARGETS :=

.PHONY: all deps kernel kernel-export kernel-reset initramfs tools check \
	check-debug unit demo bench fuzz clean distclean test-images \
	release release-build deb tools-build
all: tools initramfs

include $(sort $(wildcard mk/*.mk))

DEPS_STAMP := $(B)/.deps-ok
deps:
	@scripts/deps.sh

kernel: deps
	@scripts/kernel-build.sh

kernel-export:
	@scripts/kernel-export.sh

kernel-reset:
	@scripts/kernel-build.sh --reset

# Built by a parallel sub-make: a cold build takes half the time on two
# cores.  Asking for -j yourself works too (make warns, builds the same).
NPROC := $(shell nproc 2>/dev/null || echo 1)
tools: deps
	@$(MAKE) --no-print-directory -j$(NPROC) tools-build
tools-build: $(TOOLS) $(STATIC_BINS) $(HOST_TESTS)
	@:

initramfs: deps kernel $(STATIC_BINS)
	@scripts/mkinitramfs.sh $(STATIC_BINS)

unit: deps $(HOST_TESTS)
	@scripts/check.sh --unit-only $(HOST_TESTS)

check: deps kernel tools initramfs test-images
	@scripts/check.sh $(HOST_TESTS)

# Container images for cohort run in the VM tests and the demo, built
# with umoci and skopeo (tests/images/build.sh; quick when up to date).
test-images: deps
	@tests/images/build.sh $(B)/test-images

# The VM scenarios on a lockdep/KASAN kernel; too long for CI (run by hand,
# reported on the issue).
check-debug: deps tools initramfs test-images
	@COHORT_KERNEL_VARIANT=debug scripts/kernel-build.sh
	@scripts/check-debug.sh

demo: deps kernel tools initramfs test-images
	@scripts/demo.sh

bench: deps kernel tools initramfs $(BENCH_NATIVE)
	@scripts/bench.sh $(BENCH_NATIVE)

fuzz: deps $(FUZZ_TARGETS)
	@scripts/fuzz.sh $(FUZZ_TARGETS)

# The release flavour: the programs the cohort-tools package ships, built
# by the host flavour's own rules (mk/*.mk) with B=build/release, so they
# land in build/release/host/bin/: -O2, no sanitizers, linked dynamically,
# with Debian's hardening flags (dpkg-buildflags, hardening=+all).
# cohortd must speak sd_notify there (its unit is Type=notify): without
# libsystemd-dev the build stops.  release-build is what debian/rules
# calls (its build dependencies are checked by dpkg-buildpackage).
REL := $(B)/release
RELEASE_PROGS := cohort cohortd mkfs.cohortfs fsck.cohortfs cohortfs-fuse
RELEASE_BINS := $(addprefix $(REL)/host/bin/,$(RELEASE_PROGS))
REL_FLAGS = DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get

release: deps release-build

release-build:
	@pkg-config --exists libsystemd || { echo "release: libsystemd-dev is missing: cohortd would not speak sd_notify" >&2; exit 1; }
	@$(MAKE) --no-print-directory B=$(REL) \
		HOST_CFLAGS="$(BASE_CFLAGS) $$($(REL_FLAGS) CPPFLAGS) $$($(REL_FLAGS) CFLAGS)" \
		HOST_LDFLAGS="$$($(REL_FLAGS) LDFLAGS)" $(RELEASE_BINS)

# The cohort-tools package (debian/): build/deb/cohort-tools_VERSION_ARCH.deb
# and the build's .buildinfo and .changes.  Unsigned; lintian it with
# lintian build/deb/*.changes.
DEB_OUT := $(B)/deb
deb: deps
	@rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT)
	dpkg-buildpackage -b -us -uc \
		--buildinfo-option=-u$(DEB_OUT) --changes-option=-u$(DEB_OUT) \
		--buildinfo-file=$(DEB_OUT)/$$(dpkg-parsechangelog -S Source)_$$(dpkg-parsechangelog -S Version)_$$(dpkg-architecture -q DEB_HOST_ARCH).buildinfo \
		--changes-file=$(DEB_OUT)/$$(dpkg-parsechangelog -S Source)_$$(dpkg-parsechangelog -S Version)_$$(dpkg-architecture -q DEB_HOST_ARCH).changes
	@ls $(DEB_OUT)/*.deb

clean:
	rm -rf $(B)/host $(B)/static $(B)/fuzz $(B)/initramfs* $(B)/vm \
		$(B)/release $(B)/deb

distclean:
	rm -rf $(B)
