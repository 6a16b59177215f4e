#!/usr/bin/env bash
# The target rig: builds llext-rs for bare-metal Cortex-M3 and i386, links it with the
# C test harness and the testkit fixture extensions, runs both under QEMU, and prints
# the per-case results, the loader's footprint and its heap/stack high-water marks.
#
#   rig/run.sh [arm] [x86]          (default: both; exit status non-zero on any failure)
#
# Settings (environment): RIG_TIMEOUT (seconds per QEMU run, default 300: -icount is slower),
# RIG_RUSTFLAGS (default -Dwarnings), RIG_LOG=1..4 (print the loader's log: messages
# up to that level are compiled in, so footprints then include them), RIG_CARGO/RIG_RUSTC, and the
# Makefile's ARM_HEAP_KB, X86_HEAP_KB, ARM_STACK, ... (see rig/Makefile).
set -u -o pipefail
RIG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
B="$RIG/build"
TIMEOUT="${RIG_TIMEOUT:-300}"
ARCHES=("$@")
[ ${#ARCHES[@]} -eq 0 ] && ARCHES=(arm x86)
for arch in "${ARCHES[@]}"; do
	case $arch in arm | x86) ;; *) echo "usage: $0 [arm] [x86]" >&2; exit 2 ;; esac
done

for tool in make python3 arm-none-eabi-gcc i686-linux-gnu-gcc qemu-system-arm qemu-system-i386; do
	command -v "$tool" >/dev/null || { echo "rig: $tool is missing" >&2; exit 2; }
done

echo "== building (${ARCHES[*]})"
# -j: the two fixture sets and the harness objects build in parallel.
mkdir -p "$B"
make -C "$RIG" --no-print-directory -j"$(nproc)" "${ARCHES[@]}" >"$B/make.log" 2>&1 || {
	tail -n 60 "$B/make.log" >&2
	echo "rig: build failed (full log: $B/make.log)" >&2
	exit 2
}

# Runs one image ($1) on its machine; prints its output as it comes.
run_arm() {
	# -icount shift=0: one instruction per ns of virtual time (deterministic; the
	# instruction counts of the lean case come from it).
	timeout "$TIMEOUT" qemu-system-arm -M lm3s6965evb -icount shift=0 -display none -serial none -monitor none \
		-chardev stdio,id=con -semihosting-config enable=on,target=native,chardev=con \
		-kernel "$1" </dev/null
	# Semihosting SYS_EXIT_EXTENDED passes the rig's status through unchanged.
}
run_x86() {
	timeout "$TIMEOUT" qemu-system-i386 -icount shift=0 -nodefaults -display none -no-reboot \
		-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$1" </dev/null
	local rc=$?
	# isa-debug-exit exits with (status << 1) | 1; 0 means the guest reset (triple fault).
	case $rc in
	0) return 99 ;;
	124) return 124 ;;
	*) [ $((rc & 1)) -eq 1 ] && return $((rc >> 1)) || return $rc ;;
	esac
}

# Every case runs on the full library (rig-<arch>.elf); the lean library's image
# (rig-<arch>-lean.elf) runs the lean case alone, for the LEAN line.
declare -A VERDICT
failed=0
for arch in "${ARCHES[@]}"; do
	for image in "" -lean -rustapp; do
		key=$arch$image
		echo
		echo "== running rig-$key.elf"
		log="$B/$arch/run$image.log"
		"run_$arch" "$B/$arch/rig-$key.elf" | tee "$log"
		rc=${PIPESTATUS[0]}
		summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
		case $rc in
		0) VERDICT[$key]="PASS ($summary)" ;;
		1) VERDICT[$key]="FAIL ($summary)" ;;
		124) VERDICT[$key]="FAIL (timed out after ${TIMEOUT}s; last output: $(tail -n 1 "$log"))" ;;
		99) VERDICT[$key]="FAIL (the machine reset: triple fault)" ;;
		*) VERDICT[$key]="FAIL (exit status $rc${summary:+; $summary})" ;;
		esac
		# A run that exits 0 must also have printed a clean summary.
		if [ "$rc" -eq 0 ] && ! grep -qE '^[0-9]+ passed, 0 failed$' "$log"; then
			VERDICT[$key]="FAIL (no summary line)"
		fi
		case ${VERDICT[$key]} in FAIL*) failed=1 ;; esac
	done
done

echo
# One figures line per library: LEAN (no optional features) and FULL (all of them), and
# RUSTAPP: a Rust application linking llext-rs (LEAN features) and using the safe API.
declare -A FIGURES
for arch in "${ARCHES[@]}"; do
	case $arch in
	arm) target="Cortex-M3 (thumbv7m-none-eabi, release: opt-level s, LTO)" ;;
	x86) target="i386 (targets/i586-unknown-none.json, release: opt-level s, LTO)" ;;
	esac
	for image in -lean "" -rustapp; do
		case $image in
		-lean) kind=LEAN; title="llext-rs, lean library (relocator only), on $target" ;;
		-rustapp) kind=RUSTAPP; title="a Rust application with llext-rs (LEAN features) as a dependency, through the safe API, on $target" ;;
		*) kind=FULL; title="llext-rs, full library (+ ET_DYN, GOT and veneers), on $target" ;;
		esac
		log="$B/$arch/run$image.log"
		python3 "$RIG/tools/footprint.py" "$B/$arch/rig-$arch$image.elf.map" "== footprint: $title" | tee "$B/$arch/footprint$image.txt"
		grep -E '^(heap|stack|insns|floor):' "$log" | sed 's/^/  /'
		echo
		loader=$(sed -n 's/^  loader: //p' "$B/$arch/footprint$image.txt")
		stack=$(sed -n 's/^stack: llext_load peak \([0-9]*\) bytes.*/\1/p' "$log" | tail -n 1)
		hello=$(sed -n 's/^insns: hello \([0-9]*\).*/\1/p' "$log" | tail -n 1)
		bulk=$(sed -n 's/^insns: bulk \([0-9]*\).*/\1/p' "$log" | tail -n 1)
		hello_heap=$(sed -n 's/^heap: hello extension holds \([0-9]*\) bytes.*/\1/p' "$log" | tail -n 1)
		bulk_heap=$(sed -n 's/^heap: bulk extension holds \([0-9]*\) bytes.*/\1/p' "$log" | tail -n 1)
		bulk_floor=$(sed -n 's/^floor: bulk \([0-9]*\) insns.*/\1/p' "$log" | tail -n 1)
		FIGURES[$kind.$arch]="$kind $arch $loader stack=${stack:-?} hello_insns=${hello:-?} bulk_insns=${bulk:-?} bulk_floor=${bulk_floor:-?} hello_heap=${hello_heap:-?} bulk_heap=${bulk_heap:-?}"
		if [ $kind = RUSTAPP ]; then
			# Sizes only, and what the safe API adds to the same loader (LEAN's).
			read -r lt lr < <(echo "${FIGURES[LEAN.$arch]}" | sed -n 's/.*text=\([0-9]*\) rodata=\([0-9]*\).*/\1 \2/p')
			read -r at ar < <(echo "$loader" | sed -n 's/text=\([0-9]*\) rodata=\([0-9]*\)/\1 \2/p')
			FIGURES[$kind.$arch]="$kind $arch $loader safe_api_text=$((at - lt)) safe_api_rodata=$((ar - lr))"
		fi
	done
done

# Sizes and stack are deterministic: rig/budget holds the most each may be, and a figure
# past it fails the run (lower the budget in the commit that shrinks a figure).
echo "== lean loader (budget: rig/budget)"
for kind in LEAN FULL RUSTAPP; do
	for arch in "${ARCHES[@]}"; do
		line=${FIGURES[$kind.$arch]}
		echo "$line"
		while read -r b_kind b_arch b_key b_max _; do
			[ "$b_kind" = "$kind" ] && [ "$b_arch" = "$arch" ] || continue
			value=$(echo "$line" | grep -oE "(^| )$b_key=[0-9]+" | cut -d= -f2)
			if [ -z "$value" ]; then
				echo "  FAIL budget: $kind $arch $b_key was not measured"
				failed=1
			elif [ "$value" -gt "$b_max" ]; then
				echo "  FAIL budget: $kind $arch $b_key=$value exceeds $b_max"
				failed=1
			fi
		done < <(grep -vE '^\s*(#|$)' "$RIG/budget")
	done
done
echo

echo "== verdict"
for arch in "${ARCHES[@]}"; do
	echo "  $arch: ${VERDICT[$arch]}"
	echo "  $arch lean: ${VERDICT[$arch-lean]}"
	echo "  $arch rustapp: ${VERDICT[$arch-rustapp]}"
done
exit $failed
