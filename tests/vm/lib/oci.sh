# SPDX-License-Identifier: GPL-2.0
# Build an OCI image layout with busybox's tar, gzip and sha256sum, for the
# VM tests of `cohort run` (the host tests build theirs with umoci).
#
#   oci_image ROOTFS CONFIG_JSON LAYOUT [TAG]
#
# ROOTFS is packed as one gzip layer; CONFIG_JSON is the image's "config"
# object (Env, Entrypoint, Cmd, WorkingDir, User, ...); LAYOUT/ gets
# oci-layout, index.json (TAG, default "latest") and the blobs.

oci_blob() { # file layout: moves it into blobs/, prints "DIGEST SIZE"
	local d s
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(wc -c <"$1")
	mv "$1" "$2/blobs/sha256/$d"
	echo "$d $s"
}

oci_image() {
	local root=$1 cfg=$2 out=$3 tag=${4:-latest} t diff layer conf man
	rm -rf "$out"
	mkdir -p "$out/blobs/sha256"
	t=$out/tmp.$$
	(cd "$root" && tar -cf - .) >"$t.tar" || return 1
	diff=$(sha256sum "$t.tar" | cut -d' ' -f1)
	gzip -n "$t.tar" || return 1
	layer=$(oci_blob "$t.tar.gz" "$out")
	printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$cfg" "$diff" >"$t.cfg"
	conf=$(oci_blob "$t.cfg" "$out")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		${conf% *} ${conf#* } ${layer% *} ${layer#* } >"$t.man"
	man=$(oci_blob "$t.man" "$out")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		${man% *} ${man#* } "$tag" >"$out/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
}

# A root filesystem with a static busybox, its applets, and users:
# root, app (1000:1000, also in group wheel 10), nobody (65534).
oci_busybox_root() { # dir
	local d=$1 a
	mkdir -p "$d/bin" "$d/etc" "$d/srv/app" "$d/home/app" "$d/tmp" \
		"$d/proc" "$d/sys" "$d/dev"
	cp /bin/busybox "$d/bin/busybox"
	for a in sh echo id pwd env cat sleep ls touch rm mkdir printf \
		hostname test true false kill grep; do
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
