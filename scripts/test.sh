#!/usr/bin/env bash
# llext-rs test suite: installs what it needs, then runs
#   0. the Kconfig symbol check (scripts/check-kconfig.py),
#   1. the host suite (cargo test: relocator vectors, every fixture x arch through the
#      loader executed in Unicorn and natively, the GNU ld differential oracle, load
#      parameters, the C API from C, the bad-input table, every allocation of every
#      fixture's load failed in turn, the safe Rust API), and the figures it measured,
#      then the doctests, the memcheck (valgrind) runs and the AddressSanitizer runs,
#   2. the target rig, if present: the cross-compiled loader through its C header on
#      emulated Cortex-M3 (lm3s6965evb) and i386 under QEMU,
#   3. a one-minute fuzzing smoke run of the load pipeline, and the coverage of the
#      loader's source by the committed fuzz corpus.
# Ends with one summary line: "summary: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target

bash scripts/install-deps.sh

echo "== Kconfig symbols (every CONFIG_LLEXT_* used exists in every configuration)"
python3 scripts/check-kconfig.py

echo "== host suite (cargo test)"
cargo test --workspace --lib --tests 2>&1 | tee target/host-tests.log
passed=$(grep -Eo "^test result: ok\. [0-9]+ passed" target/host-tests.log | awk '{s += $4} END {print s + 0}')
passed=$((passed + 1)) # the Kconfig check

echo "== doctests (the safe Rust API's examples, run natively)"
cargo test --doc 2>&1 | tee target/doc-tests.log
passed=$((passed + $(grep -Eo "^test result: ok\. [0-9]+ passed" target/doc-tests.log | awk '{s += $4} END {print s + 0}')))

echo "== memcheck (valgrind): the C API, bad-input, parameter, reliability and safe Rust API tests"
# Invalid reads and writes (a corrupted file read out of bounds), uses of uninitialised
# values, bad frees in the loader and its C API. The host arena also poisons fresh and
# freed blocks, so a read of either shows up as a wrong result. A shorter soak here.
# rust_api's Unicorn half is the pipeline tests' again: its native half runs here.
memcheck=(c_api bad_input params reliability rust_api)
for t in "${memcheck[@]}"; do
	exe=$(cargo test --test "$t" --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1)
	skip=()
	[ "$t" = rust_api ] && skip=(--skip unicorn)
	if ! LLEXT_SOAK_CYCLES=2000 LLEXT_FIGURES_DIR=target/figures-valgrind valgrind --error-exitcode=99 --smc-check=all-non-file -q "$exe" "${skip[@]}" >"target/valgrind-$t.log" 2>&1; then
		tail -n 40 "target/valgrind-$t.log"
		echo "summary: $passed passed, 1 failed (valgrind: $t)"
		exit 1
	fi
	passed=$((passed + 1))
done
mkdir -p target/figures
echo "memcheck: ${#memcheck[@]} test programs (${memcheck[*]}) under $(valgrind --version): 0 errors" | tee target/figures/memcheck.txt

echo "== AddressSanitizer: the pipeline and C API tests"
# Every fixture x arch through the loader, run in Unicorn and natively and compared with
# GNU ld (too slow under valgrind), with the loader built with ASan: out-of-bounds
# accesses and uses after free abort the test. Leak reports off: the tests leak their
# 'static arenas on purpose; the loader's own leaks are the heap-baseline checks'.
host=$(rustc -vV | sed -n 's/^host: //p')
ASAN_OPTIONS=detect_leaks=0 RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR=target/asan \
	cargo test --target "$host" --test pipeline --test c_api 2>&1 | tee target/asan-tests.log
asan=$(grep -Eo "^test result: ok\. [0-9]+ passed" target/asan-tests.log | awk '{s += $4} END {print s + 0}')
passed=$((passed + asan))
echo "asan: pipeline and c_api tests under AddressSanitizer: $asan passed, 0 errors" | tee target/figures/asan.txt
# Figures the host tests measured (tests/reliability.rs), memcheck's and ASan's.
cat target/figures/*.txt 2>/dev/null || true

if [ -x rig/run.sh ]; then
	echo "== target rig (QEMU)"
	bash rig/run.sh 2>&1 | tee target/rig.log
	rig=$(grep -Eo "^[0-9]+ passed, [0-9]+ failed" target/rig.log | awk '{p += $1; f += $3} END {print p + 0, f + 0}')
	passed=$((passed + ${rig% *}))
	[ "${rig#* }" = 0 ] || { echo "summary: $passed passed, ${rig#* } failed"; exit 1; }
fi

echo "== fuzzing smoke run"
bash scripts/fuzz.sh "${LLEXT_FUZZ_SECONDS:-60}"

echo "== fuzz coverage of src/ by the committed corpus (the long campaigns' minimised inputs)"
bash scripts/fuzz-coverage.sh load

echo "summary: $passed passed, 0 failed"
