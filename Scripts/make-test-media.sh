#!/usr/bin/env bash
# Regenerates the probe fixtures in TestMedia/ with the ffmpeg CLI and writes
# TestMedia/truth.json: what a player presents for each stream, derived from
# the generation parameters (not from FFmpeg's headers).
#
#   Scripts/make-test-media.sh          # needs: ffmpeg (apt-get install ffmpeg)
#
# Truth conventions:
#   audio nb_samples  = samples a player presents: the source length, since each
#                       container signals its codec delay and end padding (mp4
#                       edit list, Ogg granule, Matroska CodecDelay/DiscardPadding,
#                       no padding for PCM/FLAC). Two formats cannot signal the end
#                       padding, so a player presents the encoder's padding too:
#                       MP3 without a Xing/LAME header and Vorbis in WebM. Their
#                       truth is the ffmpeg CLI's decoded sample count (a decode,
#                       not a header figure), recorded with "truth_from": "decode".
#   start_time        = where the first presented sample/frame sits, seconds.
#                       The Matroska muxer shifts video by the audio's codec delay
#                       (7 ms for Opus, 3 ms for Vorbis here, in its 1 ms time
#                       base); those start times are recorded as written.
#                       Vorbis's first packet presents no samples, so its audio
#                       starts with the second packet (3 ms), in step with the
#                       video the muxer shifted.
#   video nb_frames   = frames generated.
set -euo pipefail
cd "$(dirname "$0")/.."
out=TestMedia
mkdir -p "$out/bad"
command -v ffmpeg >/dev/null || { echo "make-test-media: ffmpeg not found; run: apt-get install -y ffmpeg" >&2; exit 1; }

ff() { ffmpeg -nostdin -v error -y "$@"; }
BX=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
X264=(-c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -threads 1)
VID="testsrc=size=160x120:rate=30:duration=2"          # 60 frames
A48="sine=frequency=440:sample_rate=48000:duration=2"  # 96000 samples
A44="sine=frequency=660:sample_rate=44100:duration=2"  # 88200 samples
decoded() { echo $(( $(ffmpeg -nostdin -v error -i "$1" -map 0:a:0 -f s16le -ac 1 - | wc -c) / 2 )); }

ff -f lavfi -i "$VID" -f lavfi -i "$A48" "${X264[@]}" -c:a aac -b:a 48k -ac 2 "${BX[@]}" "$out/h264_aac.mp4"
ff -f lavfi -i "$VID" -f lavfi -i "$A48" "${X264[@]}" -c:a aac -b:a 48k "${BX[@]}" "$out/h264_aac.mov"
ff -f lavfi -i "$VID" -f lavfi -i "$A48" "${X264[@]}" -c:a libopus -b:a 24k "${BX[@]}" "$out/h264_opus.mkv"
ff -f lavfi -i "$VID" -f lavfi -i "$A48" -c:v libvpx -b:v 100k -deadline realtime -cpu-used 8 -c:a libvorbis -q:a 0 "${BX[@]}" "$out/vp8_vorbis.webm"
ff -f lavfi -i "$A44" -c:a libmp3lame -b:a 64k -write_xing 0 "${BX[@]}" "$out/cbr_noxing.mp3"
ff -f lavfi -i "$A44" -c:a libmp3lame -b:a 64k "${BX[@]}" "$out/cbr_lame.mp3"
# VBR without a Xing header: 1 s of silence (low bitrate) then 2 s of noise, so
# FFmpeg's bitrate estimate from the first frame is seconds off.
ff -f lavfi -i "anoisesrc=duration=3:sample_rate=44100:amplitude=0.5:seed=1" \
   -af "volume=enable='lt(t,1)':volume=0" -c:a libmp3lame -q:a 0 -write_xing 0 "${BX[@]}" "$out/vbr_noxing.mp3"
ff -f lavfi -i "$A44" -c:a pcm_s16le "${BX[@]}" "$out/pcm.wav"
ff -f lavfi -i "$A48" -c:a flac "${BX[@]}" "$out/audio.flac"
ff -f lavfi -i "$A48" -c:a aac -b:a 48k "${BX[@]}" "$out/aac_only.m4a"
ff -f lavfi -i "$A48" -c:a libopus -b:a 24k "${BX[@]}" "$out/opus.ogg"
ff -f lavfi -i "$VID" "${X264[@]}" "${BX[@]}" "$out/video_only.mp4"
# Audio starts late: the mp4 muxer writes an empty edit. -itsoffset 0.5 shifts
# the encoder's output, whose 1024 priming samples stay in (edit media_time 0),
# and the movie timescale (1000) rounds the empty edit down to 478 ms.
ff -f lavfi -i "$VID" -itsoffset 0.5 -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1.5" \
   "${X264[@]}" -c:a aac -b:a 48k "${BX[@]}" "$out/late_audio.mp4"
# Variable frame rate: 30 frames at 30 fps, then 15 frames at 15 fps (2 s).
ff -f lavfi -i "testsrc=size=160x120:rate=30:duration=2" -f lavfi -i "$A48" \
   -vf "select='lt(n,30)+gte(n,30)*not(mod(n,2))',setpts='if(lt(N,30),N/30,1+(N-30)/15)/TB'" -fps_mode vfr \
   "${X264[@]}" -c:a aac -b:a 48k "${BX[@]}" "$out/vfr.mp4"

# Clicks at known times (envelope timing): 1 ms Gaussian bursts of 2 kHz at
# 0.5, 1.3 and 2.1 s in 3 s, encoded with every lossy codec we read.
CLICKS="aevalsrc=0.8*sin(2*PI*2000*t)*(exp(-pow((t-0.5)/0.0004\,2))+exp(-pow((t-1.3)/0.0004\,2))+exp(-pow((t-2.1)/0.0004\,2))):s=48000:d=3"
mkdir -p "$out/clicks"
ff -f lavfi -i "$CLICKS" -c:a aac -b:a 64k "${BX[@]}" "$out/clicks/aac.m4a"
ff -f lavfi -i "$CLICKS" -c:a libmp3lame -b:a 96k "${BX[@]}" "$out/clicks/lame.mp3"
ff -f lavfi -i "$CLICKS" -c:a libopus -b:a 48k "${BX[@]}" "$out/clicks/opus.ogg"
ff -f lavfi -i "$CLICKS" -c:a libvorbis -q:a 3 "${BX[@]}" "$out/clicks/vorbis.ogg"
ff -f lavfi -i "$CLICKS" -c:a flac "${BX[@]}" "$out/clicks/flac.flac"
ff -f lavfi -i "testsrc=size=64x48:rate=10:duration=4" -itsoffset 0.5 -f lavfi -i "$CLICKS" \
   "${X264[@]}" -c:a aac -b:a 64k "${BX[@]}" "$out/clicks/late_aac.mp4"
# A gap in the audio timestamps: a 440 Hz tone with the clicks, whose
# timestamps jump by 0.5 s at 1 s (FLAC in Matroska keeps the jump), so the
# clicks at 1.3 and 2.1 s play at 1.8 and 2.6 s and 1.0 - 1.5 s holds no audio.
ff -f lavfi -i "$CLICKS" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
   -filter_complex "[1]volume=0.8[t];[0][t]amix=inputs=2:normalize=0,asetpts='if(gte(T,1),PTS+0.5/TB,PTS)'" \
   -c:a flac "${BX[@]}" "$out/clicks/gap_flac.mkv"
# Sample formats: the same 0.5 s of a stereo signal (left 300 Hz, right a
# 700 Hz burst) as packed PCM of every width; planar formats come from the
# lossy decoders above.
FMT="aevalsrc=0.5*sin(2*PI*300*t)|0.7*sin(2*PI*700*t)*gt(t\,0.2):s=8000:d=0.5"
for f in u8 s16le s32le f32le f64le; do
  ff -f lavfi -i "$FMT" -c:a "pcm_$f" "${BX[@]}" "$out/clicks/stereo_$f.wav"
done

# The bundled sample for align (and the Label Studio issues): 40 s of video
# with bursty pink noise, and a sensor CSV that is a loudness meter on its own
# clock: 50 Hz nominal, first row 2.5 s after the media starts, running 0.1 %
# fast (1.001 sensor seconds per media second, so scale = 1/1.001), level in
# dB plus noise, and a slow temperature column. The meter reads FFmpeg's astats
# RMS level (10 ms frames) of the source audio, independently of MediaAlign.
mkdir -p "$out/sample"
NOISE="anoisesrc=duration=40:color=pink:sample_rate=48000:amplitude=0.5:seed=5,volume='if(lt(mod(t*1.7+sin(t*0.9)\,3)\,1.2)\,1\,0.05)':eval=frame"
meter() { # meter AUDIO_FILTER OUT.txt: per-10 ms RMS level (dB) as "time level" lines
  ffmpeg -nostdin -v error -f lavfi -i "$1" \
    -af "asetnsamples=n=480:p=0,astats=metadata=1:reset=1:measure_overall=RMS_level:measure_perchannel=none,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=$2" -f null -
}
ff -f lavfi -i "testsrc=size=160x120:rate=25:duration=40" -f lavfi -i "$NOISE" \
   "${X264[@]}" -crf 38 -g 250 -c:a aac -b:a 64k "${BX[@]}" "$out/sample/session.mp4"
sensor_csv() { # sensor_csv METER.txt OUT.csv SEED
  awk -v seed="$3" '
    /pts_time:/ { split($0, a, "pts_time:"); t = a[2] + 0 }
    /RMS_level=/ { split($0, b, "="); v = b[2]; if (v == "-inf") v = -120; level[int(t * 100 + 0.5)] = v + 0 }
    END {
      srand(seed); print "time,level_db,temp"
      scale = 1 / 1.001
      for (i = 0; ; i++) {
        ts = 1000 + i * 0.02; tm = 2.5 + scale * (ts - 1000)
        if (tm > 38) break
        k = int((tm - 0.005) * 100 + 0.5)  # the 10 ms frame centred nearest tm
        printf "%.3f,%.2f,%.2f\n", ts, level[k] + (rand() - 0.5), 21 + i * 0.0005 + (rand() - 0.5) * 0.1
      }
    }' "$1" > "$2"
}
meter "$NOISE" /tmp/ma_meter.txt
sensor_csv /tmp/ma_meter.txt "$out/sample/sensor.csv" 7
# A second recorder of the same scene: its audio starts 5 s into the
# session, at 44.1 kHz (t_session = 5 + t_other).
ff -f lavfi -i "$NOISE" -af "atrim=start=5,asetpts=PTS-STARTPTS,aresample=44100" -c:a aac -b:a 48k "${BX[@]}" \
   "$out/sample/other_recorder.m4a"
# The same meter on a different recording (other noise, other rhythm).
OTHER="anoisesrc=duration=40:color=pink:sample_rate=48000:amplitude=0.5:seed=6,volume='if(lt(mod(t*1.3+cos(t*0.7)\,2.5)\,1)\,1\,0.05)':eval=frame"
meter "$OTHER" /tmp/ma_meter_other.txt
sensor_csv /tmp/ma_meter_other.txt "$out/sample/unrelated.csv" 8
rm -f /tmp/ma_meter.txt /tmp/ma_meter_other.txt

# A piecewise case: 100 s of audio (mono AAC, 24 kb/s) and a 50 Hz meter CSV
# on its own clock (first row 1.5 s after the media starts, 0.05 % fast)
# that lost 2 s of rows 55 s in while its timestamps carried on: from sensor
# time 1055 on, the media is 2 s further than the first line says.
mkdir -p "$out/piecewise"
PNOISE="anoisesrc=duration=100:color=pink:sample_rate=48000:amplitude=0.5:seed=9,volume='if(lt(mod(t*1.7+sin(t*0.9)+2*sin(t*0.23)+1.5*sin(t*0.071)\,3)\,1.2)\,1\,0.05)':eval=frame"
ff -f lavfi -i "$PNOISE" -ac 1 -c:a aac -b:a 24k "${BX[@]}" "$out/piecewise/session.m4a"
meter "$PNOISE" /tmp/ma_meter_pw.txt
awk '
  /pts_time:/ { split($0, a, "pts_time:"); t = a[2] + 0 }
  /RMS_level=/ { split($0, b, "="); v = b[2]; if (v == "-inf") v = -120; level[int(t * 100 + 0.5)] = v + 0 }
  END {
    srand(11); print "time,level_db"
    scale = 1 / 1.0005
    for (i = 0; ; i++) {
      ts = 1000 + i * 0.02; tm = 1.5 + scale * (ts - 1000) + (ts >= 1055 - 1e-9 ? 2 : 0)
      if (tm > 98) break
      k = int((tm - 0.005) * 100 + 0.5)
      printf "%.3f,%.2f\n", ts, level[k] + (rand() - 0.5)
    }
  }' /tmp/ma_meter_pw.txt > "$out/piecewise/sensor.csv"
rm -f /tmp/ma_meter_pw.txt

# Bad inputs.
: > "$out/bad/empty.mp4"
printf 'time,ax\n0.0,1\n' > "$out/bad/text.mp4"
ff -f lavfi -i "$VID" -f lavfi -i "$A48" "${X264[@]}" -c:a aac -b:a 48k "${BX[@]}" /tmp/ma_full.mp4
head -c $(( $(stat -c %s /tmp/ma_full.mp4) / 2 )) /tmp/ma_full.mp4 > "$out/bad/truncated.mp4"
ff -i /tmp/ma_full.mp4 -c copy -movflags +faststart "${BX[@]}" /tmp/ma_fast.mp4
head -c $(( $(stat -c %s /tmp/ma_fast.mp4) / 2 )) /tmp/ma_fast.mp4 > "$out/bad/truncated_faststart.mp4"
rm -f /tmp/ma_full.mp4 /tmp/ma_fast.mp4

# ALAC in a MOV whose last packet carries no duration (its stts delta is 0,
# as some recorders write it): 3.2 s at 16 kHz is 12 packets of 4096 samples
# and a last one of 2048, which the header's duration (3.072 s) leaves out.
ff -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=3.2" -c:a alac "${BX[@]}" /tmp/ma_alac.mov
python3 - /tmp/ma_alac.mov "$out/alac_undated.mov" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
stts = data.find(b'stts')
entries = int.from_bytes(data[stts + 8:stts + 12], 'big')
last = stts + 12 + 8 * (entries - 1) + 4
data[last:last + 4] = bytes(4)
open(sys.argv[2], 'wb').write(data)
PY
rm -f /tmp/ma_alac.mov
# One damaged AAC packet in the middle of 20 s (64 bytes scrambled 10 s in):
# ffmpeg decodes it with a warning and skips that packet. A tone that steps
# in loudness every 0.4 s, so the envelope has something to align.
ff -f lavfi -i "sine=frequency=500:sample_rate=48000:duration=20" \
   -af "volume='0.1+0.9*gt(sin(2*PI*t*1.25),0)':eval=frame" -c:a aac -b:a 32k "${BX[@]}" "$out/damaged_packet.m4a"
python3 - "$out/damaged_packet.m4a" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
mdat = data.find(b'mdat')
middle = mdat + (len(data) - mdat) // 2
for k in range(64):
    data[middle + k] ^= 0x5A
open(path, 'wb').write(data)
PY

noxing=$(decoded "$out/cbr_noxing.mp3")
vbr=$(decoded "$out/vbr_noxing.mp3")
vorbis=$(decoded "$out/vp8_vorbis.webm")

cat > "$out/truth.json" <<JSON
{
  "comment": "Written by Scripts/make-test-media.sh. Times in seconds; audio nb_samples = samples a player presents.",
  "files": [
    {"file": "h264_aac.mp4", "streams": [
      {"codec_type": "video", "codec_name": "h264", "nb_frames": 60, "start_time": 0.0, "frame_rate": 30.0, "constant_frame_rate": true},
      {"codec_type": "audio", "codec_name": "aac", "sample_rate": 48000, "channels": 2, "nb_samples": 96000, "start_time": 0.0}]},
    {"file": "h264_aac.mov", "streams": [
      {"codec_type": "video", "codec_name": "h264", "nb_frames": 60, "start_time": 0.0, "frame_rate": 30.0, "constant_frame_rate": true},
      {"codec_type": "audio", "codec_name": "aac", "sample_rate": 48000, "channels": 1, "nb_samples": 96000, "start_time": 0.0}]},
    {"file": "h264_opus.mkv", "streams": [
      {"codec_type": "video", "codec_name": "h264", "nb_frames": 60, "start_time": 0.007, "frame_rate": 30.0, "constant_frame_rate": true},
      {"codec_type": "audio", "codec_name": "opus", "sample_rate": 48000, "channels": 1, "nb_samples": 96000, "start_time": 0.0}]},
    {"file": "vp8_vorbis.webm", "streams": [
      {"codec_type": "video", "codec_name": "vp8", "nb_frames": 60, "start_time": 0.003, "frame_rate": 30.0, "constant_frame_rate": true},
      {"codec_type": "audio", "codec_name": "vorbis", "sample_rate": 48000, "channels": 1, "nb_samples": $vorbis, "truth_from": "decode", "start_time": 0.003}]},
    {"file": "cbr_noxing.mp3", "warnings": ["estimated from the bitrate"], "streams": [
      {"codec_type": "audio", "codec_name": "mp3", "sample_rate": 44100, "channels": 1, "nb_samples": $noxing, "truth_from": "decode", "start_time": 0.0}]},
    {"file": "cbr_lame.mp3", "warnings": ["header claims 2.038 s but the stream presents 2.000 s", "the header claims a start at 0.025 s"], "streams": [
      {"codec_type": "audio", "codec_name": "mp3", "sample_rate": 44100, "channels": 1, "nb_samples": 88200, "start_time": 0.0}]},
    {"file": "vbr_noxing.mp3", "warnings": ["estimated from the bitrate", "header claims"], "streams": [
      {"codec_type": "audio", "codec_name": "mp3", "sample_rate": 44100, "channels": 1, "nb_samples": $vbr, "truth_from": "decode", "start_time": 0.0}]},
    {"file": "pcm.wav", "streams": [
      {"codec_type": "audio", "codec_name": "pcm_s16le", "sample_rate": 44100, "channels": 1, "nb_samples": 88200, "start_time": 0.0}]},
    {"file": "audio.flac", "streams": [
      {"codec_type": "audio", "codec_name": "flac", "sample_rate": 48000, "channels": 1, "nb_samples": 96000, "start_time": 0.0}]},
    {"file": "aac_only.m4a", "streams": [
      {"codec_type": "audio", "codec_name": "aac", "sample_rate": 48000, "channels": 1, "nb_samples": 96000, "start_time": 0.0}]},
    {"file": "opus.ogg", "streams": [
      {"codec_type": "audio", "codec_name": "opus", "sample_rate": 48000, "channels": 1, "nb_samples": 96000, "start_time": 0.0}]},
    {"file": "video_only.mp4", "warnings": ["no audio stream"], "streams": [
      {"codec_type": "video", "codec_name": "h264", "nb_frames": 60, "start_time": 0.0, "frame_rate": 30.0, "constant_frame_rate": true}]},
    {"file": "late_audio.mp4", "warnings": ["starts 0.478 s late", "shorter than video"], "streams": [
      {"codec_type": "video", "codec_name": "h264", "nb_frames": 60, "start_time": 0.0, "frame_rate": 30.0, "constant_frame_rate": true},
      {"codec_type": "audio", "codec_name": "aac", "sample_rate": 48000, "channels": 1, "nb_samples": 73024, "start_time": 0.478}]},
    {"file": "alac_undated.mov", "warnings": ["the header claims 3.072 s but the stream presents 3.200 s"], "streams": [
      {"codec_type": "audio", "codec_name": "alac", "sample_rate": 16000, "channels": 1, "nb_samples": 51200, "start_time": 0.0}]},
    {"file": "damaged_packet.m4a", "streams": [
      {"codec_type": "audio", "codec_name": "aac", "sample_rate": 48000, "channels": 1, "nb_samples": 960000, "start_time": 0.0}]},
    {"file": "vfr.mp4", "warnings": ["variable frame rate"], "streams": [
      {"codec_type": "video", "codec_name": "h264", "nb_frames": 45, "start_time": 0.0, "constant_frame_rate": false},
      {"codec_type": "audio", "codec_name": "aac", "sample_rate": 48000, "channels": 1, "nb_samples": 96000, "start_time": 0.0}]}
  ],
  "clicks": {
    "comment": "clicks/: burst centres in media seconds; late_aac.mp4's audio starts at the 478 ms empty edit plus 1024 priming samples the edit keeps",
    "times": [0.5, 1.3, 2.1],
    "files": [
      {"file": "clicks/aac.m4a", "offset": 0.0},
      {"file": "clicks/lame.mp3", "offset": 0.0},
      {"file": "clicks/opus.ogg", "offset": 0.0},
      {"file": "clicks/vorbis.ogg", "offset": 0.0},
      {"file": "clicks/flac.flac", "offset": 0.0},
      {"file": "clicks/late_aac.mp4", "offset": 0.499333333}
    ],
    "gap": {"file": "clicks/gap_flac.mkv", "gap_start": 1.0, "gap_end": 1.5, "clicks_after_gap": [1.8, 2.6], "tone_rms": 0.0707}
  },
  "sample": {"media": "sample/session.mp4", "csv": "sample/sensor.csv", "channel": "level_db",
    "offset": 2.5, "scale": 0.999000999000999, "csv_origin": 1000.0, "unrelated": "sample/unrelated.csv",
    "other_media": "sample/other_recorder.m4a", "other_offset": 5.0},
  "piecewise": {"media": "piecewise/session.m4a", "csv": "piecewise/sensor.csv", "channel": "level_db", "csv_origin": 1000.0,
    "segments": [{"csv_start": 1000.0, "offset": 1.5, "scale": 0.9995002498750625},
                 {"csv_start": 1055.0, "offset": 3.5, "scale": 0.9995002498750625}]},
  "bad": [
    {"file": "bad/empty.mp4", "error": "empty"},
    {"file": "bad/text.mp4", "error": "holds text, not audio or video"},
    {"file": "bad/truncated.mp4", "error": "the index (moov atom) is missing"},
    {"file": "bad/truncated_faststart.mp4", "error": "truncated"}
  ]
}
JSON
du -sh "$out"
