#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's `swift format` and the
# repository's .swift-format, then lints them strictly.
#   Scripts/format.sh          format in place, then lint (what to run before a commit)
#   Scripts/format.sh --check  lint only; exit 1 on any finding (what CI runs)
# Rules turned off in .swift-format: OnlyOneTrailingClosureArgument, because
# MediaIO's `failing(as: { map error }) { body }` reads better with the body
# trailing.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests)
case "${1:-}" in
  --check) ;;
  "") swift format format --in-place --recursive --parallel "${paths[@]}" ;;
  *) echo "usage: Scripts/format.sh [--check]" >&2; exit 2 ;;
esac
swift format lint --strict --recursive --parallel "${paths[@]}"
echo "format: lint clean"
