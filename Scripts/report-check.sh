#!/usr/bin/env bash
# Browser check of `mediaalign report` in headless Chromium (Debian's chromium
# + chromium-driver, driven by selenium from its own venv .cache/venv-selenium):
# aligns every case of ../shared/bench/ (or, without it, the bundled sample),
# writes one report for all of them, opens it, and fails on any console error,
# a missing section, or a review-player cursor more than one plot unit or
# 10 ms from where the clock map puts it (after setting currentTime, and
# after a click on the plot). Leaves report.html, summary.md and a
# screenshot in .cache/report-check/.
#
#   Scripts/report-check.sh            # the check (run by CI)
#   Scripts/report-check.sh --hour     # also the 1-hour case: size and render time (bench)
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/apt.sh
ensure_packages chromium chromium-driver python3-venv libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libfftw3-dev pkg-config ffmpeg

venv=.cache/venv-selenium
if ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "selenium>=4.20"
fi
swift build --product mediaalign 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || { echo "report-check: build failed" >&2; exit 1; }
bin="$(realpath "$(swift build --show-bin-path)/mediaalign")"
"$venv/bin/python" Scripts/lib/report_check.py --bin "$bin" --repo "$PWD" --work .cache/report-check "$@"
