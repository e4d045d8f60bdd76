#!/usr/bin/env bash
# Benchmarks `mediaalign probe` on a 1-hour H.264 + AAC mp4 (made once and
# cached in .cache/bench/), as ratios against ffprobe on the same file in the
# same run:
#   - header only:  `mediaalign probe --header-only`  vs  `ffprobe` (no packet scan)
#   - exact scan:   `mediaalign probe`                vs  `ffprobe -count_packets`
# Each figure is the best of 3 runs (release build). Prints peak RSS too.
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
f="$cache/hour_h264_aac.mp4"
if [ ! -s "$f" ]; then
  echo "bench-probe: making $f (1 hour, once)…" >&2
  ffmpeg -nostdin -v error -y -f lavfi -i "testsrc=size=320x240:rate=30:duration=3600" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3600" \
    -c:v libx264 -preset ultrafast -g 300 -pix_fmt yuv420p -c:a aac -b:a 96k -ac 2 "$f.tmp.mp4"
  mv "$f.tmp.mp4" "$f"
fi


echo "file: $f ($(du -h "$f" | cut -f1))"
ffh=$(best ffprobe -v error -show_streams -show_format "$f")
mah=$(best "$bin" probe --header-only "$f")
ffc=$(best ffprobe -v error -count_packets -show_streams -show_format "$f")
mac=$(best "$bin" probe "$f")
printf '%-44s %8s s\n' "ffprobe (header)" "$ffh" "mediaalign probe --header-only" "$mah" \
  "ffprobe -count_packets" "$ffc" "mediaalign probe (exact)" "$mac"
awk -v a="$mah" -v b="$ffh" 'BEGIN{printf "ratio header-only / ffprobe:               %.2f\n", a/b}'
awk -v a="$mac" -v b="$ffc" 'BEGIN{printf "ratio exact scan / ffprobe -count_packets: %.2f\n", a/b}'
if [ -x /usr/bin/time ]; then
  echo "peak RSS mediaalign probe (exact): $(rss "$bin" probe "$f") KB"
fi
"$bin" probe "$f"
