# SPDX-License-Identifier: GPL-2.0
#
# cohortfs: lock-free shared-memory filesystem (userspace half).
# The format logic in lib/cohortfs/cfs_{super,inode,dir,check}.c is shared
# with the kernel module; cfs_user.c is the userspace-only library.

CFS_FMT_SRCS := $(addprefix lib/cohortfs/,cfs_super.c cfs_inode.c \
	cfs_dir.c cfs_check.c)
CFS_SRCS := $(CFS_FMT_SRCS) lib/cohortfs/cfs_user.c
CFS_HDRS := $(wildcard lib/cohortfs/*.h) include/uapi/linux/cohortfs_fs.h
CFS_INC := -I$(TOP)/include/uapi
FUSE_CFLAGS = $(shell pkg-config --cflags fuse3)
FUSE_LIBS = $(shell pkg-config --libs fuse3)

CFS_HOST_OBJS := $(patsubst lib/cohortfs/%.c,$(B)/host/obj/cohortfs/%.o,$(CFS_SRCS))
CFS_STATIC_OBJS := $(patsubst lib/cohortfs/%.c,$(B)/static/obj/cohortfs/%.o,$(CFS_SRCS))
CFS_BENCH_OBJS := $(patsubst lib/cohortfs/%.c,$(B)/bench/obj/cohortfs/%.o,$(CFS_SRCS))
CFS_FUZZ_OBJS := $(patsubst lib/cohortfs/%.c,$(B)/fuzz/obj/cohortfs/%.o,$(CFS_FMT_SRCS))

CFS_TOOLS := mkfs.cohortfs fsck.cohortfs cohortfs-fuse cohortfs-stress \
	cohortfs-posix-check cohortfs-fsdiff
TOOLS += $(addprefix $(B)/host/bin/,$(CFS_TOOLS))
STATIC_BINS += $(addprefix $(B)/static/bin/,mkfs.cohortfs fsck.cohortfs \
	cohortfs-posix-check cohortfs-mmap cohortfs-fsdiff)
HOST_TESTS += $(B)/host/tests/test_cohortfs
BENCH_NATIVE += $(B)/bench/cohortfs-bench
FUZZ_TARGETS += $(B)/fuzz/fuzz_cohortfs

.PHONY: cohortfs
cohortfs: $(addprefix $(B)/host/bin/,$(CFS_TOOLS)) \
	$(B)/host/tests/test_cohortfs

$(B)/host/obj/cohortfs/%.o: lib/cohortfs/%.c $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFS_INC) -c $< -o $@

$(B)/static/obj/cohortfs/%.o: lib/cohortfs/%.c $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(CFS_INC) -c $< -o $@

$(B)/bench/obj/cohortfs/%.o: lib/cohortfs/%.c $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFS_INC) -c $< -o $@

$(B)/fuzz/obj/cohortfs/%.o: lib/cohortfs/%.c $(CFS_HDRS)
	@mkdir -p $(@D)
	clang $(BASE_CFLAGS) $(CFS_INC) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -c $< -o $@

# Host (sanitized) programs.
$(B)/host/bin/mkfs.cohortfs: cmd/mkfs.cohortfs/main.c $(CFS_HOST_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_HOST_OBJS) $(HOST_LDFLAGS) -lpthread

$(B)/host/bin/fsck.cohortfs: cmd/fsck.cohortfs/main.c $(CFS_HOST_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_HOST_OBJS) $(HOST_LDFLAGS) -lpthread

$(B)/host/bin/cohortfs-fuse: cmd/cohortfs-fuse/main.c $(CFS_HOST_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFS_INC) $(FUSE_CFLAGS) -o $@ $< $(CFS_HOST_OBJS) $(HOST_LDFLAGS) $(FUSE_LIBS)

$(B)/host/bin/cohortfs-stress: tests/cohortfs/stress.c $(CFS_HOST_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_HOST_OBJS) $(HOST_LDFLAGS) -lpthread

$(B)/host/bin/cohortfs-posix-check: tests/posix/posix_check.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(HOST_LDFLAGS)

$(B)/host/bin/cohortfs-fsdiff: tests/posix/fsdiff.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(HOST_LDFLAGS)

$(B)/host/tests/test_cohortfs: tests/unit/test_cohortfs.c $(CFS_HOST_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_HOST_OBJS) $(HOST_LDFLAGS) -lcmocka -lpthread

# Static programs for the initramfs.
$(B)/static/bin/mkfs.cohortfs: cmd/mkfs.cohortfs/main.c $(CFS_STATIC_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_STATIC_OBJS) $(STATIC_LDFLAGS) -lpthread

$(B)/static/bin/fsck.cohortfs: cmd/fsck.cohortfs/main.c $(CFS_STATIC_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_STATIC_OBJS) $(STATIC_LDFLAGS) -lpthread

$(B)/static/bin/cohortfs-posix-check: tests/posix/posix_check.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $< $(STATIC_LDFLAGS)

$(B)/static/bin/cohortfs-mmap: tests/posix/mmap_share.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $< $(STATIC_LDFLAGS)

$(B)/static/bin/cohortfs-fsdiff: tests/posix/fsdiff.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $< $(STATIC_LDFLAGS)

# Benchmark: unsanitized daemon and driver.
$(B)/bench/cohortfs-fuse: cmd/cohortfs-fuse/main.c $(CFS_BENCH_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFS_INC) $(FUSE_CFLAGS) -o $@ $< $(CFS_BENCH_OBJS) $(FUSE_LIBS)

$(B)/bench/mkfs.cohortfs: cmd/mkfs.cohortfs/main.c $(CFS_BENCH_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFS_INC) -o $@ $< $(CFS_BENCH_OBJS) -lpthread

$(B)/bench/cohortfs-bench: bench/cohortfs_bench.c $(B)/bench/cohortfs-fuse $(B)/bench/mkfs.cohortfs
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $<

# libFuzzer target over mount-time validation and fsck.
$(B)/fuzz/fuzz_cohortfs: tests/fuzz/fuzz_cohortfs.c $(CFS_FUZZ_OBJS) $(CFS_HDRS)
	@mkdir -p $(@D)
	clang $(BASE_CFLAGS) $(CFS_INC) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $< $(CFS_FUZZ_OBJS)
