#!/usr/bin/env bash
# Coverage of the loader's source (src/) by a fuzz corpus: cargo fuzz coverage builds
# the target with -Cinstrument-coverage and replays the corpus, then llvm-cov reports
# regions, functions and lines per file: the pipeline the fuzz targets drive through the
# registry. Left out: the harness, dependencies, the C API (src/ffi/) and the safe Rust
# API (src/api.rs), which the host tests cover, and the target-only platforms.
#   usage: scripts/fuzz-coverage.sh [target, default load] [corpus dir]
# Without a corpus dir: the committed minimised corpus (tests/fuzz_corpus.tar.xz) plus
# the fixture seeds. Needs rustup's llvm-tools (scripts/install-deps.sh adds them).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-load}
corpus=${2:-}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
if [ -z "$corpus" ]; then
	# The fixtures come from the testkit's build script (as scripts/fuzz.sh seeds).
	cargo build -p llext-testkit --quiet
	fixtures=$(ls -dt target/debug/build/llext-testkit-*/out/fixtures | head -1)
	corpus=$PWD/target/fuzz-coverage-corpus
	rm -rf "$corpus" fuzz/corpus/load
	mkdir -p "$corpus"
	fuzz/seed.sh "$fixtures"
	cp fuzz/corpus/load/* "$corpus/"
	tar -xJf tests/fuzz_corpus.tar.xz -C "$corpus"
fi
corpus=$(cd "$corpus" && pwd)
llvm_bin=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin
[ -x "$llvm_bin/llvm-cov" ] || rustup component add llvm-tools
cd fuzz
rm -rf "coverage/$target"
cargo fuzz coverage "$target" "$corpus" -- -rss_limit_mb=4096 -max_len=262144 >/dev/null 2>&1
bin=target/x86_64-unknown-linux-gnu/coverage/x86_64-unknown-linux-gnu/release/$target
report=../target/fuzz-coverage-$target.txt
"$llvm_bin/llvm-cov" report "$bin" -instr-profile="coverage/$target/coverage.profdata" \
	-ignore-filename-regex='(/\.cargo/|/rustc/|/library/|fuzz_targets|testkit|/src/ffi/|/src/api\.rs|/platform/(zephyr|bare))' >"$report"
echo "fuzz coverage ($target, $(ls "$corpus" | wc -l) inputs), src/ of llext-rs (full report: target/fuzz-coverage-$target.txt):"
# The TOTAL line: regions, missed, cover; functions, missed, executed; lines, missed, cover.
awk '/^TOTAL/ { printf "  regions %s of %s (%s), functions %s of %s (%s), lines %s of %s (%s)\n", $2-$3, $2, $4, $5-$6, $5, $7, $8-$9, $8, $10 }' "$report"
