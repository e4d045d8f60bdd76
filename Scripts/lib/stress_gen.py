#!/usr/bin/env python3
"""Seeded stress and calibration cases for `mediaalign align`.

    stress_gen.py OUT --count N --seed S [--negatives M] [--max-media SEC] [--max-sensor SEC]

Each case is a media file and a sensor CSV recorded "beside" it, with a known
clock map. The world is a programme of real recordings (Debian packages
sonic-pi-samples, pocketsphinx-testdata, sound-icons,
sound-theme-freedesktop, alsa-utils): speech, music, sparse events,
ambience and silences. The media file holds the part of the world the
camera heard; the sensor hears a band of the same world (and the world
goes on before and after the clip: other sounds from a disjoint set of
sources), through its own physics and on its own clock:

    t_media = offset + scale * (t_csv - t_csv0)     (seconds; docs/clock-map.md)

Every random choice comes from one numpy Generator seeded by (seed, case
index), so a case is the same wherever it is made. OUT/cases.json lists
every case: files, the command-line arguments a user would give (none for
time units), the truth, and the parameters drawn (for breakdowns).
"""
import argparse
import datetime as dt
import glob
import json
import math
import os
import subprocess
import sys

import numpy as np

SR = 16000          # programme sample rate (Hz)
ENV_RATE = 100      # world band-energy rate (Hz)
FRAME = 512         # STFT frame for band energies (32 ms)
HOP = SR // ENV_RATE
RATIOS = [25 / 24, 24 / 25, 1001 / 1000, 1000 / 1001, 48000 / 44100, 44100 / 48000]
CONTAINERS = ["mp4", "mov", "mkv", "webm", "mp3", "m4a", "flac", "wav"]
SAMPLE_RATES = [8000, 11025, 16000, 22050, 32000, 44100, 48000]
MAX_ROWS = 2.5e6    # rows per sensor at most (--max-rows)
TIME_KINDS = ["float_s", "epoch_s", "ms_boot", "us_boot", "ns_boot", "epoch_ms", "epoch_us", "epoch_ns", "iso"]


# ----------------------------------------------------------------------------- sources
def source_files():
    """Real recordings, by kind."""
    sp = "/usr/share/sonic-pi/samples/"
    kinds = {
        "speech": sorted(glob.glob("/usr/share/pocketsphinx/test/data/librivox/*.wav"))
        + sorted(glob.glob("/usr/share/pocketsphinx/test/data/*.raw")),
        "music": sorted(glob.glob(sp + "loop_*.flac") + glob.glob(sp + "guit_*.flac") + glob.glob(sp + "ambi_piano.flac")
                        + glob.glob(sp + "bass_*.flac")),
        "events": sorted(glob.glob(sp + "drum_*.flac") + glob.glob(sp + "bd_*.flac") + glob.glob(sp + "perc_*.flac")
                         + glob.glob(sp + "elec_*.flac") + glob.glob(sp + "tabla_*.flac") + glob.glob(sp + "sn_*.flac")
                         + glob.glob(sp + "misc_*.flac") + glob.glob("/usr/share/sounds/sound-icons/*.wav")
                         + glob.glob("/usr/share/sounds/freedesktop/stereo/*.oga")
                         + glob.glob("/usr/share/sounds/alsa/*.wav")),
        "ambience": sorted(glob.glob(sp + "ambi_*.flac") + glob.glob(sp + "vinyl_*.flac")),
    }
    missing = [k for k, v in kinds.items() if not v]
    if missing:
        sys.exit(f"stress_gen: no source recordings for {missing}; install sonic-pi-samples pocketsphinx-testdata "
                 "sound-icons sound-theme-freedesktop alsa-utils")
    return kinds


def load_sources(cache):
    """Every source decoded once to mono float32 at SR (cached as .f32)."""
    os.makedirs(cache, exist_ok=True)
    out = {}
    for kind, files in source_files().items():
        clips = []
        for f in files:
            name = os.path.join(cache, kind + "_" + os.path.basename(f) + ".f32")
            if not os.path.exists(name):
                pre = ["-f", "s16le", "-ar", "16000", "-ac", "1"] if f.endswith(".raw") else []
                subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *pre, "-i", f, "-ac", "1", "-ar", str(SR),
                                "-f", "f32le", name + ".tmp"], check=True)
                os.replace(name + ".tmp", name)
            x = np.fromfile(name, dtype=np.float32)
            if len(x) > SR // 10 and np.max(np.abs(x)) > 1e-4:
                clips.append(x / np.max(np.abs(x)))
        out[kind] = clips
    return out


# ----------------------------------------------------------------------------- programme
def programme(rng, sources, duration, style, half):
    """`duration` s of world audio at SR from one half of the sources (0 or 1,
    so the world outside the clip never replays the clip's sounds)."""
    n = int(duration * SR)
    x = np.zeros(n, dtype=np.float32)
    pick = lambda kind: [c for i, c in enumerate(sources[kind]) if i % 2 == half] or sources[kind]
    pos = 0
    while pos < n:
        kind = style if style != "mixed" else rng.choice(["speech", "music", "events", "ambience"])
        if rng.random() < 0.15:  # a silence
            pos += int(rng.uniform(0.5, 8) * SR)
            continue
        seg = int(min(n - pos, rng.uniform(3, 40) * SR))
        if kind == "events":
            # Sparse hits over a quiet bed.
            t = pos
            while t < pos + seg:
                clip = pick("events")[rng.integers(len(pick("events")))]
                clip = clip[: int(rng.uniform(0.05, 1.5) * SR)]
                m = min(len(clip), n - t)
                x[t:t + m] += clip[:m] * 10 ** (rng.uniform(-18, 0) / 20)
                t += int(rng.exponential(1.2) * SR) + m
        else:
            filled = 0
            while filled < seg:
                clips = pick(kind)
                clip = clips[rng.integers(len(clips))]
                start = rng.integers(0, max(1, len(clip) - SR))
                piece = clip[start:start + seg - filled]
                gain = 10 ** (rng.uniform(-15, 0) / 20)
                x[pos + filled:pos + filled + len(piece)] += piece * gain
                filled += len(piece) + int(rng.uniform(0, 0.5) * SR)
        pos += seg
    return x


def periodic_programme(rng, sources, duration):
    """A metronome: one event sound repeated with an exact period."""
    n = int(duration * SR)
    x = np.zeros(n, dtype=np.float32)
    clip = sources["events"][rng.integers(len(sources["events"]))][: int(0.2 * SR)]
    period = rng.uniform(0.4, 2.0)
    t = rng.uniform(0, period)
    while t * SR < n:
        i = int(t * SR)
        m = min(len(clip), n - i)
        x[i:i + m] += clip[:m]
        t += period
    return x


# ----------------------------------------------------------------------------- physics
def band_energy(x, band):
    """Power in `band` (Hz) per 10 ms hop (Hann frames of 32 ms), at ENV_RATE."""
    freqs = np.fft.rfftfreq(FRAME, 1 / SR)
    sel = (freqs >= band[0]) & (freqs <= band[1])
    window = np.hanning(FRAME).astype(np.float32)
    frames = max(1, (len(x) - FRAME) // HOP + 1)
    out = np.empty(frames, dtype=np.float64)
    chunk = 20000
    for a in range(0, frames, chunk):
        b = min(frames, a + chunk)
        idx = (np.arange(a, b) * HOP)[:, None] + np.arange(FRAME)[None, :]
        spec = np.fft.rfft(x[idx] * window, axis=1)
        out[a:b] = np.sum(np.abs(spec[:, sel]) ** 2, axis=1) / FRAME
    return out


def world_energy(rng, sources, duration, band, half):
    """Band energy of a world built straight at ENV_RATE (for long logs: a
    day-long log needs no day of audio), from the given half of the sources."""
    n = int(duration * ENV_RATE)
    e = np.zeros(n)
    pos = 0
    cache = {}
    while pos < n:
        if rng.random() < 0.3:
            pos += int(rng.uniform(1, 120) * ENV_RATE)
            continue
        kind = rng.choice(["speech", "music", "events", "ambience"])
        clips = [c for i, c in enumerate(sources[kind]) if i % 2 == half] or sources[kind]
        k = int(rng.integers(len(clips)))
        if (kind, k) not in cache:
            cache[(kind, k)] = band_energy(clips[k], band)
        env = cache[(kind, k)]
        start = int(rng.integers(0, max(1, len(env) - ENV_RATE)))
        piece = env[start:start + int(rng.uniform(2, 60) * ENV_RATE)] * 10 ** (rng.uniform(-20, 0) / 10)
        m = min(len(piece), n - pos)
        e[pos:pos + m] += piece[:m]
        pos += m + int(rng.uniform(0, 5) * ENV_RATE)
    return e


def smooth(x, cutoff):
    """Zero-phase 2nd-order Butterworth low-pass at `cutoff` Hz. (A causal
    filter would delay the reading by ~1/(2π·cutoff): no method can tell
    that delay from a clock offset, so the truth would not be defined.)"""
    from scipy.signal import butter, sosfiltfilt
    if len(x) < 20:
        return x
    return sosfiltfilt(butter(2, min(cutoff, 0.45 * ENV_RATE), fs=ENV_RATE, output="sos"), x)


def sensor_response(rng, energy, p):
    """The sensor's reading at ENV_RATE from the band energy it hears."""
    amp = np.sqrt(np.maximum(energy, 0))
    if p["smooth_hz"]:
        amp = smooth(amp, p["smooth_hz"])
    t = np.arange(len(amp)) / ENV_RATE
    if p["gain_drift_db"]:
        period = rng.uniform(30, 600)
        amp = amp * 10 ** (p["gain_drift_db"] * np.sin(2 * np.pi * t / period + rng.uniform(0, 6.3)) / 20)
    if p["agc"]:
        k = int(rng.uniform(1, 10) * ENV_RATE)
        level = np.sqrt(np.convolve(amp ** 2, np.ones(k) / k, mode="same")) + 1e-6
        amp = amp / level ** 0.7
    scale = np.percentile(amp[amp > 0], 90) if np.any(amp > 0) else 1.0
    if p["events_per_s"]:
        count = rng.poisson(p["events_per_s"] * len(amp) / ENV_RATE)
        for _ in range(count):
            i = int(rng.integers(len(amp)))
            m = int(rng.uniform(0.05, 1.0) * ENV_RATE)
            amp[i:i + m] += scale * rng.uniform(0.3, 1.5)
    if p["snr_db"] is not None:
        sig = np.std(amp) + 1e-12
        amp = amp + rng.normal(0, sig / 10 ** (p["snr_db"] / 20), len(amp))
    c = p["compression"]
    floor = 1e-4 * scale
    if c == "sqrt":
        amp = np.sqrt(np.maximum(amp, 0))
    elif c == "log":
        amp = np.log(np.maximum(amp, 0) + floor)
    elif c == "db":
        amp = 20 * np.log10(np.maximum(amp, 0) + floor) + 94
    elif c == "adc":
        bits = p["adc_bits"]
        top = max(float(np.percentile(np.maximum(amp, 0), rng.uniform(90, 99.5))), 1e-12)
        amp = np.clip(np.round(np.maximum(amp, 0) / top * (2 ** bits - 1)), 0, 2 ** bits - 1)
    return amp


# ----------------------------------------------------------------------------- time columns
def time_column(kind, rng, rel):
    """Name and cells for times `rel` (seconds from the first row)."""
    boot = rng.uniform(20, 3e5)
    epoch = rng.uniform(1.6e9, 1.8e9)
    if kind == "float_s":
        t0 = rng.choice([0.0, rng.uniform(0, 1000)])
        return rng.choice(["time", "t", "seconds", "elapsed_s"]), 1.0, [f"{t0 + r:.6f}" for r in rel]
    if kind == "epoch_s":
        return rng.choice(["timestamp", "time", "unix_time"]), 1.0, [f"{epoch + r:.6f}" for r in rel]
    if kind.endswith("_boot") or kind.startswith("epoch_"):
        unit = {"ms": 1e3, "us": 1e6, "ns": 1e9}[kind.split("_")[0] if kind.endswith("_boot") else kind.split("_")[1]]
        base = boot if kind.endswith("_boot") else epoch
        suffix = {1e3: "ms", 1e6: "us", 1e9: "ns"}[unit]
        names = [f"t_{suffix}", f"timestamp_{suffix}", f"time_{suffix}", "timestamp", "time"]
        if unit == 1e3:
            names.append("millis")
        start = int(base * unit)
        return rng.choice(names), unit, [str(start + int(round(r * unit))) for r in rel]
    # ISO 8601 with a zone.
    zone = int(rng.choice([0, 60, -300, 330, 120]))
    tz = dt.timezone(dt.timedelta(minutes=zone))
    cells = []
    for r in rel:
        d = dt.datetime.fromtimestamp(epoch + r, tz)
        s = d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond:06d}"
        cells.append(s + ("Z" if zone == 0 and rng.random() < 0.5 else d.strftime("%z")[:3] + ":" + d.strftime("%z")[3:]))
    return rng.choice(["datetime", "time", "timestamp"]), 1.0, cells


def iso_seconds(cell):
    return dt.datetime.fromisoformat(cell.replace("Z", "+00:00")).timestamp()


# ----------------------------------------------------------------------------- media
def write_media(path, audio, sr_out, container, stereo, audio_start, rng):
    wav = path + ".src.wav"
    data = np.clip(audio, -1, 1)
    if stereo:
        other = 0.7 * data + rng.normal(0, 0.01, len(data)).astype(np.float32)
        data = np.stack([data, np.clip(other, -1, 1)], axis=1)
    pcm = (data * 32767).astype("<i2").tobytes()
    ch = 2 if stereo else 1
    import wave
    with wave.open(wav, "wb") as w:
        w.setnchannels(ch)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm)
    duration = len(audio) / SR + audio_start
    video = container in ("mp4", "mov", "mkv", "webm")
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    if video:
        cmd += ["-f", "lavfi", "-i", f"color=c=gray:size=64x48:rate=5:duration={duration:.3f}"]
    if audio_start > 0:
        cmd += ["-itsoffset", f"{audio_start:.3f}"]
    cmd += ["-i", wav]
    codec = {"mp4": ["-c:a", "aac", "-b:a", "96k"], "mov": ["-c:a", "aac", "-b:a", "96k"],
             "mkv": ["-c:a", "libopus", "-b:a", "64k"], "webm": ["-c:a", "libopus", "-b:a", "64k"],
             "mp3": ["-c:a", "libmp3lame", "-b:a", "96k"], "m4a": ["-c:a", "aac", "-b:a", "96k"],
             "flac": ["-c:a", "flac"], "wav": ["-c:a", "pcm_s16le"]}[container]
    if video:
        cmd += ["-c:v", "libvpx" if container == "webm" else "libx264"]
        if container != "webm":
            cmd += ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    # Opus runs at 48 kHz whatever the input; others take the drawn rate.
    rate = 48000 if container in ("mkv", "webm") else sr_out
    cmd += codec + ["-ar", str(rate), path]
    subprocess.run(cmd, check=True)
    os.remove(wav)
    return rate


# ----------------------------------------------------------------------------- one case
def draw(rng, index, negative, max_media, max_sensor):
    p = {}
    p["negative"] = negative or None
    lo, hi = math.log(8), math.log(max_media)
    p["media_s"] = float(math.exp(rng.uniform(lo, hi)))
    p["container"] = str(rng.choice(CONTAINERS))
    p["sample_rate"] = int(rng.choice(SAMPLE_RATES))
    p["stereo"] = bool(rng.random() < 0.4)
    p["audio_start"] = float(rng.uniform(0.1, 3.0)) if p["container"] in ("mp4", "mov") and rng.random() < 0.25 else 0.0
    p["style"] = str(rng.choice(["speech", "music", "events", "ambience", "mixed", "mixed"]))
    # Sensor coverage: from 40 % of the clip to 24 h around it.
    cover_lo = 0.4 * p["media_s"]
    cover_hi = max(cover_lo * 1.01, min(max_sensor, 86400))
    p["sensor_s"] = float(math.exp(rng.uniform(math.log(cover_lo), math.log(cover_hi))))
    if rng.random() < 0.3:  # about as long as the clip, as on the bench
        p["sensor_s"] = float(p["media_s"] * rng.uniform(0.9, 1.3))
    ppm = rng.uniform(-2000, 2000) if rng.random() < 0.8 else rng.uniform(-100, 100)
    p["ratio"] = float(rng.choice(RATIOS)) if rng.random() < 0.12 else 1.0
    p["scale"] = float(p["ratio"] * (1 + ppm * 1e-6))
    p["rate_hz"] = float(math.exp(rng.uniform(math.log(10), math.log(1000))))
    p["jitter"] = float(rng.uniform(0, 0.3))
    p["drop"] = float(rng.uniform(0, 0.05)) if rng.random() < 0.4 else 0.0
    p["gap_s"] = float(rng.uniform(1, 20)) if rng.random() < 0.25 else 0.0
    nyquist = min(p["sample_rate"], 48000 if p["container"] in ("mkv", "webm") else p["sample_rate"]) / 2
    top = min(6000, 0.9 * nyquist, 0.9 * SR / 2)
    f1 = math.exp(rng.uniform(math.log(20), math.log(top / 2)))
    f2 = min(top, f1 * math.exp(rng.uniform(math.log(1.5), math.log(20))))
    p["band"] = [float(f1), float(f2)]
    p["smooth_hz"] = float(rng.uniform(2, 20)) if rng.random() < 0.6 else 0.0
    p["compression"] = str(rng.choice(["linear", "sqrt", "log", "db", "adc"]))
    p["adc_bits"] = int(rng.integers(8, 13))
    p["gain_drift_db"] = float(rng.uniform(-6, 6)) if rng.random() < 0.3 else 0.0
    p["agc"] = bool(rng.random() < 0.1)
    p["events_per_s"] = float(rng.uniform(0.01, 0.2)) if rng.random() < 0.25 else 0.0
    p["snr_db"] = float(rng.uniform(0, 25)) if rng.random() < 0.8 else None
    p["accelerometer"] = bool(rng.random() < 0.2)
    p["time_kind"] = str(rng.choice(TIME_KINDS))
    return p


def make_case(out, index, seed, negative, sources, max_media, max_sensor, overrides=None):
    """One case; `overrides` replaces drawn parameters (and `sensor_start`,
    the sensor's first row on media time, the drawn start)."""
    rng = np.random.default_rng([seed, index])
    p = draw(rng, index, negative, max_media, max_sensor)
    p.update({k: v for k, v in (overrides or {}).items() if k != "sensor_start"})
    cid = f"c{index:04d}" + (f"_{negative}" if negative else "")
    folder = os.path.join(out, cid)
    os.makedirs(folder, exist_ok=True)
    D, A = p["media_s"], p["audio_start"]
    # The clip's programme (media time A … A + D).
    if negative == "periodic":
        clip = periodic_programme(rng, sources, D)
    else:
        clip = programme(rng, sources, D, p["style"], half=0)
    mic_noise = rng.normal(0, 10 ** (rng.uniform(-60, -35) / 20), len(clip)).astype(np.float32)
    media_audio = clip + mic_noise
    ext = p["container"]
    media = os.path.join(folder, "media." + ext)
    write_media(media, media_audio, p["sample_rate"], ext, p["stereo"], A, rng)

    # Where the sensor lies on media time.
    L = p["sensor_s"]
    if overrides and "sensor_start" in overrides:
        start = A + overrides["sensor_start"]
    elif negative == "no_overlap":
        start = A + D + rng.uniform(5, 600) if rng.random() < 0.5 else A - L - rng.uniform(5, 600)
    elif L <= D:
        start = A + rng.uniform(0, D - L)
    else:
        start = A + rng.uniform(0.4 * D - L, 0.6 * D)
    end = start + L
    # The world's band energy over [start, end] at ENV_RATE (media time).
    band = p["band"]
    n = int(math.ceil(L * ENV_RATE)) + 2
    grid0 = math.floor(start * ENV_RATE) / ENV_RATE
    energy = world_energy(rng, sources, n / ENV_RATE + 1, band, half=1)[: n + 1]
    if negative in (None, "periodic"):
        clip_energy = band_energy(clip, band)
        # The clip's energy where the clip lies: frame k is centred on
        # media time A + (k·HOP + FRAME/2) / SR.
        frame_times = A + (np.arange(len(clip_energy)) * HOP + FRAME / 2) / SR
        grid_times = grid0 + np.arange(len(energy)) / ENV_RATE
        inside = (grid_times >= frame_times[0]) & (grid_times <= frame_times[-1])
        energy[inside] = np.interp(grid_times[inside], frame_times, clip_energy) + 0.02 * energy[inside]
        if negative is None and rng.random() < 0.5:
            # The sensor's own floor (other sounds it hears that the camera did not).
            energy += 0.05 * np.mean(clip_energy) * rng.random()
    if negative == "noise":
        energy = np.abs(rng.normal(0, 1, len(energy))) ** 2
    reading = sensor_response(rng, energy, p)

    # Sample times: true media times at the sensor's rate, with jitter, drops and a gap.
    rate = p["rate_hz"] / p["ratio"]  # its true rate (nominal-rate error: the clock says rate_hz)
    if L * rate > MAX_ROWS:  # a day at 1 kHz would be a 2 GB CSV: fewer rows
        rate = MAX_ROWS / L
        p["rate_hz"] = rate * p["ratio"]
    count = int(L * rate)
    k = np.arange(count, dtype=np.float64)
    rel_true = k / rate + rng.uniform(-0.5, 0.5, count) * p["jitter"] / rate
    rel_true[0] = 0.0
    keep = np.ones(count, dtype=bool)
    if p["drop"]:
        keep &= rng.random(count) >= p["drop"]
    if p["gap_s"] and L > 3 * p["gap_s"]:
        g0 = rng.uniform(0.1, 0.8) * L
        keep &= ~((rel_true >= g0) & (rel_true < g0 + p["gap_s"]))
    keep[0] = True
    rel_true = rel_true[keep]
    tau = start + rel_true
    values = np.interp(tau, grid0 + np.arange(len(reading)) / ENV_RATE, reading)
    # The sensor's clock: t_csv - t_csv0 = (tau - start) / scale.
    rel_csv = rel_true / p["scale"]
    name, unit, cells = time_column(p["time_kind"], rng, rel_csv)
    if p["time_kind"] == "iso":
        t0 = iso_seconds(cells[0])
    else:
        t0 = float(cells[0]) / unit
    # Quantised cells move the truth of the first row: take its own cell.
    truth_offset = start - 0.0  # media time of the first row
    columns = {}
    channel = "value"
    if p["accelerometer"]:
        g = 9.81
        # Orientation turns a lot (the wearer moves): single axes follow the turn, the magnitude follows the vibration.
        tt = rel_true
        th = np.cumsum(rng.normal(0, 0.05, len(tt))) + 2 * np.sin(2 * np.pi * tt / rng.uniform(3, 20))
        ph = np.cumsum(rng.normal(0, 0.05, len(tt))) + 2 * np.cos(2 * np.pi * tt / rng.uniform(3, 20))
        v = values - np.min(values)
        v = v / (np.max(v) + 1e-12) * rng.uniform(0.5, 4)
        mag = g + v
        ux, uy, uz = np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)
        noise = lambda: rng.normal(0, 0.02, len(tt))
        columns = {"ax": mag * ux + noise(), "ay": mag * uy + noise(), "az": mag * uz + noise()}
        channel = "auto" if rng.random() < 0.5 else "mag(ax,ay,az)"
        baseline_channel = "ax,ay,az"
    else:
        vname = str(rng.choice(["value", "level", "level_db", "rms", "adc", "piezo", "mic"]))
        columns = {vname: values}
        channel = "auto" if rng.random() < 0.3 else vname
        baseline_channel = vname
        if rng.random() < 0.3:
            columns["temperature"] = 20 + np.cumsum(rng.normal(0, 0.001, len(values)))
    csv_path = os.path.join(folder, "sensor.csv")
    with open(csv_path, "w") as f:
        f.write(",".join([name] + list(columns)) + "\n")
        cols = list(columns.values())
        fmt = "%d" if p["compression"] == "adc" and not p["accelerometer"] else "%.6g"
        for i, cell in enumerate(cells):
            f.write(cell + "," + ",".join(fmt % c[i] for c in cols) + "\n")
    args = [] if channel == "auto" else ["--channel", channel]
    expect = "aligned" if negative is None else ("reject_or_right" if negative == "periodic" else "reject")
    return {
        "id": cid, "media": os.path.relpath(media, out), "csv": os.path.relpath(csv_path, out), "args": args,
        "time_column": name, "baseline_channel": baseline_channel, "expect": expect,
        # t_media = offset + scale * (t_csv_seconds - csv_origin)
        "truth": {"offset": truth_offset, "scale": p["scale"], "csv_origin": t0, "unit": unit},
        "overlap": [max(A, start), min(A + D, end)],
        "params": p,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--negatives", type=int, default=None, help="negatives among --count (default a fifth)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-media", type=float, default=7200)
    ap.add_argument("--max-sensor", type=float, default=86400)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--max-rows", type=float, default=2.5e6)
    ap.add_argument("--cache", default=".cache/stress/sources")
    a = ap.parse_args()
    global MAX_ROWS
    MAX_ROWS = a.max_rows
    sources = load_sources(a.cache)
    os.makedirs(a.out, exist_ok=True)
    negatives = a.count // 5 if a.negatives is None else a.negatives
    kinds = ["unrelated", "noise", "no_overlap", "periodic"]
    cases = []
    for i in range(a.first, a.first + a.count):
        neg = kinds[i % 4] if i - a.first >= a.count - negatives else None
        case = make_case(a.out, i, a.seed, neg, sources, a.max_media, a.max_sensor)
        cases.append(case)
        print(f"\rstress_gen: {len(cases)}/{a.count}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with open(os.path.join(a.out, "cases.json.tmp"), "w") as f:
        json.dump({"seed": a.seed, "cases": cases}, f, indent=1)
    os.replace(os.path.join(a.out, "cases.json.tmp"), os.path.join(a.out, "cases.json"))


if __name__ == "__main__":
    main()
