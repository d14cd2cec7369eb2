#!/usr/bin/env bash
# firmware-sim/test.sh: the firmware boots under QEMU and its UART bytes equal the host's.
#
# For each case the same stream is computed three ways and compared byte for byte:
#   the firmware (Embedded Swift, Cortex-M4 under QEMU mps2-an386, via run.sh),
#   the host reference (the same Swift files built for this machine: host/main.swift),
#   reference.py (an independent re-implementation from docs/FORMAT.md and DanceRandom's docs).
# Then: a budget one byte below the need fails to link with the budget message; the budget
# equal to the need runs; a damaged model is refused with status 1; a bad flag gives one line
# and status 2; a big model is placed in the 16 MB region at 0x21000000.
#
# Needs swiftc, qemu-system-arm (Debian: qemu-system-arm) and python3; without qemu-system-arm
# it prints why and skips.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

if ! command -v qemu-system-arm >/dev/null; then
  echo "firmware-sim/test.sh: skipped: qemu-system-arm is not installed (apt-get install -y qemu-system-arm)"
  exit 0
fi
command -v python3 >/dev/null || { echo "firmware-sim/test.sh: python3 is required" >&2; exit 1; }

mkdir -p "$root/.build-firmware/cache"
work="$(mktemp -d "$root/.build-firmware/test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "ok   $*"; }
fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}

# MARK: - Host reference (cached by the hash of its sources)
host_sources=("$root"/Sources/Int8Runtime/*.swift "$here/ProofStream.swift" "$here/host/main.swift")
host_key="$( (cat "${host_sources[@]}"; swiftc --version 2>&1) | sha256sum | cut -c1-16)"
host="$root/.build-firmware/cache/host-$host_key"
if [ ! -x "$host" ]; then
  echo "building the host reference" >&2
  swiftc -O -wmo -module-name FirmwareHost "${host_sources[@]}" -o "$work/host"
  mv "$work/host" "$host"
  find "$root/.build-firmware/cache" -name 'host-*' ! -name "host-$host_key" -delete
fi

# compare NAME MODEL FRAMES SEED FORMAT [run.sh flags...]: firmware = host = reference.py.
compare() {
  local name="$1" model="$2" frames="$3" seed="$4" format="$5"
  shift 5
  local file="$model"
  [ ! -d "$model" ] || file="$model/model.dnm"
  [ ! -f "$model/model-int8.dnm" ] || file="$model/model-int8.dnm"
  if ! timeout 600 "$here/run.sh" --model "$model" --frames "$frames" --seed "$seed" --format "$format" "$@" \
    >"$work/$name.firmware" 2>"$work/$name.log"; then
    fail "$name: run.sh failed:"
    sed 's/^/       /' "$work/$name.log"
    return
  fi
  "$host" "$file" "$frames" "$seed" "$format" >"$work/$name.host"
  python3 "$here/reference.py" "$file" "$frames" "$seed" "$format" >"$work/$name.python"
  local bytes
  bytes="$(wc -c <"$work/$name.firmware" | tr -d ' ')"
  if [ "$bytes" -gt 0 ] && cmp -s "$work/$name.firmware" "$work/$name.host" &&
    cmp -s "$work/$name.firmware" "$work/$name.python"; then
    pass "$name: firmware = host = reference.py ($bytes bytes)"
  else
    fail "$name: the streams differ (firmware $bytes bytes; host $(wc -c <"$work/$name.host"), reference.py $(wc -c <"$work/$name.python"))"
  fi
  sed 's/^/       /' "$work/$name.log"
}

# MARK: - Streams
compare tiny-raw models/tiny 3 7 raw --icount
compare tiny-y4m models/tiny 2 18446744073709551615 y4m
python3 "$here/reference.py" make-container "$work/big.dnm" 4500000 21 13
compare big-raw "$work/big.dnm" 3 5 raw
if grep -q "model 4500164 bytes at 0x21000000" "$work/big-raw.log"; then
  pass "big-raw: a 4.5 MB model is linked at 0x21000000"
else
  fail "big-raw: the 4.5 MB model is not in the 16 MB region"
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
need="$(sed -n 's/.*; need \([0-9]*\):.*/\1/p' "$work/tiny-raw.log")"
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
compare exact-budget models/tiny 1 7 raw --budget "$need"

# MARK: - Refusals
python3 - "$root/models/tiny/model.dnm" "$work/damaged.dnm" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[5000] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
status=0
"$here/run.sh" --model "$work/damaged.dnm" --frames 1 --seed 7 >"$work/damaged.out" 2>"$work/damaged.log" || status=$?
if [ "$status" = 1 ] && grep -q "^firmware: model: damaged (checksum mismatch) (heap used [0-9]* of [0-9]* bytes)$" "$work/damaged.log" &&
  [ ! -s "$work/damaged.out" ]; then
  pass "damaged model: status 1, 'damaged (checksum mismatch)', no output"
else
  fail "damaged model (status $status):"
  sed 's/^/       /' "$work/damaged.log"
fi
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

if [ "$failures" -gt 0 ]; then
  echo "firmware-sim/test.sh: $failures failed"
  exit 1
fi
echo "firmware-sim/test.sh: all passed"
