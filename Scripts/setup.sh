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

packages=(libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libfftw3-dev pkg-config ffmpeg)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "setup: swift not found on PATH; install Swift 6.x (https://swift.org/install) and retry" >&2; exit 1; }

[ "${1:-}" = "--deps" ] && exit 0
swift build -c release --product mediaalign 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || { echo "setup: release build failed" >&2; exit 1; }
echo "setup: built $(swift build -c release --show-bin-path)/mediaalign" >&2
