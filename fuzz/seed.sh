#!/usr/bin/env bash
# Builds the fuzz corpus from the testkit's fixture ELF files: each seed is one selector
# byte (architecture = byte % 3, storage = byte / 3 % 3) followed by the file.
#   usage: fuzz/seed.sh <fixtures dir> [corpus dir]
set -euo pipefail
src=${1:?fixtures directory (testkit build: .../out/fixtures)}
dst=${2:-$(dirname "$0")/corpus/load}
mkdir -p "$dst"
n=0
for f in "$src"/*/*.o "$src"/*/*.so; do
	[ -e "$f" ] || continue
	case "$(basename "$(dirname "$f")")" in
	arm*) arch=0 ;;
	i686*) arch=1 ;;
	x86_64*) arch=2 ;;
	*) continue ;;
	esac
	for storage in 0 1 2; do
		sel=$((arch + 3 * storage))
		out="$dst/$(basename "$(dirname "$f")")-$(basename "$f")-$sel"
		{ printf "\\x$(printf %02x "$sel")"; cat "$f"; } >"$out"
		n=$((n + 1))
	done
done
echo "fuzz: $n seeds in $dst"
