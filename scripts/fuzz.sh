#!/usr/bin/env bash
# Fuzzes the whole load pipeline with cargo-fuzz (libFuzzer + AddressSanitizer), seeded
# with the testkit's fixture ELF files: bytes (target load) and ELF fields
# (load_structured), and generated objects compared with GNU ld (differential).
#   usage: scripts/fuzz.sh [seconds, default 60]
# cargo-fuzz needs nightly -Z flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# The fixtures come from the testkit's build script.
cargo build -p llext-testkit --quiet
fixtures=$(ls -dt target/debug/build/llext-testkit-*/out/fixtures | head -1)
rm -rf fuzz/corpus/load
fuzz/seed.sh "$fixtures"
cd fuzz
# A third of the time each: bytes mutated with region packing (default features) and
# without (ARM's default under Zephyr: Zephyr's region rule and the layout's own
# file-range check), then ELF fields mutated (load_structured's mutator), with packing,
# then generated objects against GNU ld (differential: its inputs describe objects, so
# the ELF seeds do not apply).
quarter=$(( (secs + 3) / 4 ))
: > ../target/fuzz.log
for run in "load" "load --no-default-features" "load_structured" "differential"; do
	set -- $run
	target=$1
	shift
	echo "fuzz: $target ${1:-(default features)} for ${quarter}s"
	# A scratch corpus first: new finds stay out of the seed directory.
	mkdir -p "../target/fuzz-corpus/$target"
	seeds=corpus/load
	[ "$target" = differential ] && seeds=
	cargo fuzz run "$@" "$target" "../target/fuzz-corpus/$target" $seeds -- -max_total_time="$quarter" -rss_limit_mb=4096 -max_len=262144 2>&1 | tee -a ../target/fuzz.log | grep -E "^#[0-9]+ +(INITED|DONE)|ERROR|SUMMARY|Done [0-9]+ runs" || true
done
# libFuzzer exits non-zero on a finding; tee hides that, so look for artifacts.
if ls artifacts/load/* artifacts/load_structured/* artifacts/differential/* >/dev/null 2>&1; then
	echo "fuzz: findings in fuzz/artifacts" >&2
	exit 1
fi
