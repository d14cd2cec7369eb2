#!/usr/bin/env bash
# firmware-sim/test.sh: the firmware generates under QEMU, and its UART bytes equal the host's.
#
# For each case the firmware (Int8Runtime built with Embedded Swift, Cortex-M4 under QEMU
# mps2-an386, via run.sh) and the host runtime (`dancenet generate`, the package's debug build)
# generate the same model, seed and frame count, and the two byte streams must be equal:
# tiny in raw and y4m, tiny with --start/--pi-temp/--sigma-temp, and 2 frames of paper (its
# 14.7 MB model linked at 0x21000000). Then: a budget one byte below the need fails to link with
# the budget message; the budget equal to the need runs; a damaged model and a start latent the
# model does not have are refused with status 1 and one line; a bad flag gives one line and
# status 2; a closed stdout ends the run quietly.
#
# Needs swiftc and qemu-system-arm (Debian: qemu-system-arm); without qemu-system-arm it prints
# why and skips. Builds `dancenet` (swift build --product dancenet) when it is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

if ! command -v qemu-system-arm >/dev/null; then
  echo "firmware-sim/test.sh: skipped: qemu-system-arm is not installed (apt-get install -y qemu-system-arm)"
  exit 0
fi
command -v python3 >/dev/null || { echo "firmware-sim/test.sh: python3 is required" >&2; exit 1; }

mkdir -p "$root/.build-firmware"
work="$(mktemp -d "$root/.build-firmware/test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "ok   $*"; }
fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}
began="$(date +%s)"

# MARK: - The host runtime
dancenet="$root/.build/debug/dancenet"
if [ ! -x "$dancenet" ]; then
  echo "building dancenet (swift build --product dancenet)" >&2
  swift build --product dancenet >&2
fi

# compare NAME MODEL FRAMES SEED FORMAT [generate flags...]: firmware bytes = host bytes. The
# array `firmware_flags` adds flags for run.sh alone (--icount, --budget).
firmware_flags=()
compare() {
  local name="$1" model="$2" frames="$3" seed="$4" format="$5"
  shift 5
  local flags=(--model "$model" --frames "$frames" --seed "$seed" --format "$format" "$@")
  if ! timeout 900 "$here/run.sh" "${flags[@]}" ${firmware_flags[@]+"${firmware_flags[@]}"} \
    >"$work/$name.firmware" 2>"$work/$name.log"; then
    fail "$name: run.sh failed:"
    sed 's/^/       /' "$work/$name.log"
    return
  fi
  "$dancenet" generate "${flags[@]}" >"$work/$name.host" 2>"$work/$name.host.log" ||
    { fail "$name: dancenet generate failed: $(cat "$work/$name.host.log")"; return; }
  local bytes
  bytes="$(wc -c <"$work/$name.firmware" | tr -d ' ')"
  if [ "$bytes" -gt 0 ] && cmp -s "$work/$name.firmware" "$work/$name.host"; then
    pass "$name: firmware = dancenet generate ($bytes bytes)"
  else
    fail "$name: the streams differ (firmware $bytes bytes, host $(wc -c <"$work/$name.host" | tr -d ' '))"
  fi
  sed 's/^/       /' "$work/$name.log"
}

# MARK: - Streams
firmware_flags=(--icount)
compare tiny-raw models/tiny 3 7 raw
firmware_flags=()
compare tiny-y4m models/tiny 2 18446744073709551615 y4m
compare tiny-options models/tiny/model-int8.dnm 2 42 y4m --start 5 --pi-temp 0.7 --sigma-temp 0.45
compare paper-raw models/paper 2 3 raw
paper_bytes=$(stat -c %s models/paper/model-int8.dnm)
if grep -q "model $paper_bytes bytes at 0x21000000" "$work/paper-raw.log"; then
  pass "paper-raw: the $paper_bytes-byte model is linked at 0x21000000"
else
  fail "paper-raw: the model is not in the 16 MB region"
fi
if command -v ffprobe >/dev/null; then
  if [ "$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames,width,height -of csv=p=0 \
    "$work/tiny-y4m.firmware")" = "208,120,2" ]; then
    pass "tiny-y4m: ffprobe reads 2 frames of 208x120"
  else
    fail "tiny-y4m: ffprobe does not read the y4m stream"
  fi
fi

# MARK: - Budget
need="$(sed -n 's/.*; need \([0-9]*\) = .*/\1/p' "$work/tiny-y4m.log")"
status=0
"$here/run.sh" --model models/tiny --frames 1 --seed 7 --budget $((need - 1)) >"$work/under.out" 2>"$work/under.log" || status=$?
expected="firmware-sim: memory budget of $((need - 1)) bytes is below the firmware's need of $need bytes"
if [ "$status" = 2 ] && [ "$(wc -l <"$work/under.log")" = 1 ] && grep -qF "$expected" "$work/under.log" &&
  [ ! -s "$work/under.out" ]; then
  pass "budget $((need - 1)): link fails with: $(cat "$work/under.log")"
else
  fail "budget $((need - 1)) (status $status):"
  sed 's/^/       /' "$work/under.log"
fi
firmware_flags=(--budget "$need")
compare exact-budget models/tiny 1 7 raw
firmware_flags=()

# MARK: - Refusals
# refused NAME PATTERN run.sh-flags...: status 1, the firmware's one line matching PATTERN, no
# output on stdout.
refused() {
  local name="$1" pattern="$2"
  shift 2
  local status=0
  "$here/run.sh" "$@" >"$work/$name.out" 2>"$work/$name.log" || status=$?
  local line
  line="$(grep '^firmware: ' "$work/$name.log" || true)"
  if [ "$status" = 1 ] && [ "$(echo "$line" | wc -l)" = 1 ] && echo "$line" | grep -q "$pattern" &&
    [ ! -s "$work/$name.out" ]; then
    pass "$name: status 1, $line"
  else
    fail "$name (status $status):"
    sed 's/^/       /' "$work/$name.log"
  fi
}
python3 - "$root/models/tiny/model-int8.dnm" "$work/damaged.dnm" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x01  # a weight byte: only the CRC-32 can tell
open(sys.argv[2], "wb").write(data)
PY
refused damaged-model "^firmware: model: damaged (checksum mismatch) (heap used [0-9]* of [0-9]* bytes)$" \
  --model "$work/damaged.dnm" --frames 1 --seed 7
refused missing-start "^firmware: generator: start 99 does not exist" --model models/tiny --frames 1 --seed 7 --start 99
status=0
"$here/run.sh" --model models/tiny --frames 1 --seed 7 --format png >/dev/null 2>"$work/flag.log" || status=$?
if [ "$status" = 2 ] && [ "$(wc -l <"$work/flag.log")" = 1 ]; then
  pass "bad flag: status 2, $(cat "$work/flag.log")"
else
  fail "bad flag (status $status)"
fi

# MARK: - A closed stdout ends the run quietly (QEMU alone would wait forever)
status=0
bytes="$( (timeout 60 "$here/run.sh" --model models/tiny --frames 1000 --seed 7 2>"$work/closed.log" || echo "exit status $?" >>"$work/closed.log") |
  head -c 100 | wc -c | tr -d ' ')" || status=$?
if [ "$bytes" = 100 ] && ! grep -q "exit status" "$work/closed.log"; then
  pass "closed stdout (| head -c 100): run.sh stops quietly with status 0"
else
  fail "closed stdout: $bytes bytes; $(cat "$work/closed.log")"
fi

echo "firmware-sim/test.sh: $(($(date +%s) - began)) s"
if [ "$failures" -gt 0 ]; then
  echo "firmware-sim/test.sh: $failures failed"
  exit 1
fi
echo "firmware-sim/test.sh: all passed"
