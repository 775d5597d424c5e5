#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohort-image against the reference tools, on images built in this run
# with Debian's umoci and skopeo:
#   - a four-layer OCI image (umoci unpack/repack and insert): files,
#     modes, owners, an mtime, a symlink, a hard link, a fifo; then a file
#     and a directory deleted (whiteouts), a file replaced by a directory
#     and a directory by a file, a directory made opaque; a config with
#     Env, Entrypoint, Cmd, WorkingDir, User and a label.  Unpacked by
#     cohort-image and by `umoci unpack` (the reference), the two trees
#     must be the same: type, mode, owner, size, content, link target,
#     hard-link identity, mtime of regular files.  inspect -j must agree
#     with the config blob.
#   - the same image recompressed with zstd (skopeo), and as a
#     docker-archive (skopeo copy): the same tree again.
#   - bad images made by editing the good one: each refused with its
#     message, exit status 1, no target left behind, nothing written
#     outside it.
#
# Run from the top of the tree, as root (owners and device nodes).
# Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
bin=$top/build/host/bin/cohort-image
tool=$top/tests/host/lib/image_tool.py
[ -x "$bin" ] || { echo "SKIP: $bin not built (make tools)"; exit 77; }
for t in umoci skopeo python3 sha256sum; do
	command -v $t >/dev/null || { echo "SKIP: $t missing (make deps)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (owners, umoci unpack)"; exit 77; }
export ASAN_OPTIONS=detect_leaks=1

T=$(mktemp -d /tmp/cohort-image.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

failures=0
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; exit 1; }

# --- build the image ------------------------------------------------------
umoci init --layout img || die "umoci init"
umoci new --image img:t || die "umoci new"

# Layer 1: the base tree.
umoci unpack --image img:t b1 >/dev/null || die "umoci unpack b1"
r=b1/rootfs
mkdir -p $r/etc $r/old/sub $r/opq $r/d2f/inner $r/srv $r/run $r/bin $r/data
printf 'root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n' >$r/etc/passwd
echo gone >$r/etc/gone
echo a >$r/old/a
echo c >$r/old/sub/c
echo lower1 >$r/opq/lower1
echo lower2 >$r/opq/lower2
echo f2d >$r/f2d
echo inner >$r/d2f/inner/x
printf '#!/bin/sh\necho hi\n' >$r/bin/tool
chmod 4755 $r/bin/tool
echo secret >$r/data/secret
chmod 0600 $r/data/secret
chown 1000:1000 $r/data/secret
chmod 0700 $r/data
head -c 300000 /dev/urandom >$r/data/random
touch -d '2001-02-03 04:05:06' $r/data/random
ln -s ../etc/passwd $r/bin/passwd-link
ln -s /nonexistent/absolute $r/bin/dangling
ln $r/etc/passwd $r/etc/passwd.hard
ln $r/bin/tool $r/bin/tool.hard
mkfifo -m 0640 $r/run/fifo
: >$r/empty
umoci repack --image img:t b1 >/dev/null || die "umoci repack b1"

# Layer 2: deletions and replacements.
umoci unpack --image img:t b2 >/dev/null || die "umoci unpack b2"
r=b2/rootfs
rm $r/etc/gone
rm -r $r/old
rm $r/f2d && mkdir $r/f2d && echo now-a-dir >$r/f2d/x
rm -r $r/d2f && echo now-a-file >$r/d2f
echo added >$r/srv/added
umoci repack --image img:t b2 >/dev/null || die "umoci repack b2"

# Layer 3: opaque directory; layer 4: a whiteout by insert.
mkdir -p src/opq && echo upper >src/opq/upper
umoci insert --image img:t --opaque src/opq /opq >/dev/null || die "umoci insert --opaque"
umoci insert --image img:t --whiteout /etc/passwd.hard >/dev/null || die "umoci insert --whiteout"

umoci config --image img:t --config.env 'FOO=bar' --config.env 'SPACES=a b  c' \
	--config.entrypoint /bin/tool --config.entrypoint --flag \
	--config.cmd 'arg one' --config.cmd two --config.workingdir /srv \
	--config.user 1000:1000 --config.label org.example.k=v >/dev/null ||
	die "umoci config"

umoci unpack --image img:t ref >/dev/null || die "umoci unpack (reference)"
python3 "$tool" tree ref/rootfs >ref.tree

# --- the good image, three ways --------------------------------------------
compare() { # NAME SOURCE
	rm -rf "mine-$1"
	if ! "$bin" unpack "$2" "mine-$1" >"unpack-$1.out" 2>&1; then
		bad "$1: unpack failed: $(cat "unpack-$1.out")"
		return
	fi
	python3 "$tool" tree "mine-$1" >"mine-$1.tree"
	if diff -u ref.tree "mine-$1.tree" >"diff-$1"; then
		ok "$1: tree identical to umoci's ($(wc -l <ref.tree) paths)"
	else
		bad "$1: tree differs from umoci's:"; cat "diff-$1"
	fi
}

compare oci oci:img:t
for p in etc/gone old f2d/x d2f opq/lower1 opq/upper etc/passwd.hard run/fifo \
	 bin/passwd-link data/random; do
	case $p in
	etc/gone|old|opq/lower1|etc/passwd.hard) want=absent ;;
	*) want=present ;;
	esac
	if [ -e mine-oci/$p ] || [ -L mine-oci/$p ]; then got=present; else got=absent; fi
	[ $got = $want ] && ok "oci: $p $want" || bad "oci: $p is $got, want $want"
done
[ -d mine-oci/f2d ] && [ -f mine-oci/d2f ] && ok "oci: file<->directory replaced" ||
	bad "oci: f2d/d2f not replaced"
grep -q '^bin/tool 0o100000 0o4755 0:0 ' mine-oci.tree && ok "oci: setuid mode kept" ||
	bad "oci: bin/tool mode"
grep -q '^bin/tool.hard .* links=bin/tool ' mine-oci.tree && ok "oci: hard link kept" ||
	bad "oci: bin/tool.hard is not a hard link of bin/tool"
grep -q '^data/secret 0o100000 0o600 1000:1000 ' mine-oci.tree && ok "oci: owner kept" ||
	bad "oci: data/secret owner"
grep -q "^data/random .* mtime=981173106000000000" mine-oci.tree && ok "oci: mtime kept" ||
	bad "oci: data/random mtime"

# The config, against the blob itself.
python3 "$tool" config img t >config.want
if "$bin" inspect -j oci:img:t >inspect.json; then
	python3 "$tool" inspect inspect.json >config.got
	diff -u config.want config.got >/dev/null && ok "oci: inspect -j matches the config blob" ||
		{ bad "oci: inspect -j differs"; diff -u config.want config.got; }
else
	bad "oci: inspect failed"
fi
"$bin" inspect oci:img:t | grep -qF 'entrypoint   ["/bin/tool","--flag"]' &&
	ok "oci: inspect text shows the entrypoint" || bad "oci: inspect text"

# zstd layers (skopeo recompresses).
if skopeo copy -q --dest-compress-format zstd oci:img:t oci:zimg:t >skopeo-z.out 2>&1; then
	if "$bin" inspect -j oci:zimg:t | grep -q 'tar+zstd'; then
		compare zstd oci:zimg:t
	else
		bad "zstd: skopeo did not write zstd layers"
	fi
else
	bad "zstd: skopeo copy failed: $(cat skopeo-z.out)"
fi

# docker-archive.
if skopeo copy -q oci:img:t docker-archive:img.tar:cohort/test:v1 >skopeo.out 2>&1; then
	compare docker docker-archive:img.tar
	compare docker-ref docker-archive:img.tar:cohort/test:v1
	"$bin" inspect -j docker-archive:img.tar >dinspect.json &&
		python3 "$tool" inspect dinspect.json >dconfig.got &&
		diff -u config.want dconfig.got >/dev/null &&
		ok "docker: inspect -j matches the config blob" || bad "docker: inspect -j"
else
	bad "docker: skopeo copy failed: $(cat skopeo.out)"
fi

# --- bad images ------------------------------------------------------------
mkdir outside
sum_etc=$(sha256sum /etc/passwd)
refuse() { # NAME SOURCE MESSAGE [OPTION...]
	local name=$1 src=$2 msg=$3 rc
	shift 3
	"$bin" unpack "$@" "$src" "out-$name" >"err-$name" 2>&1
	rc=$?
	if [ $rc != 1 ]; then
		bad "$name: exit status $rc, want 1: $(cat "err-$name")"
	elif ! grep -qF -- "$msg" "err-$name"; then
		bad "$name: message '$(cat "err-$name")' lacks '$msg'"
	elif [ -e "out-$name" ]; then
		bad "$name: target left behind"
	else
		ok "$name: refused: $(head -n 1 "err-$name")"
	fi
}
variant() { rm -rf "$1" && cp -a img "$1"; }

variant flip && python3 "$tool" flip flip t
refuse flipped-byte oci:flip:t "digest mismatch"
variant drop && python3 "$tool" drop drop t
refuse missing-blob oci:drop:t "missing (blobs/sha256/"
variant out && python3 "$tool" set-layer out t digest "sha256:../../../../etc/passwd"
refuse blob-outside oci:out:t "invalid digest 'sha256:../../../../etc/passwd'"
variant media && python3 "$tool" set-layer media t mediaType "application/vnd.oci.image.layer.v1.tar+bzip2"
refuse unknown-media oci:media:t "unsupported media type 'application/vnd.oci.image.layer.v1.tar+bzip2'"
variant dotdot && python3 "$tool" add-layer dotdot t dotdot
refuse dotdot oci:dotdot:t "member '../x': '..' is not allowed"
if [ -e "$T/x" ]; then bad "dotdot: ../x written"; else ok "dotdot: nothing written outside"; fi
variant symlink && python3 "$tool" add-layer symlink t symlink
refuse symlink-escape oci:symlink:t "member 'link/passwd': link: 'link' is a symbolic link"
if [ "$(sha256sum /etc/passwd)" = "$sum_etc" ]; then
	ok "symlink-escape: /etc/passwd untouched"
else
	bad "symlink-escape: /etc/passwd changed"
fi
refuse too-many oci:img:t "more than 10 entries" --max-entries 10
refuse no-tag oci:img:nope "no manifest tagged 'nope'"
refuse not-a-source img "unknown image source 'img'"
if [ -f img.tar ]; then
	cp img.tar dflip.tar && python3 "$tool" docker-flip dflip.tar
	refuse docker-flipped docker-archive:dflip.tar "digest mismatch"
fi
[ -z "$(ls -A outside)" ] && ok "nothing appeared in outside/" || bad "outside/ not empty"

# An existing non-empty directory is refused and left alone.
mkdir full && echo keep >full/keep
"$bin" unpack oci:img:t full >err-full 2>&1
[ $? = 1 ] && grep -q "not an empty directory" err-full && [ -f full/keep ] &&
	ok "non-empty target refused and kept" || bad "non-empty target: $(cat err-full)"
"$bin" unpack oci:img:t >/dev/null 2>&1
[ $? = 2 ] && ok "usage error exits 2" || bad "usage error status"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
