#!/usr/bin/env bash
# The loader and runtime tests under sanitizers (issue 16): builds the debug tests once with
# AddressSanitizer and UndefinedBehaviorSanitizer together (`--sanitize address --sanitize
# undefined`, in .build-sanitize so that the normal .build is left alone) and runs the test
# targets of the integer runtime, the image reader, the file access layer and the model files
# (the loaders). If the combined build does not link, it says why and falls back to
# AddressSanitizer alone. Prints the time each step took; exits non-zero on a failed build, a
# failed test or a sanitizer report.
#
#   bash scripts/sanitizers.sh            # scripts/test.sh runs this
#   SANITIZERS=address bash scripts/sanitizers.sh   # one sanitizer only
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-sanitize
filter="Int8RuntimeTests|ImageIOTests|FileAccessTests|ModelFilesTests"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Every report stops the run (UBSan would otherwise print and go on), and the leak checker,
# which reports the Swift runtime's intentional one-time allocations, stays off.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

run_with() {  # sanitizer names...: build the tests with them and run the subset
  local flags=() s start
  for s in "$@"; do flags+=(--sanitize "$s"); done
  start=$SECONDS
  if ! swift build --build-tests --scratch-path "$scratch" "${flags[@]}" >"$log" 2>&1; then
    return 2
  fi
  echo "sanitizers ($*): build $((SECONDS - start)) s"
  start=$SECONDS
  if ! swift test --skip-build --scratch-path "$scratch" "${flags[@]}" --filter "$filter" >"$log" 2>&1; then
    grep -E "ERROR: AddressSanitizer|runtime error:|SUMMARY|✘|failed" "$log" | head -30
    echo "sanitizers ($*): tests FAILED after $((SECONDS - start)) s (full log kept: $scratch/last.log)"
    cp "$log" "$scratch/last.log"
    return 1
  fi
  echo "sanitizers ($*): $(grep -oE 'Test run with [0-9]+ tests? in [0-9]+ suites? passed' "$log" | tail -1 \
    || echo "tests passed") in $((SECONDS - start)) s"
}

wanted="${SANITIZERS:-address,undefined}"
IFS=, read -r -a sanitizers <<<"$wanted"
rc=0
run_with "${sanitizers[@]}" || rc=$?
if [[ $rc -eq 2 && ${#sanitizers[@]} -gt 1 ]]; then
  echo "sanitizers (${wanted}): the combined build failed, so each runs alone; why:"
  grep -E "error:" "$log" | sort -u | head -5
  rc=0
  for s in "${sanitizers[@]}"; do
    r=0
    run_with "$s" || r=$?
    if [[ $r -eq 2 ]]; then
      echo "sanitizers ($s): does not build here; why:"
      grep -E "error:" "$log" | sort -u | head -5
      # Swift itself traps on integer overflow, out-of-bounds indexing and bad unwrapping in
      # every build; -sanitize=undefined would add checks for the C code only.
      [[ "$s" == undefined ]] && echo "  (Swift's own checks trap overflow, bounds and nil in debug builds)"
      [[ "$s" == address ]] && rc=1  # AddressSanitizer must work; the others are best effort
    elif [[ $r -ne 0 ]]; then
      rc=1
    fi
  done
elif [[ $rc -eq 2 ]]; then
  echo "sanitizers ($wanted): the build failed:"
  grep -E "error:" "$log" | sort -u | head -10
fi
exit $rc
