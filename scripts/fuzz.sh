#!/usr/bin/env bash
# Fuzzes the whole load pipeline with cargo-fuzz (libFuzzer + AddressSanitizer), seeded
# with the testkit's fixture ELF files.   usage: scripts/fuzz.sh [seconds, default 60]
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
# Half the time with region packing (default features), half without (ARM's default
# under Zephyr: Zephyr's region rule and the layout's own file-range check).
half=$(( (secs + 1) / 2 ))
: > ../target/fuzz.log
for features in "" "--no-default-features"; do
	echo "fuzz: ${features:-default features} for ${half}s"
	# shellcheck disable=SC2086 # the flag is one word or none
	cargo fuzz run $features load corpus/load -- -max_total_time="$half" -rss_limit_mb=4096 -max_len=262144 2>&1 | tee -a ../target/fuzz.log | grep -E "^#[0-9]+ +(INITED|DONE)|ERROR|SUMMARY|Done [0-9]+ runs" || true
done
# libFuzzer exits non-zero on a finding; tee hides that, so look for artifacts.
if ls artifacts/load/* >/dev/null 2>&1; then
	echo "fuzz: findings in fuzz/artifacts/load" >&2
	exit 1
fi
