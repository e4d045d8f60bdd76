"""Drives the report browser check (see Scripts/report-check.sh)."""

import argparse
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By


def fail(message):
    print(f"report-check: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def align_cases(binary, repo, work):
    """align --json for every bench case (or the bundled sample); the result paths."""
    bench = os.path.join(os.path.dirname(repo), "shared", "bench")
    jobs = []
    if os.path.exists(os.path.join(bench, "cases.json")):
        for case in json.load(open(os.path.join(bench, "cases.json")))["cases"]:
            if case["kind"] == "media_pair":
                args = [case["ref"], case["other"]]
            else:
                columns = case["channel_columns"]
                channel = f"mag({','.join(columns)})" if case["channel_kind"] == "magnitude" else columns[0]
                args = [case["media"], case["csv"], "--channel", channel, "--time-column", case["time_column"]["name"]]
            jobs.append((case["id"], bench, args))
    else:
        print("report-check: ../shared/bench not found; using the bundled sample", file=sys.stderr)
        sample = json.load(open(os.path.join(repo, "TestMedia/truth.json")))["sample"]
        media = os.path.join(repo, "TestMedia")
        jobs = [("sample", media, [sample["media"], sample["csv"], "--channel", sample["channel"]]),
                ("unrelated", media, [sample["media"], sample["unrelated"], "--channel", sample["channel"]]),
                ("recorder", media, [sample["media"], sample["other_media"]])]
    paths = []
    for name, folder, args in jobs:
        out = os.path.join(work, f"{name}.json")
        run = subprocess.run([binary, "align", *args, "--json"], cwd=folder, capture_output=True, text=True)
        check(run.returncode in (0, 1) and run.stdout.strip(), f"align {name}: {run.stderr.strip()}")
        # Paths in results are relative to where align ran: make them absolute.
        result = json.loads(run.stdout)
        for key in ["media", "series", "other"]:
            if result.get(key):
                result[key]["path"] = os.path.join(folder, result[key]["path"])
        json.dump(result, open(out, "w"))
        paths.append(out)
    return paths


def browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio",
                     "--allow-file-access-from-files", "--window-size=1100,1400"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def check_player(driver, fraction):
    """Sets currentTime on the first playable player; returns its error in plot units and ms."""
    state = driver.execute_script("""
        var box=document.querySelector('.player'), m=box.querySelector('video,audio');
        return {ready: m.readyState, duration: m.duration};""")
    check(state["ready"] >= 1, "the first review player's media did not load")
    t = state["duration"] * fraction
    seek(driver, t)
    return read_player(driver, t)


def seek(driver, t):
    """Sets the first player's currentTime and waits for its 'seeked' (and a redraw)."""
    driver.execute_script("""
        var m=document.querySelector('.player video, .player audio'); window.__seeked=false;
        m.addEventListener('seeked', function(){ window.__seeked=true; }, {once: true}); m.currentTime=arguments[0];""", t)
    deadline = time.time() + 10
    while not driver.execute_script("return window.__seeked") and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)


def read_player(driver, t_expected=None):
    s = driver.execute_script("""
        var box=document.querySelector('.player'), svg=box.querySelector('svg'), c=box.querySelector('.cursor'),
            m=box.querySelector('video,audio');
        return {x: +c.getAttribute('x1'), x0: +svg.dataset.x0, x1: +svg.dataset.x1, left: +svg.dataset.left,
                width: +svg.dataset.width, offset: +box.dataset.offset, scale: +box.dataset.scale,
                origin: +box.dataset.origin, sensor: +box.querySelector('.t-sensor').textContent, t: m.currentTime};""")
    t = s["t"] if t_expected is None else t_expected
    check(abs(s["t"] - t) < 0.010, f"the media is at {s['t']:.3f} s, not {t:.3f} s")
    expected_x = s["left"] + (t - s["x0"]) / (s["x1"] - s["x0"]) * s["width"]
    expected_sensor = s["origin"] + (t - s["offset"]) / s["scale"]
    return t, s["x"] - expected_x, (s["sensor"] - expected_sensor) * 1000, s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--hour", action="store_true")
    args = parser.parse_args()
    work = os.path.join(args.repo, args.work)
    os.makedirs(work, exist_ok=True)
    results = align_cases(args.bin, args.repo, work)
    report = os.path.join(work, "report.html")
    run = subprocess.run([args.bin, "report", *results, "-o", report, "--markdown", os.path.join(work, "summary.md")],
                         capture_output=True, text=True)
    check(run.returncode == 0, f"report: {run.stderr.strip()}")
    print(f"report-check: {run.stdout.strip()} ({os.path.getsize(report) / 1e6:.2f} MB)")

    driver = browser()
    try:
        driver.get("file://" + report)
        sections = driver.execute_script("return document.querySelectorAll('section.result').length")
        check(sections == len(results), f"{sections} result sections for {len(results)} results")
        errors = console_errors(driver)
        check(not errors, f"console errors: {errors}")
        rows = driver.execute_script("return document.querySelectorAll('table.summary tbody tr').length")
        check(rows == len(results), f"the summary table has {rows} rows for {len(results)} results")
        # A click on the confidence header sorts the table by confidence.
        driver.find_element(By.CSS_SELECTOR, "table.summary th[data-col='1']").click()
        values = driver.execute_script(
            "return Array.from(document.querySelectorAll('table.summary tbody tr td:nth-child(2)')).map(td=>+td.dataset.v)")
        check(values == sorted(values), f"sorting by confidence gave {values}")
        # A hostile-looking name is escaped, never markup: the report holds no <img> at all.
        check(driver.execute_script("return document.querySelectorAll('img').length") == 0, "the report holds <img> elements")

        driver.execute_script("document.querySelector('.player').scrollIntoView()")
        deadline = time.time() + 15
        while driver.execute_script("return document.querySelector('.player video, .player audio').readyState") < 1:
            check(time.time() < deadline, "the review player's media did not load in 15 s")
            time.sleep(0.1)
        for fraction in [0.25, 0.7]:
            t, dx, dsensor, _ = check_player(driver, fraction)
            print(f"report-check: currentTime {t:.3f} s -> cursor {dx:+.2f} plot units from the map's position, "
                  f"sensor readout {dsensor:+.1f} ms")
            check(abs(dx) <= 1.0, f"the cursor is {dx:.2f} units from where the clock map puts it")
            check(abs(dsensor) <= 10, f"the sensor readout is {dsensor:.1f} ms off the clock map")
        # A click on the plot seeks the media there.
        plot = driver.find_element(By.CSS_SELECTOR, ".player svg")
        box = plot.rect
        ActionChains(driver).move_to_element_with_offset(plot, int(box["width"] * 0.1), 0).click().perform()
        time.sleep(0.5)
        t, dx, dsensor, s = read_player(driver)
        clicked = s["x0"] + ((box["width"] * 0.6) / box["width"] * 960 - s["left"]) / s["width"] * (s["x1"] - s["x0"])
        print(f"report-check: click at {clicked:.3f} s -> media {t:.3f} s, cursor {dx:+.2f} units")
        pixel = (s["x1"] - s["x0"]) / box["width"] * (960 / s["width"])
        check(abs(t - clicked) < 1.5 * pixel and abs(dx) <= 1.0, f"a click at {clicked:.3f} s put the media at {t:.3f} s")
        check(not console_errors(driver), f"console errors: {console_errors(driver)}")
        driver.save_screenshot(os.path.join(work, "report.png"))
        piecewise_case(args, driver, work)
        if args.hour:
            hour_case(args, driver, work)
    finally:
        driver.quit()
    print("report-check: OK")


def piecewise_case(args, driver, work):
    """TestMedia/piecewise (2 s of rows lost 55 s in): the player's sensor readout, computed by the
    report's own script from the segments, against the truth before and after the jump."""
    media_dir = os.path.join(args.repo, "TestMedia")
    truth = json.load(open(os.path.join(media_dir, "truth.json")))["piecewise"]
    run = subprocess.run([args.bin, "align", truth["media"], truth["csv"], "--channel", truth["channel"], "--json"],
                         cwd=media_dir, capture_output=True, text=True)
    check(run.returncode == 0, f"align (piecewise): {run.stderr.strip()}")
    result = json.loads(run.stdout)
    check(result["model"] == "piecewise", f"the piecewise fixture gave a {result['model']} map")
    for key in ["media", "series"]:
        result[key]["path"] = os.path.join(media_dir, result[key]["path"])
    path = os.path.join(work, "piecewise.json")
    json.dump(result, open(path, "w"))
    report = os.path.join(work, "piecewise.html")
    run = subprocess.run([args.bin, "report", path, "-o", report], capture_output=True, text=True)
    check(run.returncode == 0, f"report (piecewise): {run.stderr.strip()}")
    driver.get("file://" + report)
    deadline = time.time() + 15
    while driver.execute_script("return document.querySelector('.player audio, .player video').readyState") < 1:
        check(time.time() < deadline, "the piecewise player's media did not load in 15 s")
        time.sleep(0.1)
    origin = truth["csv_origin"]
    for t in [20.0, 50.0, 70.0, 95.0]:
        seek(driver, t)
        shown = driver.execute_script("""
            var box=document.querySelector('.player');
            return {t: box.querySelector('video,audio').currentTime, sensor: +box.querySelector('.t-sensor').textContent};""")
        # The truth's inverse: the segment whose stretch holds the media time.
        expected = None
        segments = truth["segments"]
        for k, segment in enumerate(segments):
            c = origin + (shown["t"] - segment["offset"]) / segment["scale"]
            end = segments[k + 1]["csv_start"] if k + 1 < len(segments) else float("inf")
            if (k == 0 or c >= segment["csv_start"]) and c < end:
                expected = c
        check(expected is not None, f"media {shown['t']:.3f} s is in no segment of the truth")
        error = (shown["sensor"] - expected) * 1000
        print(f"report-check: piecewise: media {shown['t']:.3f} s -> sensor {shown['sensor']:.3f} s, "
              f"{error:+.1f} ms from the truth")
        check(abs(error) <= 10, f"piecewise: the sensor readout is {error:.1f} ms off the truth at media {shown['t']:.3f} s")
    check(not console_errors(driver), f"console errors: {console_errors(driver)}")


def hour_case(args, driver, work):
    """The 1-hour bench case (made by Scripts/bench-align.sh): report size and render time."""
    cache = os.path.join(args.repo, ".cache/bench")
    media, csv = os.path.join(cache, "hour_align2.mp4"), os.path.join(cache, "hour_align2.csv")
    check(os.path.exists(media) and os.path.exists(csv), "no 1-hour case in .cache/bench: run Scripts/bench-align.sh once")
    result = os.path.join(work, "hour.json")
    run = subprocess.run([args.bin, "align", media, csv, "--channel", "level_db", "--json"], capture_output=True, text=True)
    check(run.returncode == 0, f"align (1 hour): {run.stderr.strip()}")
    open(result, "w").write(run.stdout)
    report = os.path.join(work, "hour.html")
    start = time.time()
    run = subprocess.run([args.bin, "report", result, "-o", report], capture_output=True, text=True)
    took = time.time() - start
    check(run.returncode == 0, f"report (1 hour): {run.stderr.strip()}")
    best = None
    for _ in range(3):
        driver.get("about:blank")
        t0 = time.time()
        driver.get("file://" + report)
        # Until the page has laid out and painted once.
        driver.execute_async_script("var done=arguments[0]; requestAnimationFrame(function(){setTimeout(done,0);});")
        elapsed = time.time() - t0
        best = elapsed if best is None else min(best, elapsed)
    size = os.path.getsize(report) / 1e6
    print(f"report-check: 1-hour result: report {size:.2f} MB, written in {took:.1f} s (this build), "
          f"rendered in {best:.2f} s in Chromium (best of 3)")
    check(size < 1.5, f"the 1-hour report is {size:.2f} MB")
    check(best < 1.0, f"the 1-hour report took {best:.2f} s to render")
    check(not console_errors(driver), f"console errors: {console_errors(driver)}")


if __name__ == "__main__":
    main()
