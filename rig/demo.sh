#!/usr/bin/env bash
# Loads the hello_world extension on an emulated Cortex-M3 (QEMU lm3s6965evb, the board
# behind Zephyr's qemu_cortex_m3) through llext-rs's Zephyr C API, and shows what the
# extension printed and returned.
#
#   rig/demo.sh
set -eu -o pipefail
RIG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$RIG/build"
make -C "$RIG" --no-print-directory -j"$(nproc)" demo >"$RIG/build/demo-make.log" 2>&1 || {
	tail -n 40 "$RIG/build/demo-make.log" >&2
	echo "demo: build failed (full log: $RIG/build/demo-make.log)" >&2
	exit 2
}
exec timeout "${RIG_TIMEOUT:-60}" qemu-system-arm -M lm3s6965evb -display none -serial none \
	-monitor none -chardev stdio,id=con -semihosting-config enable=on,target=native,chardev=con \
	-kernel "$RIG/build/arm/rig-arm-demo.elf" </dev/null
