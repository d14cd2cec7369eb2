#!/usr/bin/env bash
# Determinism across build modes: the debug and the release dancenet generate the same bytes for
# the same model, seed and options (the streaming int8 runtime, tiny and 2 paper frames; the
# reference integer generator on tiny). Run after both builds (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
debug=.build/debug/dancenet
release=.build/release/dancenet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check() {
  local name="$1"
  shift
  "$debug" generate "$@" --format raw >"$work/debug" 2>/dev/null
  "$release" generate "$@" --format raw >"$work/release" 2>/dev/null
  if [ -s "$work/debug" ] && cmp -s "$work/debug" "$work/release"; then
    echo "ok   $name: debug = release ($(wc -c <"$work/debug" | tr -d ' ') bytes)"
  else
    echo "FAIL $name: debug and release differ" >&2
    exit 1
  fi
}
check "tiny, int8 runtime" --model models/tiny --frames 20 --seed 5 --start 3 --pi-temp 0.7 --sigma-temp 0.9
check "tiny, reference integer generator" --model models/tiny --reference --frames 3 --seed 5
check "paper, int8 runtime" --model models/paper --frames 2 --seed 2
