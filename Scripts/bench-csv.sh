#!/usr/bin/env bash
# Benchmarks reading a sensor CSV (release build) side by side with pandas:
# a 1,000,000-row x 5-column numeric CSV (float-seconds time) and the same
# with an ISO 8601 time column, made once in .cache/bench/. For each, best of
# 3 runs of `mediaalign probe F` (read + describe) and of
# `pandas.read_csv(F)` (+ to_datetime for the ISO file), the ratio, and peak
# RSS against the numeric payload (rows x numeric columns x 8 bytes).
# pandas lives in its own venv, .cache/venv-pandas (made on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
venv=.cache/venv-pandas
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pandas
fi
num="$cache/1M_x5.csv"
iso="$cache/1M_x5_iso.csv"
if [ ! -s "$num" ]; then
  awk 'BEGIN { srand(1); print "time,ax,ay,az,temp";
    for (i = 0; i < 1000000; i++) printf "%.4f,%.6f,%.6f,%.6f,%.3f\n", 1700000000 + i / 100, rand() - 0.5, rand() - 0.5, 9.81 + rand() - 0.5, 20 + rand() }' > "$num"
fi
if [ ! -s "$iso" ]; then
  "$venv/bin/python" - "$num" "$iso" <<'PY'
import sys, pandas as pd
df = pd.read_csv(sys.argv[1])
df["time"] = pd.to_datetime(df["time"], unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
df.to_csv(sys.argv[2], index=False)
PY
fi

payload_kb=$(( 1000000 * 5 * 8 / 1024 ))

for f in "$num" "$iso"; do
  echo "== $f ($(du -h "$f" | cut -f1))"
  if [ "$f" = "$iso" ]; then
    read_py='d = pd.read_csv(f); d["time"] = pd.to_datetime(d["time"], format="ISO8601")'
  else
    read_py='pd.read_csv(f)'
  fi
  # pandas two ways: the read alone, timed inside Python (best of 3), and the
  # whole process (interpreter, import, read), as a user runs it.
  inproc=$("$venv/bin/python" -c "
import sys, time, pandas as pd
f = sys.argv[1]
best = 1e9
for _ in range(3):
    t = time.perf_counter(); $read_py; best = min(best, time.perf_counter() - t)
print('%.3f' % best)" "$f")
  whole=$(best "$venv/bin/python" -c "import sys, pandas as pd; f = sys.argv[1]; $read_py" "$f")
  ma=$(best "$bin" probe "$f")
  # mediaalign's read alone, timed inside the process (probe --timings), best of 3.
  maread=$(for _ in 1 2 3; do "$bin" probe --timings "$f" 2>&1 >/dev/null | awk '$4 == "read" {print $5}'; done | sort -g | head -1)
  printf '  %-44s %7s s\n' "pandas, read only (in process)" "$inproc" "pandas, whole process (python + import + read)" "$whole" \
    "mediaalign, read only (in process)" "$maread" "mediaalign probe, whole process" "$ma"
  awk -v i="$inproc" -v w="$whole" -v r="$maread" -v m="$ma" 'BEGIN{
    printf "  read only: mediaalign %.2f x faster than pandas; whole process: %.2f x faster (target >= 2, and <= 1 s)\n", i/r, w/m }'
  if [ -x /usr/bin/time ]; then
    r=$(rss "$bin" probe "$f")
    awk -v r="$r" -v p="$payload_kb" 'BEGIN{printf "  peak RSS %d KB = %.2f x the numeric payload of %d KB (target <= 3)\n", r, r/p, p}'
  fi
done
