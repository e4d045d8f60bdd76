#!/usr/bin/env bash
# A 5-minute clip 17 h into a 24 h sensor log at 25 Hz (2.2 M rows, epoch
# milliseconds), made once in .cache/bench/longlog/ by the stress
# generator: `mediaalign align` (release) wall time and peak RSS against the
# same run's CSV read (`probe --timings`) plus the clip's decode
# (`ffmpeg -v error -i F -vn -f null -`), and its error against the truth.
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
ensure_time
venv=.cache/venv-stress
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; "$venv/bin/pip" install -q numpy scipy; fi
py="$(realpath "$venv/bin/python")"
out="$cache/longlog"
if [ ! -s "$out/case.json" ]; then
  echo "bench-longlog: making the case (once)…" >&2
  "$py" - "$out" <<'PY'
import json, os, sys
sys.path.insert(0, "Scripts/lib")
import stress_gen as g
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
sources = g.load_sources(".cache/stress/sources")
case = g.make_case(out, 0, 2024, None, sources, 300, 86400, overrides={
    "media_s": 300.0, "container": "mp4", "sample_rate": 48000, "stereo": True, "audio_start": 0.0,
    "style": "mixed", "sensor_s": 86400.0, "ratio": 1.0, "scale": 1.00012, "rate_hz": 25.0, "jitter": 0.1,
    "drop": 0.0, "gap_s": 0.0, "time_kind": "epoch_ms", "accelerometer": False, "compression": "db",
    "snr_db": 20.0, "smooth_hz": 8.0, "band": [100.0, 3000.0], "sensor_start": -17 * 3600.0})
json.dump(case, open(os.path.join(out, "case.json"), "w"), indent=1)
PY
fi
media="$out/c0000/media.mp4"
csv="$out/c0000/sensor.csv"
read_s=$("$bin" probe --timings "$csv" 2>&1 >/dev/null | awk '/ read /{print $(NF-1)}' | head -1)
decode_s=$(best ffmpeg -v error -i "$media" -vn -f null -)
align_s=$(best "$bin" align "$media" "$csv" --json)
peak=$(rss "$bin" align "$media" "$csv" --json)
echo "rows: $(($(wc -l < "$csv") - 1)); CSV read ${read_s} s, clip decode ${decode_s} s (ffmpeg -f null, best of 3)"
awk -v a="$align_s" -v r="$read_s" -v d="$decode_s" -v m="$peak" \
  'BEGIN{printf "align %.3f s (best of 3) = %.2f x (read + decode); peak RSS %.0f MB\n", a, a/(r+d), m/1024}'
"$bin" align "$media" "$csv" --json 2>/dev/null | "$py" -c "
import json, sys
sys.path.insert(0, 'Scripts/lib')
import numpy as np, stress_score as s
case = json.load(open('$out/case.json'))
est = json.load(sys.stdin)
t, true = s.truth_csv_seconds(case, '$out')
lo, hi = case['overlap']
inside = (true >= lo) & (true <= hi)
print(f\"status {est['status']}, confidence {est['confidence']:.2f}, worst error {np.max(np.abs(s.clock(est, t[inside]) - true[inside])) * 1000:.2f} ms, uncertainty {est.get('uncertainty_ms')} ms\")"
