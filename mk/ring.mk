# SPDX-License-Identifier: GPL-2.0
#
# The message ring (lib/ring/): unit tests, the multi-process stress tool
# and the native benchmarks.  lib/ring/cohort_ring.c is also built in the
# kernel (kernel/shared.map).

RING_DIR := lib/ring
RING_CORE := $(RING_DIR)/cohort_ring.c
RING_HOST := $(RING_DIR)/ring_host.c
RING_HDRS := $(RING_DIR)/ring_layout.h $(RING_DIR)/cohort_ring.h \
	$(RING_DIR)/ring_os.h $(RING_DIR)/ring_host.h

RING_TESTS := $(B)/host/tests/test_ring $(B)/host/tests/test_ring_fuzz
RING_TOOLS := $(B)/host/bin/cohort-ring-stress
RING_BENCH := $(B)/host/bench/ring-bench

HOST_TESTS += $(RING_TESTS)
TOOLS += $(RING_TOOLS)
BENCH_NATIVE += $(RING_BENCH)

# Unit tests see the test hook inside cohort_ring_send().
$(RING_TESTS): $(B)/host/tests/%: tests/unit/%.c tests/unit/ring_test_util.h \
		$(RING_CORE) $(RING_HOST) \
		$(RING_HDRS) mk/ring.mk
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DCOHORT_RING_TEST_HOOKS -o $@ $< $(RING_CORE) \
		$(RING_HOST) $(HOST_LDFLAGS) -lcmocka

$(B)/host/bin/cohort-ring-stress: tests/ring/ring_stress.c $(RING_CORE) \
		$(RING_HOST) $(RING_HDRS) mk/ring.mk
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DCOHORT_RING_TEST_HOOKS -o $@ $< $(RING_CORE) \
		$(RING_HOST) $(HOST_LDFLAGS)

# Benchmarks: optimised, no sanitizers.
$(B)/host/bench/ring-bench: bench/ring_bench.c $(RING_CORE) $(RING_HOST) \
		$(RING_HDRS) mk/ring.mk
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $< $(RING_CORE) $(RING_HOST) -lpthread
