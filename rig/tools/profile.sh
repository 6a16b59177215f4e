#!/usr/bin/env bash
# Instruction profile of the lean case: runs the lean rig image once more under QEMU with
# a translation-block trace (a few hundred MB in $TMPDIR) and summarises it with
# profile.py. Build first (rig/run.sh or make -C rig <arch>).
#
#   rig/tools/profile.sh arm|x86 [--function NAME] [--top N]
set -euo pipefail
RIG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
arch=${1:?usage: $0 arm|x86 [--function NAME] [--top N]}
shift
trace="${TMPDIR:-/tmp}/rig-$arch-lean.trace"
elf="$RIG/build/$arch/rig-$arch-lean.elf"
[ -f "$elf" ] || { echo "profile: $elf is not built" >&2; exit 2; }
case $arch in
arm)
	timeout 600 qemu-system-arm -M lm3s6965evb -display none -serial none -monitor none \
		-chardev file,id=con,path=/dev/null -semihosting-config enable=on,target=native,chardev=con \
		-kernel "$elf" -d in_asm,exec,nochain -D "$trace" </dev/null
	nm=arm-none-eabi-nm ;;
x86)
	timeout 600 qemu-system-i386 -nodefaults -display none -no-reboot -debugcon file:/dev/null \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" \
		-d in_asm,exec,nochain -D "$trace" </dev/null || true
	nm=i686-linux-gnu-nm ;;
*) echo "arch must be arm or x86" >&2; exit 2 ;;
esac
python3 "$RIG/tools/profile.py" "$trace" "$elf" "$nm" "$@"
rm -f "$trace"
