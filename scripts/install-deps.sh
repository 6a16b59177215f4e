#!/usr/bin/env bash
# Installs what llext-rs's demo and tests need on a Debian bookworm machine. Idempotent:
# packages already present are left alone, so a second run costs a few seconds.
#
#   cross compilers  gcc-arm-none-eabi (+newlib), gcc-i686-linux-gnu (+binutils)
#   target Rust      rustc-web / cargo-web / rust-web-src 1.96 (build-std for
#                    thumbv7m-none-eabi and the repo's i586 target: rustup cannot add
#                    targets here): the rig's libraries and Rust app, and the Rust
#                    fixture extensions testkit's build script builds (testkit/rust/)
#   emulators        qemu-system-arm / qemu-system-x86 from bookworm-backports (plain
#                    bookworm's qemu-system conflicts with the image's qemu-utils)
#   build tools      cmake, ninja, pkg-config, libclang (the unicorn-engine crate builds
#                    its C core and runs bindgen)
#   memcheck         valgrind (the C API, bad-input, parameter and reliability tests run
#                    under it)
#   xz-utils         tar -xJ of the committed fuzz corpus (tests/fuzz_corpus.tar.xz)
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing() {
	local out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
	done
	echo "${out[@]:-}"
}

BASE_PKGS=(gcc g++ make cmake ninja-build pkg-config python3 libclang-dev
	gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
	gcc-i686-linux-gnu binutils-i686-linux-gnu
	rustc-web cargo-web rust-web-src valgrind xz-utils)
BACKPORT_PKGS=(qemu-system-arm qemu-system-x86)

need_base=$(missing "${BASE_PKGS[@]}")
need_bp=$(missing "${BACKPORT_PKGS[@]}")
if [ -n "$need_base$need_bp" ]; then
	if [ -n "$need_bp" ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
		echo "llext-rs: adding the bookworm-backports apt suite (for qemu-system-*)"
		$SUDO tee /etc/apt/sources.list.d/llext-rs-bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	$SUDO apt-get update -qq
	if [ -n "$need_base" ]; then
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends $need_base
	fi
	if [ -n "$need_bp" ]; then
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports $need_bp
	fi
fi

# Host Rust (tests, fuzzing) is the machine's rustup toolchain.
if ! command -v cargo >/dev/null 2>&1; then
	echo "llext-rs: cargo (rustup stable) is required for host builds" >&2
	exit 1
fi
# llvm-cov and llvm-profdata, matching rustc, for the fuzz coverage report
# (scripts/fuzz-coverage.sh).
if command -v rustup >/dev/null 2>&1 && ! rustup component list --installed 2>/dev/null | grep -q '^llvm-tools'; then
	rustup component add llvm-tools
fi
echo "llext-rs: dependencies present"
