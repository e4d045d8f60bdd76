#!/usr/bin/env bash
# Benchmarks reading a sensor CSV (release build) side by side with pandas:
# a 1,000,000-row x 5-column numeric CSV (float-seconds time) and the same
# with an ISO 8601 time column, made once in .cache/bench/.
#
# Both tools are measured the same two ways:
#   read only     the read timed inside the process, three reads of the
#                 file in one process: pandas.read_csv(F) (+ to_datetime
#                 for the ISO file) three times in one interpreter, and
#                 `mediaalign probe --timings F F F` (hidden flag: each
#                 read's time on stderr). Reported: the best read (a warm
#                 process, the headline ratio) and the first read (cold);
#   whole process the command as a user runs it: python + import + read,
#                 and `mediaalign probe F` (read + describe + print).
# The runs alternate (pandas, mediaalign, pandas, ...) for ROUNDS rounds
# (default 7) and each figure is the best of its rounds: this machine's
# speed drifts by tens of percent within seconds, and alternating puts both
# tools through the same drifts. Peak RSS is compared with the numeric
# payload (rows x numeric columns x 8 bytes). pandas lives in its own venv,
# .cache/venv-pandas (made on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
rounds=${ROUNDS:-7}
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
  echo "== $f ($(du -h "$f" | cut -f1)), $rounds alternating rounds"
  if [ "$f" = "$iso" ]; then
    read_py='d = pd.read_csv(f); d["time"] = pd.to_datetime(d["time"], format="ISO8601")'
  else
    read_py='pd.read_csv(f)'
  fi
  inproc_py="
import sys, time, pandas as pd
f = sys.argv[1]
times = []
for _ in range(3):
    t = time.perf_counter(); $read_py; times.append(time.perf_counter() - t)
print('%.4f %.4f' % (times[0], min(times)))"
  log=$(mktemp)
  for _ in $(seq "$rounds"); do
    read -r pycold pywarm < <("$venv/bin/python" -c "$inproc_py" "$f")
    read -r macold mawarm < <("$bin" probe --timings "$f" "$f" "$f" 2>&1 >/dev/null | awk '
      $4 == "read" { n++; if (n == 1) first = $5; if (n == 1 || $5 < best) best = $5 }
      END { print first, best }')
    pywhole=$(wall "$venv/bin/python" -c "import sys, pandas as pd; f = sys.argv[1]; $read_py" "$f")
    mawhole=$(wall "$bin" probe "$f")
    echo "$pycold $pywarm $macold $mawarm $pywhole $mawhole" >> "$log"
  done
  # The best of each column over the rounds.
  read -r pycold pywarm macold mawarm pywhole mawhole < <(awk '
    NR == 1 { for (i = 1; i <= NF; i++) b[i] = $i }
    { for (i = 1; i <= NF; i++) if ($i < b[i]) b[i] = $i }
    END { print b[1], b[2], b[3], b[4], b[5], b[6] }' "$log")
  rm -f "$log"
  printf '  %-52s %7s s\n' \
    "pandas, read only (best of 3 reads in a process)" "$pywarm" \
    "mediaalign, read only (best of 3 reads in a process)" "$mawarm" \
    "pandas, first read of a process (cold)" "$pycold" \
    "mediaalign, first read of a process (cold)" "$macold" \
    "pandas, whole process (python + import + read)" "$pywhole" \
    "mediaalign probe, whole process" "$mawhole"
  awk -v pw="$pywarm" -v mw="$mawarm" -v pc="$pycold" -v mc="$macold" -v pp="$pywhole" -v mp="$mawhole" 'BEGIN{
    printf "  read only: mediaalign %.2f x faster than pandas (first reads: %.2f x); whole process: %.2f x faster (target >= 2, and <= 1 s)\n", pw/mw, pc/mc, pp/mp }'
  if [ -x /usr/bin/time ]; then
    r=$(rss "$bin" probe "$f")
    awk -v r="$r" -v p="$payload_kb" 'BEGIN{printf "  peak RSS %d KB = %.2f x the numeric payload of %d KB (target <= 3)\n", r, r/p, p}'
  fi
done
