#!/usr/bin/env python3
"""Runs an aligner over stress cases (stress_gen.py) and scores it.

    stress_score.py CASES_DIR --bin mediaalign [--baseline PY] [--jobs N] [--check ci] [--out results.json]

Sync error = the largest |estimated − true| media time over the overlap (the
sensor rows that fall inside the media), in ms. A positive succeeds within
40 ms. Confident-wrong = 'aligned' on a negative (periodic cases: aligned and
more than 40 ms off), or aligned more than 100 ms off. Calibration: the
share of aligned positives whose `uncertainty_ms` is at least the true
error, and the ratio of the medians.
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import time

import numpy as np


def clock(est, t):
    """Media time of CSV seconds `t` by the tool's result (piecewise aware)."""
    origin = est.get("csv_origin") or 0.0
    segs = est.get("segments")
    if segs:
        out = np.empty_like(t)
        for i, x in enumerate(t):
            seg = segs[0]
            for s in segs:
                if x >= s["csv_start"]:
                    seg = s
            out[i] = seg["offset"] + seg["scale"] * (x - origin)
        return out
    return est["offset"] + est["scale"] * (t - origin)


def truth_csv_seconds(case, root):
    """Every row's time in seconds (as written, in the truth's unit), and its media time."""
    import csv as csvmod
    import datetime as dt
    with open(os.path.join(root, case["csv"])) as f:
        r = csvmod.reader(f)
        next(r)
        cells = [row[0] for row in r]
    tr = case["truth"]
    if "T" in cells[0]:
        t = np.array([dt.datetime.fromisoformat(c.replace("Z", "+00:00")).timestamp() for c in cells])
    else:
        t = np.array([float(c) for c in cells]) / tr["unit"]
    return t, tr["offset"] + tr["scale"] * (t - tr["csv_origin"])


def run_one(case, root, argv_for, timeout):
    argv = argv_for(case)
    started = time.time()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=root)
    except subprocess.TimeoutExpired:
        return {"id": case["id"], "status": "timeout", "wall": timeout}
    wall = time.time() - started
    try:
        est = json.loads(p.stdout)
    except ValueError:
        return {"id": case["id"], "status": "error", "wall": wall, "stderr": p.stderr.strip()[-300:]}
    out = {"id": case["id"], "status": est.get("status", "error"), "wall": wall,
           "confidence": est.get("confidence"), "uncertainty_ms": est.get("uncertainty_ms"),
           "reason": est.get("reason"), "warnings": est.get("warnings", [])}
    if "offset" in est and "scale" in est:
        t, true_media = truth_csv_seconds(case, root)
        lo, hi = case["overlap"]
        inside = (true_media >= lo) & (true_media <= hi)
        if inside.any():
            if est.get("csv_origin") is None:  # the baseline: t_media = scale * t_csv + offset
                got = est["offset"] + est["scale"] * t[inside]
            else:
                got = clock(est, t[inside])
            diff = got - true_media[inside]
            out["error_ms"] = float(np.max(np.abs(diff)) * 1000)
            out["bias_ms"] = float(np.median(diff) * 1000)
    return out


def verdict(case, r):
    err = r.get("error_ms")
    aligned = r["status"] == "aligned"
    if case["expect"] == "aligned":
        if not aligned:
            return "missed"
        if err is None or err > 100:
            return "wrong"
        return "ok" if err <= 40 else "inaccurate"
    if case["expect"] == "reject_or_right":
        if not aligned:
            return "rejected"
        return "ok" if err is not None and err <= 40 else "wrong"
    return "rejected" if not aligned else "wrong"


def pct(xs, q):
    return float(np.percentile(xs, q)) if xs else float("nan")


def summarize(cases, results):
    by = {c["id"]: c for c in cases}
    pos = [r for r in results if by[r["id"]]["expect"] == "aligned"]
    neg = [r for r in results if by[r["id"]]["expect"] != "aligned"]
    ok = [r for r in pos if r["verdict"] == "ok"]
    low = [r for r in pos if (by[r["id"]]["params"]["snr_db"] or 99) <= 3]
    errs = [r["error_ms"] for r in ok]
    aligned = [r for r in pos if r["status"] == "aligned" and r.get("error_ms") is not None and r.get("uncertainty_ms")]
    covered = [r for r in aligned if r["uncertainty_ms"] >= r["error_ms"]]
    s = {
        "positives": len(pos), "negatives": len(neg),
        "within_40ms": len(ok), "within_40ms_pct": 100 * len(ok) / max(1, len(pos)),
        "low_snr": len(low), "low_snr_within_40ms": sum(r["verdict"] == "ok" for r in low),
        "median_ms": pct(errs, 50), "p95_ms": pct(errs, 95),
        "missed": sum(r["verdict"] == "missed" for r in pos),
        "inaccurate": sum(r["verdict"] == "inaccurate" for r in pos),
        "confident_wrong": sum(r["verdict"] == "wrong" for r in results),
        "negatives_rejected": sum(r["verdict"] in ("rejected", "ok") for r in neg),
        "coverage_pct": 100 * len(covered) / max(1, len(aligned)),
        "uncertainty_median_ratio": (pct([r["uncertainty_ms"] for r in aligned], 50)
                                     / max(1e-9, pct([r["error_ms"] for r in aligned], 50))) if aligned else float("nan"),
        "errors": sum(r["status"] in ("error", "timeout") for r in results),
        "wall_median_s": pct([r["wall"] for r in results], 50), "wall_max_s": max(r["wall"] for r in results),
    }
    return s


def breakdown(cases, results, key):
    by = {c["id"]: c for c in cases}
    groups = {}
    for r in results:
        c = by[r["id"]]
        if c["expect"] != "aligned":
            continue
        groups.setdefault(key(c), []).append(r)
    rows = []
    for k in sorted(groups, key=str):
        g = groups[k]
        rows.append(f"| {k} | {len(g)} | {sum(r['verdict'] == 'ok' for r in g)} | "
                    f"{sum(r['verdict'] == 'missed' for r in g)} | {sum(r['verdict'] == 'wrong' for r in g)} |")
    return rows


def overlap_bucket(c):
    o = c["overlap"][1] - c["overlap"][0]
    return "<10 s" if o < 10 else "10-30 s" if o < 30 else "30-120 s" if o < 120 else "2-20 min" if o < 1200 else ">20 min"


def sensor_bucket(c):
    r = c["params"]["sensor_s"] / c["params"]["media_s"]
    return "inside clip" if r < 1 else "about the clip" if r < 1.5 else "up to 10x" if r < 10 else "over 10x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--baseline", help="python with numpy/scipy: also score ../shared/bench/baseline.py")
    ap.add_argument("--baseline-script", default=os.path.join(os.path.dirname(__file__), "../../../shared/bench/baseline.py"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--out")
    ap.add_argument("--check", choices=["ci"], help="exit 1 unless the CI subset's counts hold")
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args()
    root = os.path.abspath(a.cases)
    cases = json.load(open(os.path.join(root, "cases.json")))["cases"]
    binary = os.path.abspath(a.bin)

    def ours(case):
        return [binary, "align", case["media"], case["csv"], "--json", *case["args"]]

    def base(case):
        return [a.baseline, os.path.abspath(a.baseline_script), "align", case["media"], case["csv"],
                "--time-column", case["time_column"], "--channel", case["baseline_channel"], "--json"]

    tools = [("mediaalign", ours)] + ([("baseline.py", base)] if a.baseline else [])
    summaries = {}
    all_results = {}
    for name, argv_for in tools:
        with cf.ThreadPoolExecutor(a.jobs) as pool:
            results = list(pool.map(lambda c: run_one(c, root, argv_for, a.timeout), cases))
        by = {c["id"]: c for c in cases}
        for r in results:
            r["verdict"] = verdict(by[r["id"]], r)
        summaries[name] = summarize(cases, results)
        all_results[name] = results
    rows = [("positives within 40 ms", "within_40ms_pct", "{:.1f} %", "≥ 99 %"),
            ("  of them at SNR ≤ 3 dB", None, None, "≥ 97 %"),
            ("median error (ms)", "median_ms", "{:.2f}", "≤ 3"),
            ("p95 error (ms)", "p95_ms", "{:.2f}", "≤ 15"),
            ("missed (rejected positives)", "missed", "{}", ""),
            ("inaccurate (40–100 ms)", "inaccurate", "{}", ""),
            ("confident-wrong", "confident_wrong", "{}", "0"),
            ("negatives rejected", "negatives_rejected", "{}", "all"),
            ("uncertainty ≥ error (aligned)", "coverage_pct", "{:.1f} %", "≥ 95 %"),
            ("median uncertainty / median error", "uncertainty_median_ratio", "{:.2f}", "≤ 3"),
            ("tool errors / timeouts", "errors", "{}", "0"),
            ("wall per case, median / max (s)", None, None, "")]
    print(f"\n{len(cases)} cases ({summaries['mediaalign']['positives']} positives, "
          f"{summaries['mediaalign']['negatives']} negatives) from {root}\n")
    print("| measure | " + " | ".join(n for n, _ in tools) + " | target |")
    print("|---|" + "---|" * len(tools) + "---|")
    for label, key, fmt, target in rows:
        cells = []
        for name, _ in tools:
            s = summaries[name]
            if label.startswith("  of them"):
                cells.append(f"{s['low_snr_within_40ms']}/{s['low_snr']}"
                             + (f" = {100 * s['low_snr_within_40ms'] / s['low_snr']:.1f} %" if s["low_snr"] else ""))
            elif label.startswith("wall"):
                cells.append(f"{s['wall_median_s']:.2f} / {s['wall_max_s']:.1f}")
            else:
                cells.append(fmt.format(s[key]))
        print(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    results = all_results["mediaalign"]
    for title, key in [("overlap", overlap_bucket), ("sensor span / clip", sensor_bucket),
                       ("time column", lambda c: c["params"]["time_kind"]),
                       ("compression", lambda c: c["params"]["compression"]),
                       ("container", lambda c: c["params"]["container"]),
                       ("accelerometer", lambda c: c["params"]["accelerometer"])]:
        print(f"\nmediaalign by {title}: | group | n | ok | missed | wrong |")
        print("\n".join(breakdown(cases, results, key)))
    by = {c["id"]: c for c in cases}
    bad = [r for r in results if r["verdict"] not in ("ok", "rejected")]
    if bad:
        print("\nnot ok (mediaalign):")
        for r in bad:
            c = by[r["id"]]
            p = c["params"]
            print(f"  {r['id']} {r['verdict']} status={r['status']} err={r.get('error_ms')} conf={r.get('confidence')} "
                  f"unc={r.get('uncertainty_ms')} media={p['media_s']:.0f}s sensor={p['sensor_s']:.0f}s "
                  f"ov={c['overlap'][1] - c['overlap'][0]:.0f}s {p['container']} {p['time_kind']} {p['compression']} "
                  f"snr={p['snr_db']} band={p['band'][0]:.0f}-{p['band'][1]:.0f} scale={p['scale']:.6f} "
                  f"rate={p['rate_hz']:.0f} reason={r.get('reason') or r.get('stderr')}")
    if a.details:
        for r in results:
            c = by[r["id"]]
            p = c["params"]
            if r.get("bias_ms") is not None and r["verdict"] == "ok":
                print(f"  {r['id']} bias={r['bias_ms']:+.2f} err={r['error_ms']:.2f} unc={r.get('uncertainty_ms')} "
                      f"{p['container']} smooth={p['smooth_hz']:.1f} rate={p['rate_hz']:.0f} {p['compression']} "
                      f"ov={c['overlap'][1] - c['overlap'][0]:.0f}s")
        for r in results:
            if r["verdict"] == "ok" and r.get("uncertainty_ms") and r["uncertainty_ms"] < r["error_ms"]:
                print(f"  under-covered {r['id']} err={r['error_ms']:.2f} unc={r['uncertainty_ms']:.2f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"summaries": summaries, "results": all_results}, f, indent=1)
    if a.check == "ci":
        s = summaries["mediaalign"]
        failures = []
        # The CI subset's floor: regressions fail, improvements pass.
        most_wrong = int(os.environ.get("STRESS_MAX_WRONG", "0"))
        if s["confident_wrong"] > most_wrong:
            failures.append(f"{s['confident_wrong']} confident-wrong, at most {most_wrong}")
        if s["errors"] > 0:
            failures.append(f"{s['errors']} tool errors")
        need = int(os.environ.get("STRESS_MIN_OK", "0"))
        if s["within_40ms"] < need:
            failures.append(f"{s['within_40ms']} positives within 40 ms, floor {need}")
        if failures:
            print("bench-stress: FAILED: " + "; ".join(failures))
            sys.exit(1)
        print(f"bench-stress: ok ({s['within_40ms']}/{s['positives']} positives within 40 ms, floor {need}; "
              f"{s['negatives_rejected']}/{s['negatives']} negatives rejected; "
              f"{s['confident_wrong']} confident-wrong, at most {most_wrong})")


if __name__ == "__main__":
    main()
