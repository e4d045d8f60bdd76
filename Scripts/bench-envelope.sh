#!/usr/bin/env bash
# Benchmarks `mediaalign envelope` (release build) on two 1-hour files, made
# once and cached in .cache/bench/: a 48 kHz stereo AAC mp4 (with a small
# video stream, which the reader discards at the demuxer) and a 48 kHz stereo
# CBR mp3. For each it prints, best of 3 runs:
#   ffmpeg -v error -i F -vn -f null -        (the reference decode)
#   mediaalign envelope F --threads 1
#   mediaalign envelope F --threads <cores>
# the ratios to the reference, and peak RSS (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
cores=$(nproc)
# Programme-like audio: pink noise swelling and fading every few seconds over a
# 220 Hz tone, different in each channel.
AUDIO="anoisesrc=color=pink:sample_rate=48000:amplitude=0.3:duration=3600:seed=3,volume='0.2+0.8*abs(sin(t*0.7))':eval=frame[n];sine=frequency=220:sample_rate=48000:duration=3600[s];[n][s]amix=inputs=2,aformat=channel_layouts=mono[m];[m]asplit[l][r];[l][r]join=inputs=2:channel_layout=stereo"
make() { # make FILE ARGS… (once)
  local f=$1; shift
  if [ ! -s "$f" ]; then
    echo "bench-envelope: making $f (1 hour, once)…" >&2
    local tmp="${f%.*}.tmp.${f##*.}"
    ffmpeg -nostdin -v error -y "$@" "$tmp"
    mv "$tmp" "$f"
  fi
}
make "$cache/hour_aac.mp4" -f lavfi -i "testsrc=size=64x48:rate=1:duration=3600" -filter_complex "$AUDIO" \
  -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 128k
make "$cache/hour_cbr.mp3" -filter_complex "$AUDIO" -c:a libmp3lame -b:a 128k


out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "$cache/hour_aac.mp4" "$cache/hour_cbr.mp3"; do
  echo "== $f ($(du -h "$f" | cut -f1))"
  ref=$(best ffmpeg -nostdin -v error -i "$f" -vn -f null -)
  one=$(best "$bin" envelope "$f" --threads 1 -o "$out/one.csv")
  all=$(best "$bin" envelope "$f" --threads "$cores" -o "$out/all.csv")
  printf '  %-40s %7s s\n' "ffmpeg -f null (reference)" "$ref" "mediaalign envelope --threads 1" "$one" \
    "mediaalign envelope --threads $cores" "$all"
  awk -v a="$one" -v r="$ref" 'BEGIN{printf "  1 thread:  %.2f x the reference time (target <= 0.90)\n", a/r}'
  awk -v a="$all" -v r="$ref" 'BEGIN{printf "  %s threads: %.2f x faster than the reference (target >= 1.7)\n", "'"$cores"'", r/a}'
  if cmp -s "$out/one.csv" "$out/all.csv"; then echo "  outputs: identical"; else echo "  outputs: DIFFER"; fi
  if [ -x /usr/bin/time ]; then
    echo "  peak RSS: 1 thread $(rss "$bin" envelope "$f" --threads 1 -o "$out/x.csv") KB, $cores threads $(rss "$bin" envelope "$f" --threads "$cores" -o "$out/x.csv") KB (target <= 65536)"
  fi
done
