#!/usr/bin/env bash
# Seeded mutation fuzzing of CSV reading through the release binary: probe
# and align --write-csv on N variants of the sample's CSV and of device
# layouts (Scripts/lib/fuzz_csv.py says which mutations and what counts as
# bad: a crash, a hang, a non-finite number in an output, an exit code
# other than 0/1/64, or other than one error line). Exit 1 if any is bad;
# the bad variants are kept in .cache/fuzz-csv/bad/.
#
#   Scripts/fuzz-csv.sh [--count 1000] [--seed 1] [--timeout 60]
set -euo pipefail
cd "$(dirname "$0")/.."
count=1000 seed=1 timeout=60
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift ;;
    --seed) seed=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    *) echo "fuzz-csv: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
swift build -c release --product mediaalign 2>&1 | sed -E '/^\[[0-9]+\/[0-9]+\]/d' >&2
bin="$(swift build -c release --show-bin-path)/mediaalign"
# A copy, so a rebuild during the run cannot change the binary under it.
mkdir -p .cache/fuzz-csv-bin
cp "$bin" .cache/fuzz-csv-bin/mediaalign
python3 Scripts/lib/fuzz_csv.py --bin .cache/fuzz-csv-bin/mediaalign --media TestMedia/sample/session.mp4 \
  --seed-csv TestMedia/sample/sensor.csv --count "$count" --seed "$seed" --timeout "$timeout" --out .cache/fuzz-csv
