#!/usr/bin/env bash
# The whole test suite: installs what it needs, lints, compiles the integer runtime for a
# microcontroller, builds, runs every test target in a debug build, then the release-only tests
# (paper-sized or tiny-preset training work) in a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Style: the .swift-format rules, warnings fail the run.
swift format lint --strict -r Sources Tests Package.swift
# The integer runtime stays Embedded-Swift clean: compile it for a Cortex-M4 (no link).
swift build --triple armv7em-none-none-eabi --target Int8Runtime --scratch-path .build-embedded \
  -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo
swift build --build-tests
swift test --skip-build
# The same Int8Runtime files as bare-metal firmware under QEMU (Cortex-M4), checked byte for byte.
bash scripts/firmware-test.sh
bash scripts/int8-reference-test.sh
bash scripts/fuzz.sh 30
bash scripts/sanitizers.sh
swift build -c release --build-tests -Xswiftc -enable-testing
bash scripts/debug-release-bytes.sh
DANCENET_RELEASE_TESTS=1 swift test -c release --skip-build --filter TinyOverfitTests
DANCENET_RELEASE_TESTS=1 swift test -c release --skip-build --filter "StreamingPaperTests|StreamingAllocationTests"
# alone in its process: eval sets OpenBLAS's process-wide thread count (BLASThreads)
DANCENET_RELEASE_TESTS=1 swift test -c release --skip-build --filter ShippedModelTests
