#!/usr/bin/env bash
# The test command: installs the build dependencies (Scripts/setup.sh --deps)
# and runs the whole test suite with `swift test`. Extra arguments go to
# `swift test` (e.g. --filter ProbeTruth).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --deps
swift test "$@"
