#!/usr/bin/env bash
# The main job: render a synthetic dance (PNG frames) and its contact sheet, in a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product dancenet
out="${1:-out/dance}"
.build/release/dancenet synth --count 300 --seed 1 --out "$out" --contact-sheet "$out-contact.png"
echo "frames in $out/, contact sheet at $out-contact.png"
