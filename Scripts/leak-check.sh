#!/usr/bin/env bash
# Runs the library tests (all but the CLI ones, which run the binary) under AddressSanitizer + LeakSanitizer: a missing
# deinit or an FFmpeg allocation that is never freed fails the run. LabelStudioTests
# are left out too: they parse configs back with FoundationXML, whose XMLDocument
# leaks its libxml2 tree (swift-corelibs-foundation), and they allocate nothing else.
# (--disable-xctest: XCTest's own leaks would give false alarms; the tests use
# Swift Testing.) Uses its own build folder, .build-asan.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --deps
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
swift test --scratch-path .build-asan --sanitize=address --disable-xctest --skip "CLITests" --skip "LabelStudioTests" "$@"
