#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine needs to build MediaAlign, then
# builds the release binary (.build/release/mediaalign).
#
#   Scripts/setup.sh            # apt packages + release build
#   Scripts/setup.sh --deps     # apt packages only
#
# Idempotent and quiet when everything is already installed. Needs root (or
# sudo) only when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/apt.sh
ensure_packages libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libfftw3-dev pkg-config ffmpeg python3-venv

command -v swift >/dev/null || { echo "setup: swift not found on PATH; install Swift 6.x (https://swift.org/install) and retry" >&2; exit 1; }

[ "${1:-}" = "--deps" ] && exit 0
swift build -c release --product mediaalign 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || { echo "setup: release build failed" >&2; exit 1; }
echo "setup: built $(swift build -c release --show-bin-path)/mediaalign" >&2
