#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Cohort kernel: Debian's linux-source-6.12 plus our files.
#
#   scripts/kernel-build.sh           extract (once), sync kernel/, configure, build
#   scripts/kernel-build.sh --sync    extract and sync only (no configure, no build)
#   scripts/kernel-build.sh --reset   drop edits made in build/linux
#
# The extracted tree (build/linux) is a git repository whose first commit,
# tagged `pristine`, is Debian's source as shipped.  The tree we want is
# computed in a scratch index as pristine + kernel/patches/*.patch +
# kernel/tree/** + include/uapi/**; only files whose content differs from the
# last synced tree are written, so kbuild rebuilds only what changed.
# Objects go to build/kbuild (O=), never into the source tree.
#
# Developer edits made directly in build/linux are kept: they are built as
# they are, and scripts/kernel-export.sh writes them back into kernel/.
set -euo pipefail

. "$(dirname "$0")/kernel-lib.sh"

cd "$src"
if [ "${1:-}" = "--reset" ]; then
	# Drop edits made in build/linux: back to exactly what kernel/ asks for.
	want=$(wanted_tree)
	work_tree >/dev/null
	git_q read-tree -u --reset "$want"
	echo "$want" >"$GIT_DIR/cohort-applied"
	note "build/linux reset to kernel/"
	exit 0
fi
want=$(wanted_tree)
have=$(work_tree)
last=$(cat "$GIT_DIR/cohort-applied")

if [ "$have" = "$want" ]; then
	:
elif [ "$have" = "$last" ]; then
	# build/linux is as we left it: bring it to what kernel/ asks for.
	git_q diff --name-only --no-renames "$have" "$want" | sed 's/^/  sync /'
	git_q read-tree -m -u "$have" "$want"
elif [ "$want" = "$last" ]; then
	n=$(git_q diff --name-only "$last" "$have" | wc -l)
	note "build/linux has $n edited file(s) not yet in kernel/; building them as they are"
	note "write them back with: make kernel-export"
else
	git_q diff --name-only "$last" "$have" | sed 's/^/  edited in build\/linux: /' >&2
	git_q diff --name-only "$last" "$want" | sed 's/^/  changed in kernel\/: /' >&2
	die "both build/linux and kernel/ changed since the last sync; run 'make kernel-export' (keeps your edits) or 'make kernel-reset' (drops them) first"
fi
echo "$want" >"$GIT_DIR/cohort-applied"

[ "${1:-}" = "--sync" ] && exit 0

# Configuration: tinyconfig + our fragment, redone when the fragment changes.
mkdir -p "$out"
kmake() { make -s -C "$src" O="$out" ARCH=x86_64 "$@"; }
stamp=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.cohort-config" 2>/dev/null)" != "$stamp" ]; then
	note "configuring: tinyconfig + ${frags[*]#"$top"/}"
	kmake tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >"$out/merge.log" 2>&1 ||
		{ cat "$out/merge.log" >&2; die "merge_config failed"; }
	kmake olddefconfig >/dev/null
	echo "$stamp" >"$out/.cohort-config"
fi

# Every option of the fragment must have the value it asks for.
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*} val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" "$out/.config" && { echo "  $opt should be unset" >&2; bad=1; }
	else
		grep -qxF "$line" "$out/.config" ||
			{ echo "  $opt=$val asked, got: $(grep "^$opt=\|^# $opt is" "$out/.config" || echo absent)" >&2; bad=1; }
	fi
done < <(cat "${frags[@]}")
[ $bad = 0 ] || { rm -f "$out/.cohort-config"; die "the configuration does not hold what ${frags[*]#"$top"/} ask (a missing dependency?)"; }

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
note "building bzImage (Debian $pkg $ver)"
kmake -j"$(nproc)" CC="$cc" bzImage
cp "$out/arch/x86/boot/bzImage" "$image"
echo "$ver" >"$top/build/kernel-version"
note "${image#"$top"/} ready"
