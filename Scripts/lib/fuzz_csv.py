"""Seeded mutation fuzzing of MediaAlign's CSV reading (probe, align --write-csv).

Each variant is a seed file (the bundled sample's sensor CSV, or one of the
device layouts below) with one to three mutations: truncation at any byte,
NUL bytes, huge, tiny and non-finite numbers, a 1 MB line or cell, 10,000
columns, unbalanced quotes, invalid UTF-8, a BOM mid-file, CRLF, a preamble,
a units row, shuffled rows, duplicated rows, random byte flips, an empty
file. Every variant is probed and aligned against the sample's media; the
outcome counts as bad when the process

  * crashes (killed by a signal) or hangs (over --timeout seconds);
  * exits 0 with a non-finite number (inf/nan) in its JSON or corrected CSV;
  * exits with anything but 0, 1 (an error line) or 64 (usage);
  * fails with other than one `mediaalign: error:` line (notes excepted),
    or a line longer than 4,000 characters.

Usage: fuzz_csv.py --bin BIN --media MEDIA --seed-csv CSV --count N --seed S --out DIR
Prints one line per bad variant (kept in DIR/bad/) and a summary.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time


def device_seeds(sample_lines):
    """A few layouts the reader detects, built from the sample's rows."""
    body = sample_lines[1:]
    levels = [line.split(",")[1] for line in body]
    seeds = {}
    seeds["e4.csv"] = "1709283600.000000\n50.000000\n" + "\n".join(levels) + "\n"
    seeds["preamble.csv"] = "# device: mic\n# rate: 50 Hz\n" + "\n".join(sample_lines) + "\n"
    seeds["units.csv"] = sample_lines[0] + "\ns,dB,degC\n" + "\n".join(body) + "\n"
    seeds["shimmer.csv"] = '"sep=;"\n' + "\n".join(line.replace(",", ";") for line in sample_lines) + "\n"
    seeds["sample.csv"] = "\n".join(sample_lines) + "\n"
    return seeds


NUMBERS = [b"inf", b"-inf", b"Infinity", b"nan", b"NaN", b"1e400", b"-1e999", b"1e19", b"-1e19", b"1e-320",
           b"9" * 400, b"0x1p3", b"1,5", b"", b"--1", b"1e", b".", b"+", b"1e308", b"4.9e-324"]


def mutate(data, rng):
    kind = rng.choice([
        "truncate", "nul", "number", "long_line", "wide", "quote", "utf8", "bom", "crlf", "preamble",
        "units", "shuffle", "duplicate", "flip", "empty", "header_only", "blank_lines", "time_cell"])
    lines = data.split(b"\n")
    if kind == "truncate":
        return data[: rng.randrange(0, max(1, len(data)))], kind
    if kind == "nul":
        at = rng.randrange(0, max(1, len(data)))
        return data[:at] + b"\0" * rng.choice([1, 3, 100]) + data[at:], kind
    if kind in ("number", "time_cell"):
        for _ in range(rng.choice([1, 5, 50])):
            i = rng.randrange(1, max(2, len(lines)))
            if i >= len(lines) or not lines[i]:
                continue
            cells = lines[i].split(b",")
            c = 0 if kind == "time_cell" else rng.randrange(len(cells))
            cells[c] = rng.choice(NUMBERS)
            lines[i] = b",".join(cells)
        return b"\n".join(lines), kind
    if kind == "long_line":
        i = rng.randrange(0, max(1, len(lines)))
        lines.insert(i, b"1.0," + b"7" * (1 << 20))
        return b"\n".join(lines), kind
    if kind == "wide":
        header = b",".join(b"c%d" % k for k in range(10000))
        row = b",".join(b"1" for _ in range(10000))
        return header + b"\n" + b"\n".join(row for _ in range(rng.choice([2, 50]))) + b"\n", kind
    if kind == "quote":
        i = rng.randrange(0, max(1, len(lines)))
        lines[i] = b'"' + lines[i]
        return b"\n".join(lines), kind
    if kind == "utf8":
        i = rng.randrange(0, max(1, len(lines)))
        lines[i] = lines[i] + rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"])
        return b"\n".join(lines), kind
    if kind == "bom":
        i = rng.randrange(0, max(1, len(lines)))
        lines[i] = b"\xef\xbb\xbf" + lines[i]
        return b"\n".join(lines), kind
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n"), kind
    if kind == "preamble":
        pre = rng.choice([b"# a comment\n", b"Device,X\nSerial,1\n\n", b"%OpenBCI\n", b"junk line\n" * 5,
                          b"1,2\n3,4\n", b"sep=,\n"])
        return pre + data, kind
    if kind == "units":
        return lines[0] + b"\n" + b",".join(b"ms" for _ in lines[0].split(b",")) + b"\n" + b"\n".join(lines[1:]), kind
    if kind == "shuffle":
        body = lines[1:]
        rng.shuffle(body)
        return b"\n".join([lines[0]] + body), kind
    if kind == "duplicate":
        i = rng.randrange(1, max(2, len(lines)))
        lines[i:i] = [lines[min(i, len(lines) - 1)]] * rng.choice([1, 10])
        return b"\n".join(lines), kind
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.choice([1, 10, 100])):
            if out:
                out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out), kind
    if kind == "empty":
        return b"", kind
    if kind == "header_only":
        return lines[0] + b"\n", kind
    if kind == "blank_lines":
        i = rng.randrange(0, max(1, len(lines)))
        lines[i:i] = [b""] * rng.choice([1, 5])
        return b"\n".join(lines), kind
    return data, kind


def run(command, timeout):
    start = time.monotonic()
    try:
        p = subprocess.run(command, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - start
    except subprocess.TimeoutExpired:
        return None, b"", b"", timeout


def nonfinite(text):
    lowered = text.lower()
    return any(word in lowered for word in (b"inf", b"nan")) if text else False


def judge(step, code, out, err, corrected):
    if code is None:
        return "hang"
    if code < 0:
        return f"crash (signal {-code})"
    if code not in (0, 1, 64):
        return f"exit {code}"
    lines = [line for line in err.decode("utf-8", "replace").split("\n") if line]
    if any(len(line) > 4000 for line in lines):
        return f"error line of {max(len(line) for line in lines)} characters"
    errors = [line for line in lines if line.startswith("mediaalign: error:") or "Error:" in line]
    if code in (1, 64) and len(errors) != 1:
        return f"{len(errors)} error lines"
    if code == 0:
        # JSON numbers only: words in paths or column names may say "inf".
        try:
            values = json.loads(out)
        except ValueError:
            return "not JSON" if out.strip().startswith((b"{", b"[")) else None
        stack = [values]
        while stack:
            v = stack.pop()
            if isinstance(v, dict):
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)
            elif isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                return "non-finite number in the JSON"
        if corrected and os.path.exists(corrected):
            with open(corrected, "rb") as f:
                body = f.read().split(b"\n", 1)[-1]
            for cell in body.replace(b"\n", b",").split(b","):
                if cell.strip().lower() in (b"inf", b"-inf", b"nan", b"infinity", b"-infinity"):
                    return "non-finite value in the corrected CSV"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--media", required=True)
    parser.add_argument("--seed-csv", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.seed_csv, encoding="utf-8") as f:
        sample_lines = f.read().strip().split("\n")
    seeds = {name: text.encode() for name, text in device_seeds(sample_lines).items()}
    work = os.path.join(args.out, "work")
    bad_dir = os.path.join(args.out, "bad")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(work)
    os.makedirs(bad_dir)
    counts = {"variants": 0, "bad": 0, "exit0": 0, "exit1": 0, "exit64": 0}
    kinds = {}
    slowest = 0.0
    for n in range(args.count):
        name = rng.choice(sorted(seeds))
        data = seeds[name]
        applied = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            data, kind = mutate(data, rng)
            applied.append(kind)
        path = os.path.join(work, f"v{n:04d}.csv")
        with open(path, "wb") as f:
            f.write(data)
        corrected = os.path.join(work, f"v{n:04d}.corrected.csv")
        problems = []
        for step, command in (
            ("probe", [args.bin, "probe", path, "--json"]),
            ("align", [args.bin, "align", args.media, path, "--json", "--write-csv", corrected]),
        ):
            code, out, err, seconds = run(command, args.timeout)
            slowest = max(slowest, seconds)
            if step == "align" and code in (0, 1, 64):
                counts[f"exit{code}"] += 1
            verdict = judge(step, code, out, err, corrected if step == "align" else None)
            if verdict:
                first = err.decode("utf-8", "replace").strip().split("\n")[-1][:200] if err else ""
                problems.append(f"{step}: {verdict} ({first})")
        counts["variants"] += 1
        for kind in applied:
            kinds[kind] = kinds.get(kind, 0) + 1
        if problems:
            counts["bad"] += 1
            kept = os.path.join(bad_dir, f"v{n:04d}-{name}-{'+'.join(applied)}.csv")
            shutil.copy(path, kept)
            print(f"bad: {kept}: {'; '.join(problems)}")
        os.remove(path)
        if os.path.exists(corrected):
            os.remove(corrected)
    print(
        f"fuzz-csv: {counts['variants']} variants (seed {args.seed}): {counts['bad']} bad; align exits "
        f"0: {counts['exit0']}, 1: {counts['exit1']}, 64: {counts['exit64']}; slowest run {slowest:.1f} s")
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    sys.exit(1 if counts["bad"] else 0)


if __name__ == "__main__":
    main()
