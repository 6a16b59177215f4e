#!/usr/bin/env bash
# llext-rs demo: builds the loader for Cortex-M3, links it into a bare-metal image for
# QEMU's lm3s6965evb (the board behind Zephyr's qemu_cortex_m3) and loads, links and
# runs the hello_world extension there, showing what it printed and returned.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash rig/demo.sh
