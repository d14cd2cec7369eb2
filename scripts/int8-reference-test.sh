#!/usr/bin/env bash
# docs/INT8.md's claim, checked: scripts/int8_reference.py, written from docs/INT8.md and
# docs/FORMAT.md alone (Python 3 + numpy), reproduces `dancenet generate`'s raw frames bit for
# bit, on the shipped tiny and paper int8 models and on two variants of tiny written here (the
# same tensors re-encoded with sequence.mode = stateless, and without start.primers).
# Installs numpy when missing; builds .build/debug/dancenet when missing. Exit 1 on a mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1  # the variants import scripts/int8_reference.py: no __pycache__
python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet numpy
DANCENET=.build/debug/dancenet
[ -x "$DANCENET" ] || swift build --product dancenet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The variants: read with the reference's own container reader, written back in the one valid
# encoding of docs/FORMAT.md (sorted table and metadata, 16-byte aligned data, CRC-32 trailer).
python3 - "$WORK" <<'EOF'
import struct, sys, zlib
sys.path.insert(0, "scripts")
from int8_reference import read_container, align16

CODES = {"f32": 1, "f16": 2, "i8": 3, "i16": 4, "i32": 5, "u8": 6}

def write_container(kind, tensors, metadata):
    names = sorted(tensors, key=lambda n: n.encode())
    keys = sorted(metadata, key=lambda k: k.encode())
    table_length = sum(20 + len(n) + 4 * tensors[n][1].ndim for n in names)
    meta = b"".join(struct.pack("<I", len(k)) + k.encode() + struct.pack("<I", len(metadata[k].encode()))
                    + metadata[k].encode() for k in keys)
    offset, table, blobs = align16(64 + table_length + len(meta)), b"", []
    for n in names:
        kind_name, array = tensors[n]
        raw = array.tobytes()
        table += struct.pack("<H", len(n)) + n.encode() + bytes([CODES[kind_name], array.ndim])
        table += struct.pack("<%dI" % array.ndim, *array.shape) + struct.pack("<QQ", offset, len(raw))
        blobs.append((offset, raw))
        offset = align16(offset + len(raw))
    end = blobs[-1][0] + len(blobs[-1][1])
    body = bytearray(end)
    header = struct.pack("<4sHHIIQQQQQII", b"DNCE", 1, kind, len(names), len(keys), end + 4, 64,
                         table_length, 64 + table_length, len(meta), 16, 0)
    body[0:64] = header
    body[64:64 + table_length] = table
    body[64 + table_length:64 + table_length + len(meta)] = meta
    for at, raw in blobs:
        body[at:at + len(raw)] = raw
    return bytes(body) + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)

source = open("models/tiny/model-int8.dnm", "rb").read()
kind, tensors, metadata = read_container(source)
assert write_container(kind, tensors, metadata) == source, "re-encoding tiny changed its bytes"
stateless = dict(metadata, **{"sequence.mode": "stateless"})
open(sys.argv[1] + "/tiny-stateless.dnm", "wb").write(write_container(kind, tensors, stateless))
unprimed = {n: t for n, t in tensors.items() if n != "start.primers"}
open(sys.argv[1] + "/tiny-unprimed.dnm", "wb").write(write_container(kind, unprimed, metadata))
EOF

# Compares two raw frame files; on a mismatch names the first differing frame, row and column.
first_difference() {
  python3 - "$1" "$2" "$3" "$4" <<'EOF'
import sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
rows, cols = int(sys.argv[3]), int(sys.argv[4])
for i in range(min(len(a), len(b))):
    if a[i] != b[i]:
        frame, rest = divmod(i, rows * cols)
        row, col = divmod(rest, cols)
        print("  first difference at byte %d: frame %d, row %d, column %d (dancenet %d, python %d)"
              % (i, frame, row, col, a[i], b[i]))
        break
else:
    print("  lengths differ: dancenet %d bytes, python %d bytes" % (len(a), len(b)))
EOF
}

FAILED=0
# check NAME MODEL FRAMES "DANCENET OPTIONS" "PYTHON OPTIONS"
check() {
  local name=$1 model=$2 frames=$3 swift_options=$4 python_options=$5
  local file=$model
  [ -d "$model" ] && file=$model/model-int8.dnm
  local started swift_ms python_ms
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  "$DANCENET" generate --model "$model" --frames "$frames" $swift_options --format raw \
    >"$WORK/swift.raw" 2>"$WORK/swift.err" || { cat "$WORK/swift.err" >&2; }
  swift_ms=$((($(date +%s%N) - started) / 1000000))
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  python3 scripts/int8_reference.py "$file" --frames "$frames" $python_options >"$WORK/python.raw" ||
    true
  python_ms=$((($(date +%s%N) - started) / 1000000))
  local swift_bytes python_bytes
  swift_bytes=$(stat -c %s "$WORK/swift.raw")
  python_bytes=$(stat -c %s "$WORK/python.raw")
  if [ "$swift_bytes" -gt 0 ] && cmp -s "$WORK/swift.raw" "$WORK/python.raw"; then
    echo "ok   $name: $python_bytes bytes identical (dancenet ${swift_ms} ms, python ${python_ms} ms)"
  else
    echo "FAIL $name: dancenet $swift_bytes bytes, python $python_bytes bytes (dancenet ${swift_ms} ms, python ${python_ms} ms)"
    first_difference "$WORK/swift.raw" "$WORK/python.raw" 120 208
    FAILED=1
  fi
}

# Q16 temperatures: round(t * 65536) half up (0.5 -> 32768, 0.8 -> 52429; the model's 0.3 -> 19661).
check "tiny, 5 frames, seed 3" models/tiny 5 "--seed 3" "--seed 3"
check "tiny, 5 frames, seed 3, start 2, pi 0.5, sigma 0.8" models/tiny 5 \
  "--seed 3 --start 2 --pi-temp 0.5 --sigma-temp 0.8" "--seed 3 --start 2 --pi-q16 32768 --sigma-q16 52429"
check "tiny, 3 frames, seed 2^64-1, start 15, pi 10, sigma 0" models/tiny 3 \
  "--seed 18446744073709551615 --start 15 --pi-temp 10 --sigma-temp 0" \
  "--seed 18446744073709551615 --start 15 --pi-q16 655360 --sigma-q16 0"
check "tiny stateless, 3 frames, seed 0, pi 0.01, sigma 9.99" "$WORK/tiny-stateless.dnm" 3 \
  "--seed 0 --pi-temp 0.01 --sigma-temp 9.99" "--seed 0 --pi-q16 655 --sigma-q16 654705"
check "tiny without primers, 3 frames, seed 4, start 7" "$WORK/tiny-unprimed.dnm" 3 \
  "--seed 4 --start 7" "--seed 4 --start 7"
check "paper, 2 frames, seed 3" models/paper 2 "--seed 3" "--seed 3"
exit $FAILED
