#!/usr/bin/env bash
# Runs the firmware tests (firmware-sim/test.sh), installing QEMU's ARM system emulator first
# when it is missing (Debian package qemu-system-arm; needs root or sudo). If it cannot be
# installed, firmware-sim/test.sh prints why and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-system-arm >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  if [ -z "$SUDO" ] || command -v sudo >/dev/null; then
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq qemu-system-arm >/dev/null; } ||
      echo "scripts/firmware-test.sh: could not install qemu-system-arm" >&2
  fi
fi
exec bash firmware-sim/test.sh
