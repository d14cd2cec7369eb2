#!/usr/bin/env bash
# Fuzzes the integer runtime's readers with libFuzzer (issue 16): fuzz/ContainerFuzz.swift (the
# container reader) and fuzz/Int8ModelFuzz.swift (the int8 model reader, then one streamed frame),
# each built with swiftc and AddressSanitizer against Sources/Int8Runtime, each run for SECONDS
# (default 60) on a scratch copy of its seed corpus (fuzz/corpus/<target>/, never grown here) with
# the dictionary fuzz/dancenet.dict. Prints per target the executions, exec/s, libFuzzer's final
# cov:/ft: and whether it crashed; exits non-zero on any crash or build failure, printing the
# crash input's path (under .build-fuzz/artifacts/).
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

# target name, Swift file, corpus folder
targets=("container ContainerFuzz container" "int8 Int8ModelFuzz int8")

build() {  # name, Swift file: rebuilt when any source is newer than the binary
  local bin="$out/$1" src="fuzz/$2.swift"
  if [[ -x "$bin" ]] && [[ -z "$(find Sources/Int8Runtime "$src" -name '*.swift' -newer "$bin")" ]]; then
    return
  fi
  echo "building $bin"
  # lld: gold prints a warning per AddressSanitizer helper symbol.
  swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name FuzzTarget -use-ld=lld \
    Sources/Int8Runtime/*.swift "$src" -o "$bin"
}

for t in "${targets[@]}"; do
  read -r name file _ <<<"$t"
  build "$name" "$file"
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
  read -r name _ corpus <<<"$t"
  mkdir -p "$scratch/$name" "$out/artifacts/$name"
  cp fuzz/corpus/"$corpus"/* "$scratch/$name/"
  log="$out/$name.log"
  rc=0
  "$out/$name" -max_total_time="$duration" -dict=fuzz/dancenet.dict -timeout=25 \
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
