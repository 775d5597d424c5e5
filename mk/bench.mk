# SPDX-License-Identifier: GPL-2.0
# Benchmark helpers that run inside the VM (static, in the initramfs).
STATIC_BINS += $(B)/static/bin/cohort-spawn-bench

$(B)/static/bin/cohort-spawn-bench: bench/spawn/spawn_bench.c include/uapi/linux/cohort.h
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -Iinclude/uapi -o $@ $< $(STATIC_LDFLAGS)

STATIC_BINS += $(B)/static/bin/cohort-maptouch

$(B)/static/bin/cohort-maptouch: bench/maptouch/maptouch.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $< $(STATIC_LDFLAGS)

STATIC_BINS += $(B)/static/bin/cohort-sock-rr

$(B)/static/bin/cohort-sock-rr: bench/sock_rr.c lib/cohort/fdio.c \
		lib/cohort/fdio.h
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ bench/sock_rr.c lib/cohort/fdio.c \
		$(STATIC_LDFLAGS)

STATIC_BINS += $(B)/static/bin/cohort-first-output

$(B)/static/bin/cohort-first-output: bench/run/first_output.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $< $(STATIC_LDFLAGS)

STATIC_BINS += $(B)/static/bin/cohort-svc-gap

$(B)/static/bin/cohort-svc-gap: bench/svc_gap.c
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -o $@ $< $(STATIC_LDFLAGS)
