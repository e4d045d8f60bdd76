"""Drives the Label Studio end-to-end check (see Scripts/labelstudio-e2e.sh).

Talks to a running Label Studio through its REST API, then checks sync in a
headless Chromium with selenium. Exits non-zero with a one-line reason on
the first failed check."""

import argparse
import bisect
import csv
import json
import os
import subprocess
import sys
import time

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

TOLERANCE = 0.050  # seconds: the bound for the cursor and the video


def fail(message):
    print(f"e2e: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class API:
    def __init__(self, base, token):
        self.base = base
        self.headers = {"Authorization": f"Token {token}"}

    def call(self, method, path, expect, **kwargs):
        r = requests.request(method, self.base + path, headers=self.headers, timeout=60, **kwargs)
        check(r.status_code in expect, f"{method} {path}: HTTP {r.status_code}: {r.text[:300]}")
        return r


def wait_for_server(base, pid, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            fail("Label Studio exited during start-up; see .cache/e2e/labelstudio.log")
        try:
            if requests.get(base + "/health", timeout=5).json().get("status") == "UP":
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(1)
    fail(f"Label Studio did not answer /health within {seconds} s")


def make_project(api, title, config, tasks, storage_paths):
    api.call("POST", "/api/projects/validate/", {200, 204}, json={"label_config": config})
    project = api.call("POST", "/api/projects/", {201}, json={"title": title, "label_config": config}).json()
    for path in storage_paths:
        api.call("POST", "/api/storages/localfiles/", {201},
                 json={"project": project["id"], "path": path, "title": path, "use_blob_urls": False})
    api.call("POST", f"/api/projects/{project['id']}/import", {201}, json=tasks)
    stored = api.call("GET", "/api/tasks/", {200}, params={"project": project["id"]}).json()["tasks"]
    check(len(stored) == len(tasks), f"{title}: imported {len(tasks)} tasks, read back {len(stored)}")
    return project["id"], stored


class SensorClock:
    """Sensor time at a media time along a corrected CSV (time → sensor_time)."""

    def __init__(self, path):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.media = [float(r["time"]) for r in rows]
        self.sensor = [float(r["sensor_time"]) for r in rows]

    def at(self, t):
        i = min(max(bisect.bisect_right(self.media, t), 1), len(self.media) - 1)
        a, b = i - 1, i
        w = (t - self.media[a]) / (self.media[b] - self.media[a])
        return self.sensor[a] + w * (self.sensor[b] - self.sensor[a])


class Page:
    def __init__(self, base, email, password):
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio",
                         "--autoplay-policy=no-user-gesture-required", "--window-size=1400,1500"]:
            options.add_argument(argument)
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.base = base
        self.driver.get(base + "/user/login/")
        self.driver.find_element(By.NAME, "email").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
        self.wait(lambda: "/user/login" not in self.driver.current_url, 30, "login did not complete")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, predicate, seconds, message):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if predicate():
                    return
            except Exception:  # the page is still building its models
                pass
            time.sleep(0.1)
        fail(message)

    def open_task(self, project, task):
        self.driver.get(f"{self.base}/projects/{project}/data?task={task}")
        self.wait(lambda: self.js(
            "var n=Htx.annotationStore.selected.names, ts=n.get('ts'), v=document.querySelector('video');"
            "return ts.brushRange.length==2 && v && v.readyState>=1 && isFinite(v.duration);"), 90,
            f"task {task}: the labeling page did not load the video and the time series")

    def state(self):
        return self.js(
            "var ts=Htx.annotationStore.selected.names.get('ts'), v=document.querySelector('video');"
            "var line=document.querySelector('.htx-timeseries-channel g.playhead line');"
            "var overlay=document.querySelector('.htx-timeseries-channel rect.overlay').getBoundingClientRect();"
            "return {cursor: ts.cursorTime, brush: [+ts.brushRange[0], +ts.brushRange[1]], video: v.currentTime,"
            " playhead: line ? line.getBoundingClientRect().x : null, left: overlay.x, width: overlay.width};")

    def seek_video(self, t, first_row=0.0):
        """Seeks the video; Label Studio puts the cursor at the CSV's first time + t.

        The seek is made again each second until the cursor follows: a page
        that has just loaded may not have joined the video to its sync group
        yet, and a seek before that moves nothing (seen once in CI, on the
        uncorrected project's first seek)."""
        seeked = [0.0]

        def followed():
            if time.time() - seeked[0] >= 1.0:
                self.js("document.querySelector('video').currentTime = arguments[0];", t)
                seeked[0] = time.time()
            return abs(self.state()["cursor"] - (first_row + t)) < 1e-3

        self.wait(followed, 20, f"the time-series cursor did not follow the video to {t} s")
        time.sleep(0.3)  # let the playhead redraw
        return self.state()

    def click_series(self, fraction):
        overlay = self.driver.find_element(By.CSS_SELECTOR, ".htx-timeseries-channel rect.overlay")
        self.js("arguments[0].scrollIntoView({block: 'center'});", overlay)
        before = self.state()
        box = overlay.rect
        ActionChains(self.driver).move_to_element_with_offset(
            overlay, int(box["width"] * (fraction - 0.5)), 0).click().perform()
        self.wait(lambda: self.state()["cursor"] != before["cursor"], 10, "a click on the time series moved no cursor")
        time.sleep(1.0)  # the seek reaches the video through the sync group
        return self.state()

    def screenshot(self, path):
        self.driver.save_screenshot(path)

    def close(self):
        self.driver.quit()


def main():
    parser = argparse.ArgumentParser()
    for name in ["base", "token", "email", "password", "repo", "work"]:
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--bin", required=True, help="the mediaalign binary")
    args = parser.parse_args()
    work = os.path.join(args.repo, args.work)
    truth = json.load(open(os.path.join(args.repo, "TestMedia/truth.json")))["sample"]

    def truth_sensor(media_time):
        return truth["csv_origin"] + (media_time - truth["offset"]) / truth["scale"]

    def truth_media(sensor_time):
        return truth["offset"] + truth["scale"] * (sensor_time - truth["csv_origin"])

    wait_for_server(args.base, args.server_pid)
    api = API(args.base, args.token)
    project_dir = os.path.join(work, "project")

    def push():
        """`mediaalign tasks --push` as a user runs it: no --url-root, the
        token from LABEL_STUDIO_API_KEY; the summary it prints."""
        command = [args.bin, "tasks", os.path.join(work, "result.json"), os.path.join(work, "unrelated.json"),
                   "--out", project_dir, "--labels", "Run,Walk", "--push", args.base, "--json"]
        run = subprocess.run(command, cwd=args.repo, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "LABEL_STUDIO_API_KEY": args.token})
        check(run.returncode == 0, f"tasks --push exited {run.returncode}: {run.stderr.strip()}")
        check("left out: alignment rejected" in run.stderr, f"the rejected result was not listed: {run.stderr.strip()}")
        return json.loads(run.stdout)

    summary = push()
    check(len(summary["tasks"]) == 1, f"tasks wrote {len(summary['tasks'])} tasks, expected 1")
    check(len(summary["left_out"]) == 1 and summary["left_out"][0]["rejected"],
          "the unrelated CSV's rejected result was not listed as left out")
    check(summary["label_studio"]["document_root"] == args.repo,
          f"--push took {summary['label_studio']['document_root']} as the root; the server serves {args.repo}")
    pushed = summary["pushed"][0]
    check(pushed["created"] and pushed["imported"] == 1 and pushed["updated"] == 0,
          f"first push: expected a new project with 1 imported task, got {pushed}")
    project = pushed["project_id"]
    check(pushed["url"] == f"{args.base}/projects/{project}/data", f"the project URL is {pushed['url']}")
    config = open(os.path.join(project_dir, "config.xml")).read()
    tasks = json.load(open(os.path.join(project_dir, "tasks.json")))

    # The validation endpoint really validates: labels pointing at no object fail.
    r = requests.post(args.base + "/api/projects/validate/", headers=api.headers, timeout=60,
                      json={"label_config": config.replace('toName="ts"', 'toName="no_such_object"')})
    check(r.status_code == 400, f"the config validation endpoint accepted a broken config (HTTP {r.status_code})")

    sample_dir = os.path.join(args.repo, "TestMedia/sample")
    storages = api.call("GET", "/api/storages/localfiles/", {200}, params={"project": project}).json()
    check(sorted(s["path"] for s in storages) == sorted([project_dir, sample_dir]),
          f"the project's Local Storages are {[s['path'] for s in storages]}")
    check(api.call("GET", f"/api/projects/{project}/", {200}).json()["label_config"].strip() == config.strip(),
          "the project's config is not config.xml")
    stored = api.call("GET", "/api/tasks/", {200}, params={"project": project, "fields": "all"}).json()["tasks"]
    check(len(stored) == 1, f"the pushed project holds {len(stored)} tasks, expected 1")
    for mine, theirs in zip(tasks, stored):
        check(theirs["data"] == mine["data"], f"task {theirs['id']}: data read back differs from tasks.json")
        check(theirs["meta"] == mine["meta"], f"task {theirs['id']}: meta read back differs from tasks.json")
        for key in ["video", "csv"]:
            url = mine["data"][key]
            body = api.call("GET", url, {200}).content
            local = os.path.join(args.repo, url.split("?d=", 1)[1])
            check(body == open(local, "rb").read(), f"{url} does not serve {local}")
    print(f"e2e: pushed project {project}: config, storages {len(storages)}, {len(stored)} task read back, "
          f"URLs serve the files")

    # An annotation made in Label Studio between two pushes survives the second.
    task_id = stored[0]["id"]
    region = {"from_name": "label", "to_name": "ts", "type": "timeserieslabels",
              "value": {"start": 1.0, "end": 2.0, "instant": False, "timeserieslabels": ["Run"]}}
    annotation = api.call("POST", f"/api/tasks/{task_id}/annotations/", {201}, json={"result": [region]}).json()
    second = push()
    again = second["pushed"][0]
    # The pushed summary follows the documented contract (strict: no undocumented field).
    summary_file = os.path.join(work, "pushed-summary.json")
    with open(summary_file, "w") as f:
        json.dump(second, f)
    schema_check = subprocess.run([sys.executable, os.path.join(args.repo, "Scripts/lib/check_schemas.py"),
                                   f"tasks-summary.schema.json={summary_file}"], capture_output=True, text=True)
    check(schema_check.returncode == 0, f"the pushed summary does not follow its schema: {schema_check.stdout.strip()}")
    check(again["project_id"] == project and not again["created"],
          f"the second push went to project {again['project_id']}, not {project}")
    check(again["imported"] == 0 and again["updated"] == 1, f"second push: expected 1 updated and 0 imported, got {again}")
    after = api.call("GET", "/api/tasks/", {200}, params={"project": project, "fields": "all"}).json()["tasks"]
    check([t["id"] for t in after] == [task_id], f"after the second push the project holds tasks {[t['id'] for t in after]}")
    kept = api.call("GET", f"/api/tasks/{task_id}/annotations/", {200}).json()
    check([a["id"] for a in kept] == [annotation["id"]] and kept[0]["result"][0]["value"] == region["value"],
          f"the annotation made between the pushes was not kept: {kept}")
    storages_after = api.call("GET", "/api/storages/localfiles/", {200}, params={"project": project}).json()
    check(len(storages_after) == len(storages), f"the second push added storages: {len(storages_after)}")
    print(f"e2e: second push: project {project} still holds task {task_id} (updated, not duplicated), "
          f"annotation {annotation['id']} kept, no storage added")
    stored = after

    # The same media with the uncorrected CSV, as Label Studio's native sync would show it.
    raw_config = config.replace('<Channel column="temp"/>', "")
    raw_task = {"data": {"video": tasks[0]["data"]["video"], "fps": tasks[0]["data"]["fps"],
                         "csv": "/data/local-files/?d=TestMedia/sample/sensor.csv"}}
    raw_project, raw_stored = make_project(api, "mediaalign e2e (uncorrected)", raw_config, [raw_task], [])

    clock = SensorClock(os.path.join(project_dir, "sensor.aligned.csv"))
    first_sensor = truth["csv_origin"]
    page = Page(args.base, args.email, args.password)
    try:
        page.open_task(project, stored[0]["id"])
        for t in [3.0, 35.0]:
            s = page.seek_video(t)
            sensor = clock.at(s["cursor"])
            error = sensor - truth_sensor(t)
            span = s["brush"][1] - s["brush"][0]
            drawn = s["brush"][0] + (s["playhead"] - s["left"]) / s["width"] * span
            print(f"e2e: video at {t:.3f} s -> cursor {s['cursor']:.3f} s, sensor sample {sensor:.4f} s "
                  f"(truth {truth_sensor(t):.4f} s, error {error * 1000:+.1f} ms); playhead drawn at {drawn:.3f} s")
            check(abs(error) <= TOLERANCE, f"cursor at sensor {sensor:.4f} s for video {t} s; truth {truth_sensor(t):.4f} s")
            check(abs(drawn - s["cursor"]) <= max(TOLERANCE, span / s["width"]),
                  f"the playhead is drawn at {drawn:.3f} s, not at the cursor {s['cursor']:.3f} s")
        page.screenshot(os.path.join(work, "labelstudio-corrected.png"))
        for fraction in [0.3, 0.8]:
            s = page.click_series(fraction)
            sensor = clock.at(s["cursor"])
            error = s["video"] - truth_media(sensor)
            print(f"e2e: click on the series at sensor {sensor:.4f} s -> video at {s['video']:.3f} s "
                  f"(truth {truth_media(sensor):.4f} s, error {error * 1000:+.1f} ms)")
            check(abs(error) <= TOLERANCE, f"video at {s['video']:.3f} s after a click at sensor {sensor:.4f} s; "
                                           f"truth {truth_media(sensor):.4f} s")

        page.open_task(raw_project, raw_stored[0]["id"])
        for t in [3.0, 35.0]:
            s = page.seek_video(t, first_row=first_sensor)
            sensor = s["cursor"]  # the raw CSV's own time column
            error = sensor - truth_sensor(t)
            print(f"e2e: uncorrected CSV: video at {t:.3f} s -> sensor sample {sensor:.4f} s "
                  f"(truth {truth_sensor(t):.4f} s, error {error:+.3f} s)")
            check(abs(error) > 1.0, f"the uncorrected CSV is only {error:.3f} s off at {t} s; the check cannot tell")
        page.screenshot(os.path.join(work, "labelstudio-uncorrected.png"))
    finally:
        page.close()
    print("e2e: OK")


if __name__ == "__main__":
    main()
