#!/usr/bin/env bash
# The main job: a dance from the shipped paper int8 model through the streaming integer runtime
# (55,056 bytes of arena), piped as y4m into ffmpeg for an MP4, with a contact sheet; plus the
# synthetic dancer it was trained on, for comparison. Built for this machine's CPU
# (DANCENET_TARGET_CPU=native: wide multiply-adds); a portable build gives the same bytes.
# Usage: bash scripts/demo.sh [OUTDIR]   (default: out)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
DANCENET_TARGET_CPU=native swift build -c release --product dancenet
bin=.build/release/dancenet
out="${1:-out}"
mkdir -p "$out"

# The training data's kind: 300 frames of the synthetic dancer and a contact sheet.
"$bin" synth --count 300 --seed 1 --out "$out/synth" --contact-sheet "$out/synth-contact.png"

# A generated dance from the shipped paper int8 model, frames streamed to ffmpeg.
"$bin" generate --model models/paper --frames 300 --seed 7 --contact-sheet "$out/dance-contact.png" |
  ffmpeg -loglevel error -y -f yuv4mpegpipe -i - -pix_fmt yuv420p "$out/dance.mp4"
echo "generated dance: $out/dance.mp4, $out/dance-contact.png"
echo "synthetic dance: $out/synth/ (PNG frames), $out/synth-contact.png"
