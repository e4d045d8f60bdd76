#!/usr/bin/env bash
# The test command: installs the build dependencies (Scripts/setup.sh --deps)
# and the schema check's venv, and runs the whole test suite with `swift test`. Extra arguments go to
# `swift test` (e.g. --filter ProbeTruth).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --deps
# The output-contract test validates real outputs against docs/schemas/ with
# the jsonschema package, in its own venv.
venv=.cache/venv-schema
if ! "$venv/bin/python" -c "import jsonschema, referencing" 2>/dev/null; then
  echo "test: creating $venv (jsonschema)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "jsonschema>=4.18,<5"
fi
swift test "$@"
