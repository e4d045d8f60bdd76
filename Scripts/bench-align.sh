#!/usr/bin/env bash
# Benchmarks `mediaalign align` (release build) side by side with the plain
# Python baseline (../shared/bench/baseline.py, numpy/scipy in its own venv,
# .cache/venv-baseline):
#   1. ../shared/bench/: score.py runs both over cases.json and prints each
#      summary (sync error median/p95/max, success within 40 ms, rejections,
#      wall time).
#   2. A 1-hour case (made once in .cache/bench/): a 1-hour AAC mp4 and a
#      100 Hz loudness-meter CSV on its own clock (starts 12.3 s before the
#      media, 300 ppm slow). Wall time and peak RSS of mediaalign and the
#      baseline, against `ffmpeg -v error -i F -vn -f null -`, and each's
#      error against the truth.
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
bench="$(realpath ../shared/bench)"
venv=.cache/venv-baseline
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q numpy scipy
fi
py="$(realpath "$venv/bin/python")"

echo "== ../shared/bench: mediaalign"
(cd "$bench" && "$py" score.py --cmd "$bin align {media} {csv} --time-column {time_column} --channel {channel} --json" \
  --pair-cmd "$bin align {ref} {other} --json") | sed -n '/^- cases/,$p'
echo "== ../shared/bench: baseline.py"
(cd "$bench" && "$py" score.py --baseline) | sed -n '/^- cases/,$p'

media="$cache/hour_align2.mp4"
csv="$cache/hour_align2.csv"
# Bursts whose rhythm never repeats within the hour (incommensurate slow terms).
NOISE="anoisesrc=duration=3600:color=pink:sample_rate=48000:amplitude=0.5:seed=5,volume='if(lt(mod(t*1.7+sin(t*0.9)+2*sin(t*0.031)+1.5*sin(t*0.0071)\,3)\,1.2)\,1\,0.05)':eval=frame"
if [ ! -s "$media" ] || [ ! -s "$csv" ]; then
  echo "bench-align: making the 1-hour case (once)…" >&2
  ffmpeg -nostdin -v error -y -f lavfi -i "testsrc=size=64x48:rate=1:duration=3600" -f lavfi -i "$NOISE" \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 96k "$media.tmp.mp4"
  ffmpeg -nostdin -v error -f lavfi -i "$NOISE" \
    -af "asetnsamples=n=480:p=0,astats=metadata=1:reset=1:measure_overall=RMS_level:measure_perchannel=none,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=$cache/hour_meter.txt" -f null -
  awk '
    /pts_time:/ { split($0, a, "pts_time:"); t = a[2] + 0 }
    /RMS_level=/ { split($0, b, "="); v = b[2]; if (v == "-inf") v = -120; level[int(t * 100 + 0.5)] = v + 0 }
    END {
      srand(3); print "time,level_db"
      offset = -12.3; scale = 1.0003
      for (i = 0; ; i++) {
        ts = i * 0.01; tm = offset + scale * ts
        if (tm > 3590) break
        k = int((tm - 0.005) * 100 + 0.5)
        v = (k >= 0 && k in level) ? level[k] : -90
        printf "%.2f,%.2f\n", ts, v + (rand() - 0.5)
      }
    }' "$cache/hour_meter.txt" > "$csv.tmp"
  mv "$media.tmp.mp4" "$media"; mv "$csv.tmp" "$csv"; rm -f "$cache/hour_meter.txt"
fi
timed() { # timed OUT CMD…: wall seconds and peak RSS KB of one run, stdout to OUT
  local out=$1; shift
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$out.rss" "$@" > "$out" 2>/dev/null || true
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN{printf "%.2f", e-s}'
}
err() { # worst error (ms) over the sensor span of a result JSON, truth offset -12.3 at t=0, scale 1.0003
  "$py" -c "
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1] if False else open(sys.argv[1]).read())
off = r['offset'] - r['scale'] * r.get('csv_origin', 0.0)
worst = max(abs((off + r['scale'] * t) - (-12.3 + 1.0003 * t)) for t in (0.0, 3600.0))
print('%s, worst error %.1f ms, scale %.7f' % (r['status'], worst * 1000, r['scale']))" "$1"
}
echo "== 1-hour case: $media ($(du -h "$media" | cut -f1)), $csv ($(du -h "$csv" | cut -f1))"
t_ff=$(timed /tmp/ma_ff.out ffmpeg -nostdin -v error -i "$media" -vn -f null -)
t_ma=$(timed /tmp/ma_align.json "$bin" align "$media" "$csv" --time-column time --channel level_db --json)
t_py=$(timed /tmp/ma_base.json "$py" "$bench/baseline.py" align "$media" "$csv" --time-column time --channel level_db --json)
printf '  %-36s %7s s  RSS %s KB\n' "ffmpeg -f null (decode reference)" "$t_ff" "$(cat /tmp/ma_ff.out.rss)" \
  "mediaalign align" "$t_ma" "$(cat /tmp/ma_align.json.rss)" "baseline.py" "$t_py" "$(cat /tmp/ma_base.json.rss)"
echo "  mediaalign: $(err /tmp/ma_align.json)"
echo "  baseline:   $(err /tmp/ma_base.json)"
awk -v a="$t_ma" -v f="$t_ff" -v p="$t_py" 'BEGIN{
  printf "  mediaalign = %.2f x the decode time (target <= 1.3); %.1f x faster than the baseline (target >= 10)\n", a/f, p/a }'
