"""The deadline week under load: a locust scenario, run by bench/run.py from a second process.

    locust -f bench/deadline_week.py --headless --host http://127.0.0.1:PORT \
        --users 310 --spawn-rate 10 --run-time 60s

BENCH_LOAD_SETUP names the JSON of `bench/engine.py load-setup` (the people and their sheets);
BENCH_LOAD_ACKS a file where every acknowledged save is written (one JSON a line), which
`bench/engine.py load-verify` reads afterwards: nothing acknowledged may be lost;
BENCH_LOAD_TIMES a file where every request is written (when it ended, its kind, its time, whether
it failed) and the moment everyone had arrived, so that bench/run.py can report the arrivals
(everyone signing in within half a minute, every cache cold) apart from the hours after them.

100 unit staff open their sheet and save it (one item's self points changed, the whole form
posted back as a browser does); 10 appraisers open the appraisal list, the tracker and a sheet
of their own units, save one domain and now and then request an explanation; 200 readers browse
the public pages. Everyone signs in through the login form and pauses as people do.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from itertools import count

from locust import HttpUser, between, events, task

# Choices of a load test, not secrets.
choice = random.choice  # noqa: S311

SETUP = json.loads(open(os.environ["BENCH_LOAD_SETUP"]).read())  # noqa: SIM115
ACKS = open(os.environ["BENCH_LOAD_ACKS"], "a")  # noqa: SIM115
TIMES = open(os.environ["BENCH_LOAD_TIMES"], "a")  # noqa: SIM115
LOCK = threading.Lock()
STAFF = iter(SETUP["staff"])
APPRAISERS = iter(SETUP["appraisers"])
QUESTIONS = count(1)


def acknowledge(**record) -> None:
    with LOCK:
        ACKS.write(json.dumps(record) + "\n")
        ACKS.flush()


@events.request.add_listener
def record(request_type, name, response_time, exception, **_kwargs):
    """One line a request: when it ended, its kind, its milliseconds, whether it failed."""
    failed = int(exception is not None)
    with LOCK:
        TIMES.write(f"{time.time():.3f}\t{request_type} {name}\t{response_time:.1f}\t{failed}\n")


@events.spawning_complete.add_listener
def everyone_arrived(user_count, **_kwargs):
    with LOCK:
        TIMES.write(f"{time.time():.3f}\tARRIVED\t0\t0\n")
        TIMES.flush()


@events.quitting.add_listener
def close_times(**_kwargs):
    with LOCK:
        TIMES.flush()


class PostForm(HTMLParser):
    """The fields of the page's form that carries `version` (the sheet's or the appraisal's)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self.current)
        elif self.current is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.current["fields"].append([a["name"], a.get("value") or ""])
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current["fields"].append([a["name"], ""])

    def handle_data(self, data):
        if self.textarea and self.current:
            self.current["fields"][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


#: The value each points field had when first seen ((path, field) → value): a save puts an item
#: to 0 or back to that value, so that it never exceeds the item's maximum (a value above it is
#: refused with the form shown again, HTTP 200: the scenario's mistake, not the portal's).
FIRST_SEEN: dict[tuple[str, str], str] = {}


def change_one(path: str, fields: list[list[str]], prefix: str) -> list[str] | None:
    """Pick one points field of the form and change it, within its maximum; None: none to change."""
    candidates = []
    for field in fields:
        if field[0].startswith(prefix):
            first = FIRST_SEEN.setdefault((path, field[0]), field[1])
            if first not in ("", "0") or field[1] not in ("", "0"):
                candidates.append((field, first))
    if not candidates:
        return None
    field, first = choice(candidates)
    field[1] = "0" if field[1] not in ("", "0") else first
    return field


def version_form(html: str) -> list[list[str]]:
    parser = PostForm()
    parser.feed(html)
    for form in parser.forms:
        if any(name == "version" for name, _value in form["fields"]):
            return form["fields"]
    raise RuntimeError("no form with a version on the page")


class Person(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        page = self.client.get("/tai-khoan/login/", name="login (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.client.post(
            "/tai-khoan/login/",
            {
                "csrfmiddlewaretoken": token,
                "username": self.username,
                "password": SETUP["password"],
            },
            headers={"Referer": self.host + "/tai-khoan/login/"},
            allow_redirects=False,
            name="login (post)",
        )
        if response.status_code != 302:
            response.failure(f"login of {self.username}: {response.status_code}")

    def post_form(self, path: str, fields: list[list[str]], name: str):
        csrf = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            path,
            data=fields,
            headers={"Referer": self.host + path, "X-CSRFToken": csrf},
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
                return True
            response.failure(f"{name}: HTTP {response.status_code}")
            return False


class UnitStaff(Person):
    fixed_count = 100
    wait_time = between(5, 20)

    def on_start(self):
        person = next(STAFF)
        self.username, self.unit, self.year = person["username"], person["unit"], person["year"]
        self.path = f"/phieu/{self.unit}/{self.year}/"
        super().on_start()

    @task(3)
    def open_sheet(self):
        self.client.get(self.path, name="staff: open the sheet")

    @task(2)
    def save_sheet(self):
        page = self.client.get(self.path, name="staff: open the sheet")
        fields = version_form(page.text)
        field = change_one(self.path, fields, "self_points-")
        if field is None:
            return
        if self.post_form(self.path, fields, "staff: save the sheet"):
            acknowledge(
                kind="self_points",
                unit=self.unit,
                year=self.year,
                item=field[0].split("-", 1)[1],
                value=field[1],
            )


class Appraiser(Person):
    fixed_count = 10
    wait_time = between(5, 20)

    def on_start(self):
        person = next(APPRAISERS)
        self.username, self.units, self.year = person["username"], person["units"], person["year"]
        super().on_start()

    @task(2)
    def lists(self):
        self.client.get(f"/tham-dinh/{self.year}/", name="appraiser: appraisal list")
        self.client.get(f"/theo-doi/{self.year}/", name="appraiser: tracker")

    @task(3)
    def appraise_domain(self):
        unit = choice(self.units)
        path = f"/tham-dinh/{unit}/{self.year}/"
        page = self.client.get(path, name="appraiser: open an appraisal sheet")
        fields = version_form(page.text)
        field = change_one(path, fields, "points-")
        if field is None:
            return
        code = field[0].split("-", 1)[1]
        for f in fields:
            if f[0] == f"reason-{code}":
                f[1] = "Đo hiệu năng: hồ sơ chưa đủ."
        fields.append(["linh-vuc", code.split(".")[0]])
        if self.post_form(path, fields, "appraiser: save one domain"):
            acknowledge(kind="points", unit=unit, year=self.year, item=code, value=field[1])

    @task(1)
    def request_explanation(self):
        unit = choice(self.units)
        path = f"/tham-dinh/{unit}/{self.year}/"
        page = self.client.get(path, name="appraiser: open an appraisal sheet")
        codes = re.findall(r'name="question-([\w.]+)"', page.text)
        if not codes:
            return
        code = choice(codes)
        csrf = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            f"{path}yeu-cau/{code}/",
            {
                f"question-{code}": f"Đề nghị bổ sung hồ sơ ({next(QUESTIONS)}).",
                "csrfmiddlewaretoken": csrf,
            },
            headers={"Referer": self.host + path},
            allow_redirects=False,
            name="appraiser: request an explanation",
            catch_response=True,
        ) as response:
            # 302 asked; 200/400 with the refusal when a request on the item still waits.
            if response.status_code in (200, 302, 400):
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")


class Reader(HttpUser):
    fixed_count = 200
    wait_time = between(3, 15)

    @task(4)
    def overview(self):
        self.client.get("/", name="reader: overview")

    @task(3)
    def profile(self):
        self.client.get(f"/don-vi/{choice(SETUP['profiles'])}/", name="reader: unit profile")

    @task(1)
    def comparison(self):
        self.client.get(f"/so-sanh/?group={choice(SETUP['groups'])}", name="reader: comparison")

    @task(1)
    def most_lost(self):
        self.client.get("/mat-diem/", name="reader: most points lost")

    @task(1)
    def open_data(self):
        self.client.get("/mo/", name="reader: open data")
