#!/usr/bin/env bash
# firmware-sim/run.sh: builds the firmware for one model and parameter set, links it with the
# memory budget as its RAM region, runs it on QEMU's mps2-an386 board, and writes the firmware's
# UART bytes (the frames, as `dancenet generate --format raw|y4m` writes them) to stdout. Every
# message goes to stderr.
#
#   firmware-sim/run.sh --model MODEL --frames N --seed S [--budget BYTES] [--format raw|y4m]
#                       [--start K] [--pi-temp T] [--sigma-temp T]
#                       [--stack BYTES] [--heap BYTES] [--icount] [--elf FILE]
#
# MODEL: a model folder (its model-int8.dnm) or an int8 model file, as for `dancenet generate`.
# --start, --pi-temp, --sigma-temp: as for `dancenet generate` (default: start 0, the model's
#   recorded temperatures); the temperatures reach the firmware in Q16, resolved as the host does.
# --budget: bytes of RAM for ALL mutable memory (stack, .data, .bss, heap, arena); default: what
#   the firmware needs. A budget below the need fails at link time (the linker script's ASSERT).
# --stack (default 12288; the deepest use measured, tiny and paper alike, is 9,752 bytes).
# --heap (default: measured): the heap for what Int8Model and the generator allocate at load;
#   measured once per model, --start and firmware build by a probe run, then cached.
# --icount: run QEMU with -icount shift=0 (one instruction per nanosecond of virtual time) and
#   report instructions per frame.
# --elf FILE: also copy the linked image to FILE.
#
# Exit status: 0; 1 model or option refused (by the firmware, or by the host reading the
# model's facts); 2 bad flag or build failure; 3 hard fault (a Swift trap); 4 other exception;
# 5 heap exhausted; QEMU's own status otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$(dirname "$(command -v swiftc)")"

die() {
  echo "firmware-sim: $*" >&2
  exit 2
}

# MARK: - Flags
model="" frames="" seed="" budget="" format="raw" stack=12288 heap="" icount=0 elf=""
start=0 temperature_flags=()
need_value() { [ "$#" -ge 2 ] || die "$1 needs a value"; }
while [ "$#" -gt 0 ]; do
  case "$1" in
  --model) need_value "$@"; model="$2"; shift 2 ;;
  --frames) need_value "$@"; frames="$2"; shift 2 ;;
  --seed) need_value "$@"; seed="$2"; shift 2 ;;
  --budget) need_value "$@"; budget="$2"; shift 2 ;;
  --format) need_value "$@"; format="$2"; shift 2 ;;
  --start) need_value "$@"; start="$2"; shift 2 ;;
  --pi-temp | --sigma-temp) need_value "$@"; temperature_flags+=("$1" "$2"); shift 2 ;;
  --stack) need_value "$@"; stack="$2"; shift 2 ;;
  --heap) need_value "$@"; heap="$2"; shift 2 ;;
  --elf) need_value "$@"; elf="$2"; shift 2 ;;
  --icount) icount=1; shift ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 0 ;;
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
{ is_count "$start" && [ "$start" -le 65535 ]; } || die "--start must be a whole number from 0 to 65535, got '$start'"
start=$((10#$start))
case "$format" in raw) format_code=0 ;; y4m) format_code=1 ;; *) die "--format must be raw or y4m, got '$format'" ;; esac
ram_max=4194304 # the board's SSRAM at 0x20000000
{ is_count "$stack" && [ "$stack" -ge 1024 ] && [ $((stack % 8)) -eq 0 ] && [ "$stack" -le "$ram_max" ]; } ||
  die "--stack must be a multiple of 8 from 1024 to $ram_max bytes, got '$stack'"
if [ -n "$heap" ]; then
  { is_count "$heap" && [ $((heap % 16)) -eq 0 ] && [ "$heap" -le "$ram_max" ]; } ||
    die "--heap must be a multiple of 16 from 0 to $ram_max bytes, got '$heap'"
fi
if [ -n "$budget" ]; then
  { is_count "$budget" && [ "$budget" -ge 1 ] && [ "$budget" -le "$ram_max" ]; } ||
    die "--budget must be a whole number of bytes from 1 to $ram_max (the board's RAM), got '$budget'"
fi

if [ -d "$model" ]; then
  [ -f "$model/model-int8.dnm" ] ||
    die "$model: no model-int8.dnm (the firmware runs int8 models: dancenet quantize writes it)"
  model="$model/model-int8.dnm"
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
cache="$root/.build-firmware/cache"

# key FILES...: a short hash of the files' contents and the Swift compiler's version.
key() { (cat "$@"; swiftc --version 2>&1) | sha256sum | cut -c1-16; }

# MARK: The model's facts (frame size, arena plan, frame rate, temperatures in Q16), from the host
# tool host/main.swift built with the same Int8Runtime files (cached by their hash; -Onone: it
# runs for milliseconds, and builds in seconds).
facts_sources=("$root"/Sources/Int8Runtime/*.swift "$here/host/main.swift")
facts_tool="$cache/facts-$(key "${facts_sources[@]}")"
if [ ! -x "$facts_tool" ]; then
  echo "firmware-sim: building the host's model-facts tool (host/main.swift + Int8Runtime)" >&2
  swiftc -Onone -module-name FirmwareFacts "${facts_sources[@]}" -o "$work/facts" 2>"$work/facts.log" ||
    { cat "$work/facts.log" >&2; die "building the model-facts tool failed"; }
  mv "$work/facts" "$facts_tool"
  find "$cache" -name 'facts-*' ! -name "$(basename "$facts_tool")" -delete
fi
facts_status=0
facts="$("$facts_tool" "$model" ${temperature_flags[@]+"${temperature_flags[@]}"})" || facts_status=$?
[ "$facts_status" = 0 ] || exit "$facts_status" # the tool printed its one line
preset="" width="" height="" arena="" fps="" pi_q16="" sigma_q16=""
for assignment in $facts; do
  value="${assignment#*=}"
  case "${assignment%%=*}" in
  preset) preset="$value" ;; width) width="$value" ;; height) height="$value" ;;
  arena) arena="$value" ;; fps) fps="$value" ;; pi_q16) pi_q16="$value" ;; sigma_q16) sigma_q16="$value" ;;
  esac
done
for n in "$width" "$height" "$arena" "$fps" "$pi_q16" "$sigma_q16"; do
  is_count "$n" || die "the model-facts tool printed '$facts'"
done
# The arena section's size: the plan, rounded up to the section's 16-byte alignment.
arena_section=$(((arena + 15) / 16 * 16))

# MARK: The Swift object: Int8Runtime + the firmware's files, Embedded Swift for armv7em
target=(--target=thumbv7em-none-eabi -mcpu=cortex-m4 -mfloat-abi=soft)
swift_sources=("$root"/Sources/Int8Runtime/*.swift "$here/ByteSink.swift" "$here/FrameStream.swift" "$here/main.swift")
swift_flags=(-target armv7em-none-none-eabi -enable-experimental-feature Embedded -wmo -Osize
  -Xfrontend -disable-stack-protector -Xfrontend -function-sections
  -import-bridging-header "$here/firmware.h" -module-name Firmware)

# The Swift part depends only on the sources (parameters live in config.c), so it is cached by
# their hash. One section per function (-function-sections) lets the linker drop what the
# firmware does not use.
swift_key="$( (cat "${swift_sources[@]}" "$here/firmware.h"; echo "${swift_flags[*]}"; swiftc --version 2>&1) |
  sha256sum | cut -c1-16)"
swift_object="$cache/swift-$swift_key.o"
if [ ! -f "$swift_object" ]; then
  echo "firmware-sim: compiling Int8Runtime + firmware main (Embedded Swift, armv7em)" >&2
  swiftc "${swift_flags[@]}" -c "${swift_sources[@]}" -o "$work/swift.o" || die "Swift compilation failed"
  mv "$work/swift.o" "$swift_object"
  find "$cache" -name 'swift-*.o' ! -name "swift-$swift_key.o" -delete
fi

cflags=("${target[@]}" -Oz -ffreestanding -ffunction-sections -fdata-sections -Wall -Wextra -Werror -I "$here")
"$bin/clang" "${cflags[@]}" -c "$here/support.c" -o "$work/support.o" || die "compiling support.c failed"
"$bin/clang" "${target[@]}" -c "$here/startup.s" -o "$work/startup.o" || die "assembling startup.s failed"
"$bin/clang" "${target[@]}" -DMODEL_PATH="\"$model\"" -c "$here/model.S" -o "$work/model.o" ||
  die "embedding $model failed"
objects=("$work/startup.o" "$work/support.o" "$work/config.o" "$swift_object" "$work/model.o")

# configure PROBE: config.c, the parameters (firmware has no command line), and its object.
configure() {
  cat >"$work/config.c" <<CONFIG
/* Generated by firmware-sim/run.sh. */
#include "firmware.h"
const uint32_t fw_config_frames = ${frames}u;
const uint64_t fw_config_seed = ${seed_digits}ull;
const uint32_t fw_config_format = ${format_code}u; /* ${format} */
const uint32_t fw_config_start = ${start}u;
const uint32_t fw_config_pi_q16 = ${pi_q16}u;
const uint32_t fw_config_sigma_q16 = ${sigma_q16}u;
const uint32_t fw_config_fps = ${fps}u;
const uint32_t fw_config_probe = ${1}u;
CONFIG
  "$bin/clang" "${cflags[@]}" -c "$work/config.c" -o "$work/config.o" || die "compiling config.c failed"
}

# link BUDGET HEAP MESSAGE: links firmware.elf with RAM LENGTH = BUDGET.
link() {
  sed -e "s/@BUDGET@/$1/g" -e "s/@STACK_SIZE@/$stack/g" -e "s/@HEAP_SIZE@/$2/g" \
    -e "s/@ARENA_SIZE@/$arena_section/g" -e "s/@MODEL_REGION@/$model_region/g" \
    -e "s|@BUDGET_MESSAGE@|$3|g" "$here/link.ld.in" >"$work/link.ld"
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

# MARK: The heap: what Int8Model and the generator allocate at load, measured by a probe run of
# this very firmware and model (load, start the generator, report heap_peak, stop), cached by the
# Swift object, the allocator, the model's bytes and --start.
if [ -z "$heap" ]; then
  heap_key="$( (echo "$swift_key $start"; cat "$here/support.c" "$here/link.ld.in"; sha256sum <"$model") |
    sha256sum | cut -c1-16)"
  heap_file="$cache/heap-$heap_key"
  if [ ! -f "$heap_file" ]; then
    echo "firmware-sim: measuring the heap the model's load takes (probe run)" >&2
    configure 1
    link "$ram_max" 1048576 "firmware does not fit in the board's RAM" ||
      { cat "$work/link.log" >&2; die "linking the probe failed"; }
    probe_status=0
    qemu-system-arm -M mps2-an386 -display none -monitor none -serial null \
      -semihosting-config enable=on,target=native,chardev=debug \
      -chardev "file,id=debug,path=${work//,/,,}/probe.log" -kernel "$work/firmware.elf" \
      </dev/null >/dev/null 2>"$work/qemu.log" || probe_status=$?
    if [ "$probe_status" != 0 ]; then
      cat "$work/probe.log" >&2 2>/dev/null || cat "$work/qemu.log" >&2
      [ "$probe_status" != 1 ] || echo "firmware-sim: the firmware refused the model $model" >&2
      exit "$probe_status"
    fi
    peak="$(sed -n 's/^firmware: probe: heap \([0-9]*\) bytes.*/\1/p' "$work/probe.log")"
    is_count "$peak" || { cat "$work/probe.log" >&2; die "the probe run reported no heap figure"; }
    echo $(((peak + 15) / 16 * 16)) >"$heap_file"
  fi
  heap="$(cat "$heap_file")"
fi
configure 0

# First link: the whole board RAM, to measure what the firmware needs.
link "$ram_max" "$heap" "firmware does not fit in the board's RAM" ||
  { cat "$work/link.log" >&2; die "linking failed"; }
data_bytes=$(section_size .data)
bss_bytes=$(section_size .bss)
need=$(($(symbol __arena_end) - 0x20000000))
own=$((need - arena_section))
[ -n "$budget" ] || budget="$need"

# Second link: RAM LENGTH = the budget; the ASSERT in link.ld fails when the need exceeds it.
message="firmware-sim: memory budget of $budget bytes is below the firmware's need of $need bytes (arena $arena_section + heap $heap + stack $stack + static data $((data_bytes + bss_bytes)), with alignment)"
if ! link "$budget" "$heap" "$message"; then
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
echo "firmware-sim: RAM budget $budget bytes at 0x20000000; need $need = the host's plan (arena $arena_section, $preset) + the firmware's own $own (stack $stack + static data $((data_bytes + bss_bytes)) (.data $data_bytes, .bss $bss_bytes) + heap $heap)" >&2
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
# seconds MILLISECONDS: "1.234".
seconds() { echo "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
summary="firmware-sim: QEMU ran $(seconds "$milliseconds") s"
# SysTick runs at 25 MHz, 40 ns of virtual time per tick. Without -icount, virtual time follows
# the host's clock, so ticks time the run (wall clock); with -icount shift=0 an instruction takes
# exactly 1 ns, so ticks x 40 = instructions.
ticks="$(sed -n 's/.* checked in \([0-9]*\) ticks; generator ready in \([0-9]*\) ticks; .* frames in \([0-9]*\) ticks (first \([0-9]*\), last \([0-9]*\); rows out \([0-9]*\);.*/\1 \2 \3 \4 \5 \6/p' "$work/debug.log" 2>/dev/null || true)"
if [ "$status" = 0 ] && [ -n "$ticks" ]; then
  read -r check ready total first last out <<<"$ticks"
  if [ "$icount" = 1 ]; then
    summary+=", $frames frames; instructions: model check $((check * 40)), generator start $((ready * 40)), $((total * 40 / frames)) per frame (first $((first * 40)), last $((last * 40)); writing the rows to the UART $((out * 40 / frames)) of them)"
  else
    frame_ms=$((total * 40 / 1000000))
    summary+=": model check $(seconds $((check * 40 / 1000000))) s, $frames frames in $(seconds "$frame_ms") s"
    [ "$frame_ms" = 0 ] || summary+=" ($((frames * 1000 / frame_ms)).$(printf '%02d' $((frames * 100000 / frame_ms % 100))) frames/s)"
  fi
fi
echo "$summary" >&2
case "$status" in
0) ;;
1) echo "firmware-sim: the firmware refused the model $model or its options" >&2 ;;
3) echo "firmware-sim: the firmware stopped on a hard fault" >&2 ;;
4) echo "firmware-sim: the firmware stopped on an unexpected exception" >&2 ;;
5) echo "firmware-sim: the firmware's heap is exhausted (raise --heap)" >&2 ;;
*) echo "firmware-sim: QEMU ended with status $status" >&2 ;;
esac
exit "$status"
