#!/usr/bin/env bash
# Fuzzes the project's readers with libFuzzer (issue 16): fuzz/ContainerFuzz.swift (the
# container reader), fuzz/Int8ModelFuzz.swift (the int8 model reader, then one streamed frame),
# both built with swiftc and AddressSanitizer directly against Sources/Int8Runtime;
# fuzz/FloatModelFuzz.swift (the float model loader) and fuzz/PNGFrameFuzz.swift (the PNG frame
# loader, libpng included), built against the instrumented modules they import (compiled into
# .build-fuzz/modules/). Each runs for SECONDS (default 60) on a scratch copy of its seed corpus
# (fuzz/corpus/<target>/, never grown here) with its dictionary. Prints per target the
# executions, exec/s, libFuzzer's final cov:/ft: and whether it crashed; exits non-zero on any
# crash or build failure, printing the crash input's path (under .build-fuzz/artifacts/).
#
#   bash scripts/fuzz.sh        # 60 s per target
#   bash scripts/fuzz.sh 30     # the test suite's run
#   .build-fuzz/container fuzz/regressions/<file>   # replays one input
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-60}"
if ! [[ "$duration" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 2
fi
out=.build-fuzz
mkdir -p "$out"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# target name, Swift file, corpus folder, dictionary, modules it imports (in build order; none:
# the file is compiled together with Sources/Int8Runtime)
targets=(
  "container ContainerFuzz container dancenet none"
  "int8 Int8ModelFuzz int8 dancenet none"
  "float FloatModelFuzz float dancenet Int8Runtime,FileAccess,ModelFiles"
  "png PNGFrameFuzz png png FileAccess,ImageIO"
)
# lld: gold prints a warning per AddressSanitizer helper symbol.
flags=(-sanitize=fuzzer,address -parse-as-library -O -use-ld=lld)
modules="$out/modules"
mkdir -p "$modules"

stale() {  # output, sources...: true when the output is missing or older than a source
  [[ ! -e "$1" ]] || [[ -n "$(find "${@:2}" -name '*.swift' -newer "$1")" ]]
}

newer() {  # file, others...: true when one of the others is newer than the file
  [[ $# -gt 1 ]] && [[ -n "$(find "${@:2}" -newer "$1")" ]]
}

build_module() {  # module name, libraries it may import: Sources/<name> as an instrumented
  local lib="$modules/lib$1.a"  # static library and module
  stale "$lib" "Sources/$1" || newer "$lib" "${@:2}" || return 0
  echo "building $lib"
  swiftc "${flags[@]}" -module-name "$1" -I "$modules" -I Sources/CPNG -emit-module \
    -emit-module-path "$modules/$1.swiftmodule" -emit-library -static -o "$lib" Sources/"$1"/*.swift
}

build() {  # name, Swift file, modules
  local bin="$out/$1" src="fuzz/$2.swift"
  if [[ "$3" == none ]]; then
    stale "$bin" Sources/Int8Runtime "$src" || return 0
    echo "building $bin"
    swiftc "${flags[@]}" -module-name FuzzTarget Sources/Int8Runtime/*.swift "$src" -o "$bin"
    return
  fi
  local m libs=() dirs=()
  IFS=, read -r -a mods <<<"$3"
  for m in "${mods[@]}"; do
    build_module "$m" "${libs[@]}"
    libs+=("$modules/lib$m.a")
    dirs+=("Sources/$m")
  done
  stale "$bin" "${dirs[@]}" "$src" || newer "$bin" "${libs[@]}" || return 0
  echo "building $bin"
  swiftc "${flags[@]}" -module-name FuzzTarget -I "$modules" -I Sources/CPNG "$src" \
    "${libs[@]}" -lpng16 -o "$bin"
}

for t in "${targets[@]}"; do
  read -r name file _ _ mods <<<"$t"
  build "$name" "$file" "$mods"
done

# Replays every committed regression input first: each must run clean.
status=0
for t in "${targets[@]}"; do
  read -r name _ _ <<<"$t"
  shopt -s nullglob
  regressions=(fuzz/regressions/"$name"-*)
  shopt -u nullglob
  if ((${#regressions[@]})); then
    if ! "$out/$name" "${regressions[@]}" >"$scratch/$name-regressions.log" 2>&1; then
      echo "$name: a regression input crashes again:"
      grep -E "Running: |ERROR|Fatal error|#[0-9]+ 0x" "$scratch/$name-regressions.log" | head -20
      status=1
    fi
  fi
done

for t in "${targets[@]}"; do
  read -r name _ corpus dict _ <<<"$t"
  mkdir -p "$scratch/$name" "$out/artifacts/$name"
  cp fuzz/corpus/"$corpus"/* "$scratch/$name/"
  log="$out/$name.log"
  rc=0
  "$out/$name" -max_total_time="$duration" -dict="fuzz/$dict.dict" -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$name/" "$scratch/$name" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)"
  crash="$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)"
  if [[ $rc -eq 0 && -z "$crash" ]]; then
    printf '%-9s %ss: %s executions, %s exec/s, %s, no crash\n' \
      "$name" "$duration" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}"
  else
    printf '%-9s %ss: %s executions, %s exec/s, %s, CRASHED (libFuzzer exit %d)\n' \
      "$name" "$duration" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$rc"
    grep -E "^==[0-9]+==ERROR|Fatal error|SUMMARY|#[0-9]+ 0x" "$log" | head -20 || true
    echo "  crash input: ${crash:-none written}; full log: $log"
    echo "  minimise: $out/$name -minimize_crash=1 -max_total_time=60 -exact_artifact_path=fuzz/regressions/$name-NAME ${crash:-INPUT}"
    status=1
  fi
done
exit $status
