#!/usr/bin/env bash
# Installs the Debian packages dancenet needs, when missing (run as root, or with sudo available).
set -euo pipefail
need=()
for pkg in pkg-config libpng-dev libopenblas-dev ffmpeg qemu-system-arm; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${CI:-}" = "true" ] || [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq pkg-config libpng-dev libopenblas-dev ffmpeg qemu-system-arm >/dev/null
fi
