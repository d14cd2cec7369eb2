#!/usr/bin/env bash
# firmware-sim/run.sh: builds the firmware for one model and parameter set, links it with the
# memory budget as its RAM region, runs it on QEMU's mps2-an386 board, and writes the firmware's
# UART bytes to stdout. Every message goes to stderr.
#
#   firmware-sim/run.sh --model MODEL --frames N --seed S [--budget BYTES] [--format raw|y4m]
#                       [--stack BYTES] [--heap BYTES] [--icount] [--elf FILE]
#
# MODEL: a model folder (model-int8.dnm there, else model.dnm) or a model file.
# --budget: bytes of RAM for ALL mutable memory (stack, .data, .bss, heap/arena); default: what
#   the firmware needs. A budget below the need fails at link time (the linker script's ASSERT).
# --stack (default 8192), --heap (default 4096): the stack and the heap (the arena) inside it.
# --icount: run QEMU with -icount shift=0 (one instruction per nanosecond of virtual time) and
#   report instructions per frame.
# --elf FILE: also copy the linked image to FILE.
#
# Exit status: 0; 1 model refused by the firmware; 2 bad flag or build failure; 3 hard fault
# (a Swift trap); 4 other exception; 5 heap exhausted; QEMU's own status otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$(dirname "$(command -v swiftc)")"

die() {
  echo "firmware-sim: $*" >&2
  exit 2
}

# MARK: - Flags
model="" frames="" seed="" budget="" format="raw" stack=8192 heap=4096 icount=0 elf=""
need_value() { [ "$#" -ge 2 ] || die "$1 needs a value"; }
while [ "$#" -gt 0 ]; do
  case "$1" in
  --model) need_value "$@"; model="$2"; shift 2 ;;
  --frames) need_value "$@"; frames="$2"; shift 2 ;;
  --seed) need_value "$@"; seed="$2"; shift 2 ;;
  --budget) need_value "$@"; budget="$2"; shift 2 ;;
  --format) need_value "$@"; format="$2"; shift 2 ;;
  --stack) need_value "$@"; stack="$2"; shift 2 ;;
  --heap) need_value "$@"; heap="$2"; shift 2 ;;
  --elf) need_value "$@"; elf="$2"; shift 2 ;;
  --icount) icount=1; shift ;;
  -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown flag '$1' (see --help)" ;;
  esac
done

is_count() { [[ "$1" =~ ^[0-9]+$ ]] && [ "${#1}" -le 9 ]; }
[ -n "$model" ] || die "--model is required"
[ -n "$frames" ] || die "--frames is required"
[ -n "$seed" ] || die "--seed is required"
{ is_count "$frames" && [ "$frames" -ge 1 ] && [ "$frames" -le 1000000 ]; } ||
  die "--frames must be a whole number from 1 to 1000000, got '$frames'"
# The seed is a UInt64: up to 20 digits, at most 18446744073709551615 (compared as text).
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a whole number from 0 to 18446744073709551615, got '$seed'"
seed_digits="$(echo "$seed" | sed 's/^0*//')"
seed_digits="${seed_digits:-0}"
if [ "${#seed_digits}" -gt 20 ] || { [ "${#seed_digits}" -eq 20 ] && [[ "$seed_digits" > "18446744073709551615" ]]; }; then
  die "--seed must be a whole number from 0 to 18446744073709551615, got '$seed'"
fi
case "$format" in raw) format_code=0 ;; y4m) format_code=1 ;; *) die "--format must be raw or y4m, got '$format'" ;; esac
ram_max=4194304 # the board's SSRAM at 0x20000000
{ is_count "$stack" && [ "$stack" -ge 1024 ] && [ $((stack % 8)) -eq 0 ] && [ "$stack" -le "$ram_max" ]; } ||
  die "--stack must be a multiple of 8 from 1024 to $ram_max bytes, got '$stack'"
{ is_count "$heap" && [ $((heap % 16)) -eq 0 ] && [ "$heap" -le "$ram_max" ]; } ||
  die "--heap must be a multiple of 16 from 0 to $ram_max bytes, got '$heap'"
if [ -n "$budget" ]; then
  { is_count "$budget" && [ "$budget" -ge 1 ] && [ "$budget" -le "$ram_max" ]; } ||
    die "--budget must be a whole number of bytes from 1 to $ram_max (the board's RAM), got '$budget'"
fi

if [ -d "$model" ]; then
  if [ -f "$model/model-int8.dnm" ]; then model="$model/model-int8.dnm"; else model="$model/model.dnm"; fi
fi
[ -f "$model" ] && [ -r "$model" ] || die "$model: no such model file"
model="$(cd "$(dirname "$model")" && pwd)/$(basename "$model")"
[[ "$model" != *'"'* && "$model" != *'\'* ]] || die "$model: the path must not contain quotes or backslashes"
model_size="$(wc -c <"$model")"
model_size="${model_size// /}"
# Models up to 3.75 MB go into the 4 MB "flash" at 0x0 next to the code (which needs well under
# 256 KB); bigger ones into the 16 MB region at 0x21000000.
if [ "$model_size" -le $((4 * 1048576 - 262144)) ]; then
  model_region=FLASH
elif [ "$model_size" -le $((16 * 1048576)) ]; then
  model_region=MODEL
else
  die "$model: $model_size bytes is more than the board's 16 MB model region"
fi

for tool in swiftc qemu-system-arm; do
  command -v "$tool" >/dev/null || die "$tool not found (qemu-system-arm: apt-get install qemu-system-arm)"
done

# MARK: - Build
mkdir -p "$root/.build-firmware/cache"
work="$(mktemp -d "$root/.build-firmware/run.XXXXXX")"
trap 'rm -rf "$work"' EXIT

target=(--target=thumbv7em-none-eabi -mcpu=cortex-m4 -mfloat-abi=soft)
swift_sources=("$root"/Sources/Int8Runtime/*.swift "$here/ProofStream.swift" "$here/main.swift")
swift_flags=(-target armv7em-none-none-eabi -enable-experimental-feature Embedded -wmo -Osize
  -Xfrontend -disable-stack-protector -Xfrontend -function-sections
  -import-bridging-header "$here/firmware.h" -module-name Firmware)

# The Swift part depends only on the sources (parameters live in config.c), so it is cached by
# their hash. One section per function (-function-sections) lets the linker drop what the
# firmware does not use.
swift_key="$( (cat "${swift_sources[@]}" "$here/firmware.h"; echo "${swift_flags[*]}"; swiftc --version 2>&1) |
  sha256sum | cut -c1-16)"
swift_object="$root/.build-firmware/cache/swift-$swift_key.o"
if [ ! -f "$swift_object" ]; then
  echo "firmware-sim: compiling Int8Runtime + firmware main (Embedded Swift, armv7em)" >&2
  swiftc "${swift_flags[@]}" -c "${swift_sources[@]}" -o "$work/swift.o" || die "Swift compilation failed"
  mv "$work/swift.o" "$swift_object"
  find "$root/.build-firmware/cache" -name 'swift-*.o' ! -name "swift-$swift_key.o" -delete
fi

cat >"$work/config.c" <<CONFIG
/* Generated by firmware-sim/run.sh. */
#include "firmware.h"
const uint32_t fw_config_frames = ${frames}u;
const uint64_t fw_config_seed = ${seed_digits}ull;
const uint32_t fw_config_format = ${format_code}u; /* ${format} */
CONFIG
cflags=("${target[@]}" -Oz -ffreestanding -ffunction-sections -fdata-sections -Wall -Wextra -Werror -I "$here")
"$bin/clang" "${cflags[@]}" -c "$here/support.c" -o "$work/support.o" || die "compiling support.c failed"
"$bin/clang" "${cflags[@]}" -c "$work/config.c" -o "$work/config.o" || die "compiling config.c failed"
"$bin/clang" "${target[@]}" -c "$here/startup.s" -o "$work/startup.o" || die "assembling startup.s failed"
"$bin/clang" "${target[@]}" -DMODEL_PATH="\"$model\"" -c "$here/model.S" -o "$work/model.o" ||
  die "embedding $model failed"
objects=("$work/startup.o" "$work/support.o" "$work/config.o" "$swift_object" "$work/model.o")

# link BUDGET MESSAGE: links firmware.elf with RAM LENGTH = BUDGET.
link() {
  sed -e "s/@BUDGET@/$1/g" -e "s/@STACK_SIZE@/$stack/g" -e "s/@HEAP_SIZE@/$heap/g" \
    -e "s/@MODEL_REGION@/$model_region/g" -e "s|@BUDGET_MESSAGE@|$2|g" \
    "$here/link.ld.in" >"$work/link.ld"
  "$bin/ld.lld" -T "$work/link.ld" --gc-sections -Map "$work/firmware.map" "${objects[@]}" \
    -o "$work/firmware.elf" 2>"$work/link.log"
}

# symbol NAME: a symbol's value in firmware.elf, in decimal.
symbol() {
  local hex
  hex="$("$bin/llvm-nm" "$work/firmware.elf" | awk -v s="$1" '$3 == s { print $1 }')"
  echo $((16#${hex:-0}))
}
# section_size NAME: the size of an output section in the linker map, in decimal (ld.lld's
# map: VMA LMA Size Align Out, hexadecimal; output sections are the lines with five fields).
section_size() {
  local hex
  hex="$(awk -v s="$1" '$5 == s && NF == 5 { print $3 }' "$work/firmware.map")"
  echo $((16#${hex:-0}))
}

# First link: the whole board RAM, to measure what the firmware needs.
link "$ram_max" "firmware does not fit in the board's RAM" ||
  { cat "$work/link.log" >&2; die "linking failed"; }
static_bytes=$(($(section_size .data) + $(section_size .bss)))
need=$(($(symbol __heap_end) - 0x20000000))
[ -n "$budget" ] || budget="$need"

# Second link: RAM LENGTH = the budget; the ASSERT in link.ld fails when the need exceeds it.
message="firmware-sim: memory budget of $budget bytes is below the firmware's need of $need bytes (stack $stack + static data $static_bytes + heap/arena $heap, with alignment)"
if ! link "$budget" "$message"; then
  if grep -qF "$message" "$work/link.log"; then
    echo "$message" >&2
    exit 2
  fi
  cat "$work/link.log" >&2
  die "linking failed"
fi

flash_bytes=0
for s in .vectors .text .rodata .ARM.exidx .got .data; do flash_bytes=$((flash_bytes + $(section_size "$s"))); done
model_bytes=$(section_size .model)
if [ "$model_region" = FLASH ]; then
  echo "firmware-sim: flash $((flash_bytes + model_bytes)) bytes at 0x0 (code and constants $flash_bytes, model $model_bytes)" >&2
else
  echo "firmware-sim: flash $flash_bytes bytes at 0x0 (code and constants); model $model_bytes bytes at 0x21000000" >&2
fi
echo "firmware-sim: RAM budget $budget bytes at 0x20000000; need $need: stack $stack + static data $static_bytes (.data $(section_size .data), .bss $(section_size .bss)) + heap/arena $heap" >&2
[ -z "$elf" ] || cp "$work/firmware.elf" "$elf"

# MARK: - Run
# UART0 is QEMU's first serial port, written into a FIFO that `cat` relays to stdout (QEMU
# itself would wait forever on a closed stdout: its UART stays busy and the firmware waits for
# it). No monitor (-monitor none). The semihosting console (the firmware's messages) goes to a
# file, printed to stderr afterwards.
mkfifo "$work/uart"
qwork="${work//,/,,}" # QEMU option values escape commas by doubling them
qemu=(qemu-system-arm -M mps2-an386 -display none -monitor none
  -chardev "file,id=uart,path=$qwork/uart" -serial chardev:uart
  -semihosting-config enable=on,target=native,chardev=debug -chardev "file,id=debug,path=$qwork/debug.log"
  -kernel "$work/firmware.elf")
[ "$icount" = 0 ] || qemu+=(-icount shift=0)
started="$(date +%s%N)"
"${qemu[@]}" </dev/null 2>"$work/qemu.log" &
qemu_pid=$!
# Should QEMU end without opening the FIFO, open it once so that the relay sees its end.
(
  while kill -0 "$qemu_pid" 2>/dev/null; do sleep 0.2; done
  exec 3<>"$work/uart"
) &
watcher_pid=$!
cat "$work/uart" 2>/dev/null &
relay_pid=$!
trap 'kill "$qemu_pid" "$watcher_pid" "$relay_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# A signal (e.g. from `timeout`) interrupts `wait` at once, and the EXIT trap stops QEMU.
trap 'exit 143' TERM
trap 'exit 130' INT
relay=0
wait "$relay_pid" || relay=$?
if [ "$relay" != 0 ]; then
  # stdout was closed (e.g. `| head -c 100`): stop quietly.
  kill "$qemu_pid" 2>/dev/null || true
  wait "$qemu_pid" 2>/dev/null || true
  exit 0
fi
status=0
wait "$qemu_pid" || status=$?
ended="$(date +%s%N)"
[ ! -f "$work/debug.log" ] || cat "$work/debug.log" >&2
[ "$status" = 0 ] || cat "$work/qemu.log" >&2

milliseconds=$(((ended - started) / 1000000))
summary="firmware-sim: QEMU ran $((milliseconds / 1000)).$(printf '%03d' $((milliseconds % 1000))) s"
# "frames in T ticks (first T, last T)": SysTick runs at 25 MHz, 40 ns of virtual time per tick;
# with -icount shift=0 an instruction takes exactly 1 ns, so ticks x 40 = instructions.
ticks="$(sed -n 's/.* checked in \([0-9]*\) ticks; .* frames in \([0-9]*\) ticks (first \([0-9]*\), last \([0-9]*\);.*/\1 \2 \3 \4/p' "$work/debug.log" 2>/dev/null || true)"
if [ "$status" = 0 ] && [ -n "$ticks" ]; then
  read -r check total first last <<<"$ticks"
  summary+=", $frames frames"
  if [ "$icount" = 1 ]; then
    summary+="; instructions: model check $((check * 40)), $((total * 40 / frames)) per frame (first frame $((first * 40)), last $((last * 40)))"
  fi
fi
echo "$summary" >&2
case "$status" in
0) ;;
1) echo "firmware-sim: the firmware refused the model $model" >&2 ;;
3) echo "firmware-sim: the firmware stopped on a hard fault" >&2 ;;
4) echo "firmware-sim: the firmware stopped on an unexpected exception" >&2 ;;
5) echo "firmware-sim: the firmware's heap is exhausted (raise --heap)" >&2 ;;
*) echo "firmware-sim: QEMU ended with status $status" >&2 ;;
esac
exit "$status"
