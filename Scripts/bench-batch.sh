#!/usr/bin/env bash
# Benchmarks `mediaalign batch` (release build): a 40-item manifest — the 12
# alignable ../shared/bench cases three times each, the TestMedia sample, and
# 3 bad items (a truncated mp4, a CSV whose time goes backwards, an unrelated
# pair) — run with --jobs 1 and --jobs 2 in the same command. Prints both wall
# times and their ratio (target ≤ 0.6), and checks that exactly the 3 bad
# items are reported, that the report and the Label Studio files exist, and
# that both runs' results agree (each item's decoder count differs: 2 with
# --jobs 1, 1 with --jobs 2).
set -euo pipefail
cd "$(dirname "$0")/.."
. Scripts/lib/bench.sh
bench="$(realpath ../shared/bench)"
work=.cache/bench-batch
rm -rf "$work"
mkdir -p "$work"
manifest="$work/manifest.csv"
python3 - "$bench" "$manifest" "$PWD/TestMedia" <<'PY'
import csv, json, os, sys
bench, manifest, media = sys.argv[1:]
folder = os.path.dirname(os.path.abspath(manifest))
rel = lambda p: os.path.relpath(p, folder)
cases = [c for c in json.load(open(os.path.join(bench, "cases.json")))["cases"] if c["expect"] == "aligned"]
rows = []
for k in range(3):
    for c in cases:
        if c["kind"] == "csv":
            channel = c["channel_columns"][0] if c["channel_kind"] == "scalar" else "mag(%s)" % ",".join(c["channel_columns"])
            rows.append([f'{c["id"]}-{k}', rel(os.path.join(bench, c["media"])), rel(os.path.join(bench, c["csv"])), c["time_column"]["name"], channel])
        else:
            rows.append([f'{c["id"]}-{k}', rel(os.path.join(bench, c["ref"])), rel(os.path.join(bench, c["other"])), "", ""])
rows.append(["sample-pair", rel(f"{media}/sample/session.mp4"), rel(f"{media}/sample/other_recorder.m4a"), "", ""])
bad = [["bad-truncated", rel(f"{media}/bad/truncated.mp4"), rel(f"{media}/sample/sensor.csv"), "", ""],
       ["bad-backwards", rel(f"{media}/sample/session.mp4"), rel(f"{media}/csv/backwards.csv"), "", ""],
       ["bad-unrelated", rel(f"{media}/sample/session.mp4"), rel(f"{media}/sample/unrelated.csv"), "", ""]]
rows[5:5] = bad[:1]; rows[20:20] = bad[1:2]; rows.append(bad[2])
with open(manifest, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "media", "csv", "time_column", "channel"])
    w.writerows(rows)
print(f"bench-batch: {len(rows)} items, 3 bad", file=sys.stderr)
PY

run() { # run JOBS: wall seconds of one batch run into $work/jobsJOBS
  local s e
  s=$(date +%s.%N)
  "$bin" batch "$manifest" --out "$work/jobs$1" --jobs "$1" --url-root "$(realpath ..)" --quiet \
    > "$work/jobs$1.stdout" 2> "$work/jobs$1.stderr" || true
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN{printf "%.2f", e-s}'
}
t1=$(run 1)
t2=$(run 2)
echo "batch, 40 items: --jobs 1 ${t1} s, --jobs 2 ${t2} s, ratio $(awk -v a="$t2" -v b="$t1" 'BEGIN{printf "%.2f", a/b}') (target ≤ 0.60)"

python3 - "$work" <<'PY'
import json, os, sys, filecmp
work = sys.argv[1]
ok = True
for jobs in (1, 2):
    out = f"{work}/jobs{jobs}"
    s = json.load(open(f"{out}/batch.json"))
    bad = sorted(i["id"] for i in s["items"] if i["status"] != "aligned")
    print(f"--jobs {jobs}: {s['aligned']} aligned, {s['rejected']} rejected, {s['failed']} failed: {', '.join(bad)}")
    for i in s["items"]:
        if i["status"] != "aligned":
            print(f"    {i['id']}: {i['error'][:110]}")
    if bad != ["bad-backwards", "bad-truncated", "bad-unrelated"]:
        ok = False; print("  FAIL: expected exactly the 3 bad items")
    tasks = json.load(open(f"{out}/labelstudio/tasks.json"))
    print(f"  report.html {os.path.getsize(out + '/report.html') // 1024} KB, summary.md, labelstudio/tasks.json {len(tasks)} tasks, step errors: {len(s['step_errors'])}")
    if not (os.path.exists(f"{out}/report.html") and os.path.exists(f"{out}/summary.md")) or s["step_errors"]:
        ok = False; print("  FAIL: report or tasks missing, or a step failed:", s["step_errors"])
# Results of --jobs 1 (2 decoders per item) and --jobs 2 (1 decoder) agree:
# byte for byte, except where an AAC track uses perceptual noise substitution
# (the decoder's noise generator runs from the start of the stream, so a
# range decoded after a seek gets other noise in those bands).
names = sorted(os.listdir(f"{work}/jobs1/results"))
match, mismatch, errors = filecmp.cmpfiles(f"{work}/jobs1/results", f"{work}/jobs2/results", names, shallow=False)
worst_offset = worst_scale = 0.0
for name in mismatch:
    a = json.load(open(f"{work}/jobs1/results/{name}")); b = json.load(open(f"{work}/jobs2/results/{name}"))
    if a["status"] != b["status"]:
        ok = False; print(f"  FAIL: {name}: {a['status']} vs {b['status']}")
    worst_offset = max(worst_offset, abs(a["offset"] - b["offset"]) * 1000)
    worst_scale = max(worst_scale, abs(a["scale"] - b["scale"]) * 1e6)
print(f"results of --jobs 1 and --jobs 2: {len(match)} of {len(names)} byte-identical; the others' offsets within {worst_offset:.4f} ms, scales within {worst_scale:.3f} ppm")
if errors or worst_offset > 0.05 or worst_scale > 0.5:
    ok = False; print("  FAIL: results differ beyond 0.05 ms / 0.5 ppm:", errors)
sys.exit(0 if ok else 1)
PY
