# SPDX-License-Identifier: GPL-2.0
# Shared by scripts/kernel-build.sh and scripts/kernel-export.sh: where the
# extracted kernel tree lives and how the tree kernel/ asks for is computed.
# Sourced, not run.

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz

die() { echo "${0##*/}: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*"; }

# COHORT_KERNEL_VARIANT picks what is built from the one source tree:
#   (unset)  build/bzImage: tinyconfig + kernel/config/cohort.config
#   debug    build/bzImage-debug: the same + kernel/config/debug.config
#            (lockdep, KASAN, ...), objects in build/kbuild-debug
frags=("$top/kernel/config/cohort.config")
case "${COHORT_KERNEL_VARIANT:-}" in
"") out=$top/build/kbuild image=$top/build/bzImage ;;
debug)
	out=$top/build/kbuild-debug image=$top/build/bzImage-debug
	frags+=("$top/kernel/config/debug.config") ;;
*) die "unknown COHORT_KERNEL_VARIANT '$COHORT_KERNEL_VARIANT' (known: debug)" ;;
esac

# One at a time: two kbuilds (or syncs) in one tree corrupt each other.
mkdir -p "$top/build"
exec 9>"$top/build/.kernel-build.lock"
flock 9

[ -f "$tarball" ] || die "$tarball missing: install the Debian package $pkg (scripts/deps.sh does)"
ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || die "cannot read the version of $pkg"

export GIT_DIR=$src/.git GIT_WORK_TREE=$src
git_q() { git -c core.quotepath=off -c advice.detachedHead=false "$@"; }

extract() {
	note "extracting Debian $pkg $ver into build/linux"
	rm -rf "$src" "$src.tmp" "$out"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
	cd "$src"
	git_q init -q
	git_q config user.name cohort-build
	git_q config user.email cohort-build@localhost
	git_q config gc.auto 0
	git_q add -A -f
	git_q commit -q -m "Debian $pkg $ver as shipped"
	git_q tag pristine
	git_q rev-parse 'pristine^{tree}' >"$GIT_DIR/cohort-applied"
	echo "$ver" >"$GIT_DIR/cohort-debian-version"
}

if [ ! -f "$GIT_DIR/cohort-debian-version" ] ||
   [ "$(cat "$GIT_DIR/cohort-debian-version")" != "$ver" ]; then
	extract
fi

# The tree kernel/ asks for, as a git tree id.
wanted_tree() {
	local idx p f rel blob
	idx=$(mktemp)
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git_q read-tree pristine
	for p in "$top"/kernel/patches/*.patch; do
		[ -e "$p" ] || continue
		if ! GIT_INDEX_FILE=$idx git_q apply --cached "$p" 2>"$idx.err"; then
			sed 's/^/  /' "$idx.err" >&2
			rm -f "$idx" "$idx.err"
			die "patch kernel/patches/${p##*/} no longer applies to Debian $pkg $ver; rebase it (docs/kernel-workflow.md)"
		fi
	done
	while IFS= read -r -d '' f; do
		rel=${f#"$top"/kernel/tree/}
		blob=$(git_q hash-object -w -- "$f")
		GIT_INDEX_FILE=$idx git_q update-index --add --cacheinfo "100644,$blob,$rel"
	done < <(find "$top/kernel/tree" -type f -print0 | sort -z)
	while IFS= read -r -d '' f; do
		rel=${f#"$top"/}
		blob=$(git_q hash-object -w -- "$f")
		GIT_INDEX_FILE=$idx git_q update-index --add --cacheinfo "100644,$blob,$rel"
	done < <(find "$top/include/uapi" -type f -name '*.h' -print0 | sort -z)
	# Code written once for kernel and userspace: kernel/shared.map lists
	# "repo-path in-tree-path" pairs.
	while read -r f rel; do
		case "$f" in ''|'#'*) continue ;; esac
		[ -f "$top/$f" ] || die "kernel/shared.map: $f does not exist"
		blob=$(git_q hash-object -w -- "$top/$f")
		GIT_INDEX_FILE=$idx git_q update-index --add --cacheinfo "100644,$blob,$rel"
	done < <(cat "$top/kernel/shared.map" 2>/dev/null)
	GIT_INDEX_FILE=$idx git_q write-tree
	rm -f "$idx" "$idx.err"
}

# The tree build/linux holds now, edits included.
work_tree() {
	git_q add -A -f
	git_q write-tree
}

