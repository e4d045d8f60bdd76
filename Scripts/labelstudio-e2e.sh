#!/usr/bin/env bash
# End-to-end check of `mediaalign tasks --push` against a real Label Studio
# (1.23.x from PyPI) and a real browser (Debian's chromium + chromium-driver,
# driven by selenium):
#
#   1. align TestMedia/sample (sensor starts 2.5 s late, clock 0.1 % fast);
#   2. start Label Studio on 127.0.0.1 with local-file serving for this
#      repository;
#   3. `mediaalign tasks … --push`: the project, its Local Storage and the
#      task are made through the REST API; read them back and fetch the
#      media and CSV URLs; annotate the task through the API, push again and
#      check that the task count is unchanged, the same task was updated and
#      the annotation is still there;
#   4. open the pushed project's labeling page headless: seek the video near
#      the start and the end and check that the time-series cursor is at the
#      right sensor sample (within 50 ms); click the time series and check
#      the video's time; the same seeks on the uncorrected CSV (a project
#      made directly through the API) must be off by seconds;
#   5. stop the server by its PID.
#
# The venv (.cache/venv-labelstudio) is reused when it exists. Run it after
# a build (Scripts/test.sh builds the debug binary it uses).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
source Scripts/lib/apt.sh
ensure_packages chromium chromium-driver python3-venv libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libfftw3-dev pkg-config

venv=.cache/venv-labelstudio
if ! "$venv/bin/python" -c "import label_studio, selenium, jsonschema, referencing" 2>/dev/null; then
  echo "e2e: creating $venv (label-studio 1.23.x, selenium)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "label-studio>=1.23,<1.24" "selenium>=4.20" "jsonschema>=4.18,<5"
fi

swift build --product mediaalign 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || { echo "e2e: build failed" >&2; exit 1; }
bin="$(swift build --show-bin-path)/mediaalign"

work=.cache/e2e
rm -rf "$work"
mkdir -p "$work"
set +e
"$bin" align TestMedia/sample/session.mp4 TestMedia/sample/sensor.csv --channel level_db --json > "$work/result.json"
"$bin" align TestMedia/sample/session.mp4 TestMedia/sample/unrelated.csv --channel level_db --json > "$work/unrelated.json" 2>/dev/null
set -e

port=$("$venv/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
token=$("$venv/bin/python" -c "import secrets; print(secrets.token_hex(20))")
# A letter first: a password starting with '-' reads as an option to both
# label-studio and the check's argument parser (urlsafe tokens can).
password=$("$venv/bin/python" -c "import secrets; print('p' + secrets.token_urlsafe(16))")
echo "e2e: starting Label Studio on 127.0.0.1:$port (log: $work/labelstudio.log)" >&2
LABEL_STUDIO_BASE_DATA_DIR="$repo/$work/data" LOCAL_FILES_SERVING_ENABLED=true LOCAL_FILES_DOCUMENT_ROOT="$repo" \
  "$venv/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$port" \
  --username e2e@example.com --password "$password" --user-token "$token" --enable-legacy-api-token \
  > "$work/labelstudio.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT

"$venv/bin/python" Scripts/lib/labelstudio_e2e.py --base "http://127.0.0.1:$port" --token "$token" \
  --email e2e@example.com --password "$password" --repo "$repo" --work "$work" --server-pid "$server" --bin "$bin"
