#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The container images the VM tests and the demo run with `cohort run`,
# built with the standard tools (Debian's umoci and skopeo) from Debian's
# static busybox:
#
#   OUT/run       OCI layout, tag t: Entrypoint [/bin/sh -c], Cmd, Env,
#                 WorkingDir /srv/app, User app (1000, also in wheel 10)
#   OUT/run.tar   the same as a `docker save` archive (skopeo), run:t
#   OUT/run-bundle  the same unpacked by umoci as an OCI runtime bundle,
#                 for crun (the reference runtime)
#   OUT/layers    OCI layout, tag t: four layers; later ones delete a file
#                 and a directory, replace a file with a directory and a
#                 directory with a file, make a directory opaque; User
#                 given numerically (1000:10); zstd-compressed (skopeo)
#
# Usage: tests/images/build.sh OUT   (as root: umoci keeps owners)
# Rebuilds only when this script changed.
set -euo pipefail

out=$(realpath -m "${1:?usage: build.sh OUT}")
self=$(readlink -f "$0")
stamp=$out/.built
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sha256sum <"$self")" ]; then
	exit 0
fi
for t in umoci skopeo busybox; do
	command -v $t >/dev/null || { echo "build.sh: $t missing (scripts/deps.sh)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "build.sh: needs root (umoci keeps owners)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
w=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$w"' EXIT
cd "$w"

bb=$(command -v busybox)

# A root filesystem with busybox, some applets and three users.
base_root() { # dir
	local d=$1 a
	mkdir -p "$d/bin" "$d/etc" "$d/srv/app" "$d/home/app" "$d/tmp"
	cp "$bb" "$d/bin/busybox"
	for a in sh echo id pwd env cat sleep ls touch rm mkdir printf hostname \
		test true false kill grep stat wc head; do
		ln -s busybox "$d/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n' \
		>"$d/etc/passwd"
	printf 'root:x:0:\nwheel:x:10:app\napp:x:1000:\nnogroup:x:65534:\n' \
		>"$d/etc/group"
	echo shipped >"$d/srv/app/data"
	chown 1000:1000 "$d/home/app" "$d/srv/app"
	chmod 1777 "$d/tmp"
}

# --- run: one layer, the config the tests check field by field ----------
umoci init --layout run
umoci new --image run:t
umoci unpack --image run:t b >/dev/null
base_root b/rootfs
umoci repack --image run:t b >/dev/null
umoci config --image run:t --config.env FOO=from-image --config.env PATH=/bin \
	--config.entrypoint /bin/sh --config.entrypoint -c \
	--config.cmd 'echo default-cmd' --config.workingdir /srv/app \
	--config.user app >/dev/null
umoci gc --layout run
skopeo copy -q oci:run:t docker-archive:run.tar:run:t

# --- layers: deletions, replacements, an opaque directory -----------------
umoci init --layout l
umoci new --image l:t
umoci unpack --image l:t b1 >/dev/null
r=b1/rootfs
base_root "$r"
mkdir -p "$r/old/sub" "$r/d2f/inner" "$r/opq"
echo gone >"$r/etc/gone"
echo c >"$r/old/sub/c"
echo f2d >"$r/f2d"
echo x >"$r/d2f/inner/x"
echo lower >"$r/opq/lower"
umoci repack --image l:t b1 >/dev/null
umoci unpack --image l:t b2 >/dev/null
r=b2/rootfs
rm "$r/etc/gone" "$r/srv/app/data"
rm -r "$r/old"
rm "$r/f2d" && mkdir "$r/f2d" && echo now-a-dir >"$r/f2d/x"
rm -r "$r/d2f" && echo now-a-file >"$r/d2f"
echo added >"$r/srv/added"
umoci repack --image l:t b2 >/dev/null
mkdir -p src/opq && echo upper >src/opq/upper
umoci insert --image l:t --opaque src/opq /opq >/dev/null
umoci config --image l:t --config.user 1000:10 --config.cmd /bin/sh \
	--config.cmd -c --config.cmd 'id' >/dev/null
umoci gc --layout l
skopeo copy -q --dest-compress-format zstd oci:l:t oci:layers:t

# The reference: run:t as a runtime bundle (config.json + rootfs) for
# crun, which the VM tests and the benchmark run beside cohort run.
umoci unpack --image run:t run-bundle >/dev/null
# No terminal (the tests read its output), a probe of what the process
# gets instead of the image's Cmd (the same probe cohort run is given),
# and no mounts the bench kernel cannot make.
python3 - run-bundle/config.json <<'PYEOF'
import json, sys
path = sys.argv[1]
with open(path) as f:
    c = json.load(f)
c["process"]["terminal"] = False
# The bench kernel has no POSIX message queues nor cgroup controllers to
# mount inside; the probe uses neither.
c["mounts"] = [m for m in c["mounts"] if m["type"] not in ("mqueue", "cgroup")]
c["process"]["args"] = ["/bin/sh", "-c",
                        'id; pwd; echo "FOO=$FOO HOME=$HOME PATH=$PATH"; echo "nofile $(ulimit -Sn) $(ulimit -Hn)"']
with open(path, "w") as f:
    json.dump(c, f, indent=1)
PYEOF

mv run run.tar run-bundle layers "$out/"
sha256sum <"$self" >"$stamp"
echo "build.sh: images in $out: run (oci), run.tar (docker-archive), layers (oci, zstd)"
