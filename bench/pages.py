"""The pages `make bench` measures: data, one line a page.

    ("name", "label in the table", persona, "path", kind)

persona: None (anonymous) or a key of PERSONAS, signed in through the real login form.
path: a URL with placeholders filled from the setup of bench/engine.py (`pages`): {year} the year
being appraised, {published} the latest published year, {previous} the one before it, {unit} the unit staff's unit, {group}
a unit group; {profiles} and {groups} are lists, and the page then rotates over them.
kind: the target it is held to (KINDS). A page added by another feature is one more line.
"""

from __future__ import annotations

# kind: (minimum share of the bare Django view's requests per second, p99 limit in ms)
KINDS = {
    "floor": (None, None),  # the bare view itself
    "fixed": (0.75, None),  # the portal's fixed-string view: only pay for what a request uses
    "anonymous": (0.45, None),  # public pages and files, cached
    "signed_in": (0.25, None),  # dashboards signed in
    "work": (0.03, 150),  # the pages people work on
    "file": (None, None),  # generated files of signed-in people: measured, no target
}

# The people who sign in (bench/engine.py creates them, each with a membership).
PERSONAS = {
    "leadership": "bench-lanhdao",
    "appraiser": "bench-thamdinh",
    "staff": "bench-canbo",
}

PAGES = [
    ("fixed", "the portal's fixed string `/_bench/baseline/`", None, "/_bench/baseline/", "fixed"),
    ("overview", "overview `/`", None, "/", "anonymous"),
    (
        "profile",
        "unit profile `/don-vi/<code>/` (100 units in turn)",
        None,
        "/don-vi/{profiles}/",
        "anonymous",
    ),
    (
        "comparison",
        "comparison `/so-sanh/?group=…` (each group)",
        None,
        "/so-sanh/?group={groups}",
        "anonymous",
    ),
    ("open_data", "open data `/mo/`", None, "/mo/", "anonymous"),
    ("most_lost", "most points lost `/mat-diem/`", None, "/mat-diem/", "anonymous"),
    (
        "csv",
        "open data CSV `/mo/ket-qua-<year>.csv`",
        None,
        "/mo/ket-qua-{published}.csv",
        "anonymous",
    ),
    (
        "json",
        "open data JSON `/mo/ket-qua-<year>.json`",
        None,
        "/mo/ket-qua-{published}.json",
        "anonymous",
    ),
    (
        "ranking_xlsx",
        "ranking export `/xuat/ket-qua-<year>.xlsx`",
        None,
        "/xuat/ket-qua-{published}.xlsx",
        "anonymous",
    ),
    (
        "comparison_xlsx",
        "comparison export `/xuat/so-sanh.xlsx?group=…`",
        None,
        "/xuat/so-sanh.xlsx?from={previous}&to={published}&group={group}",
        "anonymous",
    ),
    (
        "report_docx",
        "results report `/bao-cao/ket-qua-<year>.docx`",
        None,
        "/bao-cao/ket-qua-{published}.docx",
        "anonymous",
    ),
    ("overview_leadership", "overview `/`, leadership", "leadership", "/", "signed_in"),
    (
        "profile_leadership",
        "unit profile, leadership",
        "leadership",
        "/don-vi/{profiles}/",
        "signed_in",
    ),
    (
        "comparison_leadership",
        "comparison, leadership",
        "leadership",
        "/so-sanh/?group={groups}",
        "signed_in",
    ),
    (
        "most_lost_leadership",
        "most points lost, leadership",
        "leadership",
        "/mat-diem/",
        "signed_in",
    ),
    ("overview_appraiser", "overview `/`, appraiser", "appraiser", "/", "signed_in"),
    ("overview_staff", "overview `/`, unit staff", "staff", "/", "signed_in"),
    ("profile_staff", "own unit's profile, unit staff", "staff", "/don-vi/{unit}/", "signed_in"),
    (
        "sheet",
        "self-assessment sheet `/phieu/<unit>/<year>/`, unit staff",
        "staff",
        "/phieu/{unit}/{year}/",
        "work",
    ),
    (
        "appraisal_sheet",
        "appraisal sheet `/tham-dinh/<unit>/<year>/`",
        "appraiser",
        "/tham-dinh/{unit}/{year}/",
        "work",
    ),
    (
        "appraisal_list",
        "appraisal list `/tham-dinh/<year>/`",
        "appraiser",
        "/tham-dinh/{year}/",
        "work",
    ),
    ("tracker", "tracker `/theo-doi/<year>/`", "appraiser", "/theo-doi/{year}/", "work"),
    ("survey", "survey page `/dieu-tra/<year>/`", "appraiser", "/dieu-tra/{year}/", "work"),
    (
        "tracker_xlsx",
        "tracker export `/xuat/theo-doi-<year>.xlsx`",
        "appraiser",
        "/xuat/theo-doi-{year}.xlsx",
        "file",
    ),
    (
        "sheet_xlsx",
        "sheet export `/xuat/phieu/<unit>/<year>.xlsx`",
        "staff",
        "/xuat/phieu/{unit}/{year}.xlsx",
        "file",
    ),
]


def expand(path: str, setup: dict) -> list[str]:
    """The page's URLs: one, or one per element of the list its placeholder names."""
    lists = {key: value for key, value in setup.items() if isinstance(value, list)}
    for key, values in lists.items():
        if "{" + key + "}" in path:
            paths = [path.replace("{" + key + "}", str(value)) for value in values]
            return [one.format(**setup) for one in paths]
    return [path.format(**setup)]
