#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write edits made in the extracted tree (build/linux) back into the repo:
#   - files that Debian's source does not have -> kernel/tree/<path>
#     (our uapi headers -> include/uapi/<...>, their one home; files listed
#     in kernel/shared.map -> their repo path);
#   - edits to Debian's files -> kernel/patches/<path with / as ->.patch,
#     one patch per upstream file.  Text above the first "diff --git" line of
#     an existing patch (its description) is kept.
# Afterwards kernel/ describes build/linux exactly.  See docs/kernel-workflow.md.
set -euo pipefail

. "$(dirname "$0")/kernel-lib.sh"
[ -d "$GIT_DIR" ] || die "no extracted tree: run 'make kernel' first"
cd "$src"
have=$(work_tree)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tree" "$tmp/patches" "$tmp/uapi"

while IFS=$'\t' read -r status path; do
	case "$status" in
	A)
		shared=$(awk -v p="$path" '$2 == p { print $1 }' "$top/kernel/shared.map" 2>/dev/null)
		if [ -n "$shared" ]; then
			mkdir -p "$tmp/uapi/$(dirname "$shared")"
			git_q cat-file blob "$have:$path" >"$tmp/uapi/$shared"
		elif [ -e "$top/$path" ] && [ "${path#include/uapi/}" != "$path" ]; then
			mkdir -p "$tmp/uapi/$(dirname "$path")"
			git_q cat-file blob "$have:$path" >"$tmp/uapi/$path"
		else
			mkdir -p "$tmp/tree/$(dirname "$path")"
			git_q cat-file blob "$have:$path" >"$tmp/tree/$path"
		fi
		;;
	*)
		name=$(echo "$path" | tr / -).patch
		old=$top/kernel/patches/$name
		[ -f "$old" ] && sed '/^diff --git /,$d' "$old" >"$tmp/patches/$name"
		git_q diff --no-renames pristine "$have" -- "$path" >>"$tmp/patches/$name"
		;;
	esac
done < <(git_q diff --no-renames --name-status pristine "$have")

sync_dir() { # from to
	mkdir -p "$2"
	(cd "$1" && find . -type f) | while read -r f; do
		cmp -s "$1/$f" "$2/$f" || { mkdir -p "$(dirname "$2/$f")"; cp "$1/$f" "$2/$f"; echo "  wrote ${2#"$top"/}/${f#./}"; }
	done
	(cd "$2" && find . -type f) | while read -r f; do
		[ -e "$1/$f" ] || { rm "$2/$f"; echo "  removed ${2#"$top"/}/${f#./}"; }
	done
	find "$2" -mindepth 1 -type d -empty -delete
}
sync_dir "$tmp/tree" "$top/kernel/tree"
sync_dir "$tmp/patches" "$top/kernel/patches"
(cd "$tmp/uapi" && find . -type f) | while read -r f; do
	cmp -s "$tmp/uapi/$f" "$top/$f" || { cp "$tmp/uapi/$f" "$top/$f"; echo "  wrote ${f#./}"; }
done
echo "$have" >"$GIT_DIR/cohort-applied"
note "kernel/ now matches build/linux"
