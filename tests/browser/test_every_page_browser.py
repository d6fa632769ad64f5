"""Every page of every persona, in a real browser: nothing scrolls sideways at 390 px, and axe-core
finds no serious or critical violation (issue 15, parts 4 and 8), and no retired word of the
glossary (lib/glossary.py) is shown (part 5).

The pages are the project's named routes (the URL resolver, as tests/security/test_headers.py
walks it), outside Django's admin, with arguments taken from the demo (loaded once): the Sở Tư
pháp, whose 2026 sheet is submitted and under appraisal with an open explanation request, and its
2025 results, published. A page is whatever answers 200 with HTML to that persona; files
(exports, reports, open data) and refusals are left out. One browser context per persona, one
login each; each page is loaded once: at 390 px, its width and axe's scrollable-region rule (a
table that scrolls in its box must take the keyboard's focus); widened to 1280 px, every axe rule
(colour contrast, the slowest, once per address: it depends on the styles, not on who looks).

Marked `sweep`: CI runs it once, on PostgreSQL (`.ci/run` deselects it on SQLite).
"""

import uuid
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo import api as demo
from demo.data import PASSWORD as DEMO_PASSWORD
from jobs.models import Job, JobState
from lib.glossary import retired_forms
from scoring.models import Evidence, ExplanationRequest
from survey.models import InvitationToken, Questionnaire
from tests.browser.conftest import login, screenshot
from tests.security.test_headers import portal_routes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.sweep]

PHONE = 390
DESKTOP = 1280
PERSONAS = {
    # persona: the demo login (None: a visitor who has not signed in)
    "anonymous": None,
    "unit-staff": "canbo.tuphap",
    "unit-leader": "lanhdao.tuphap",
    "appraiser": "thamdinh",
    "leadership": "lanhdao",
    "admin": "admin",
}
UNIT = "SO-TP"
YEARS = (2026, 2025)  # in appraisal; published
# Pages whose published year (2025) looks otherwise than the year in appraisal; the others are
# visited for 2026 only.
BOTH_YEARS = {
    "sheet",
    "appraisal_sheet",
    "appraisal_list",
    "survey",
    "tracker",
    "year_manage",
    "move_up",
}
# Pages that look alike whoever is signed in: visited by the visitor only.
VISITOR_ONLY = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Routes that are actions rather than pages, whatever GET answers; and fragments the pages fetch
# in the background (htmx), not pages of their own.
SKIPPED = {"logout", "set_language", "appraisal_rule_points", "survey:profile_notes"}
# Pages reached with a query string rather than a route argument.
EXTRA_PAGES = [
    "/?year=2026",
    "/so-sanh/?from=2025&to=2026",
    "/mat-diem/?year=2025",
    # the related indices (issue 19): a monthly and a yearly ranking
    "/chi-so/766/?group=XA",
    "/chi-so/DTI/?period=2025&compare=2024",
    "/chi-so/766/nhap/",
]
SERIOUS = {"serious", "critical"}
NO_CONTRAST = {"rules": {"color-contrast": {"enabled": False}}}


def sample_values(explanation: int, evidence: int, job=None) -> dict[str, list]:
    return {
        "year": list(YEARS),
        "unit_code": [UNIT],
        "code": [UNIT],
        "item_code": ["3.3.2"],
        "kind": ["tu-danh-gia", "tham-dinh"],
        "pk": [explanation, evidence],
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "fmt": ["xlsx"],
        "period": ["2026-11"],
        # A linked rule item's value (issue 19): the unit's side and the appraisers'.
        "side": ["unit", "appraisal"],
        # The survey's pages (survey/urls.py): the group, the unit, the open link's key.
        "group": ["SO"],
        "unit": [UNIT],
        "key": list(
            Questionnaire.objects.filter(open_link=True).values_list("link_key", flat=True)
        ),
        "job": [job],
        "version": [1],  # a framework version (issue 16): the old one, where there is one
    }


def candidate_urls(signed_in: bool) -> list[str]:
    """Every route's address with the demo's arguments (every combination), and a few more."""
    explanation = ExplanationRequest.objects.filter(score__sheet__unit__code=UNIT).first()
    evidence = Evidence.objects.filter(score__sheet__unit__code=UNIT).first()
    job = Job.objects.first()  # the admin's export (`loaded`)
    values = sample_values(
        explanation.pk if explanation else 1,
        evidence.pk if evidence else 1,
        job.token if job else uuid.uuid4(),
    )
    urls: list[str] = []
    for name, kwargs in sorted(portal_routes()):
        if name in SKIPPED or (signed_in and name in VISITOR_ONLY):
            continue
        combinations: list[dict] = [{}]
        for key in kwargs:
            choices = values[key] if key != "year" or name in BOTH_YEARS else values[key][:1]
            combinations = [{**c, key: value} for c in combinations for value in choices]
        for combination in combinations:
            url = reverse(name, kwargs=combination)
            if url not in urls:
                urls.append(url)
    # A ballot by an unused invitation token of the demo (looking does not use it).
    token = InvitationToken.objects.filter(used_at__isnull=True).first()
    ballot = [reverse("survey:ballot", args=[token.code])] if token else []
    return urls + EXTRA_PAGES + ballot


def html_pages(context, base: str, urls: list[str]) -> list[str]:
    """The addresses that answer this persona with an HTML page (no redirect, no file)."""
    pages = []
    for url in urls:
        response = context.request.get(f"{base}{url}", max_redirects=0)
        if response.ok and response.headers.get("content-type", "").startswith("text/html"):
            pages.append(url)
    return pages


def serious_violations(page, options: dict) -> list[str]:
    results = Axe().run(page, options={"resultTypes": ["violations"], **options})
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(str(node["target"][0]) for node in violation["nodes"][:3] if node["target"])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.fixture
def loaded():
    demo.load_demo()
    # A finished background job of the admin's: its page is the admin's alone.
    Job.objects.create(
        owner=get_user_model().objects.get(username="admin"),
        kind="results_report",
        title="Báo cáo kết quả của tỉnh (.docx) · 2025",
        state=JobState.DONE,
        message="Đã lập báo cáo kết quả năm 2025.",
        result_name="jobs/sweep/result",
        result_filename="bao-cao-ket-qua-2025.docx",
        expires_at=timezone.now() + timedelta(days=1),
    )


def test_every_page_of_every_persona_fits_a_phone_and_passes_axe(live_server, browser, loaded):
    too_wide: list[str] = []
    inaccessible: list[str] = []
    retired: list[str] = []
    checked: dict[str, list[str]] = {}
    contrast_checked: set[str] = set()
    for persona, username in PERSONAS.items():
        context = browser.new_context(locale="vi-VN", viewport={"width": PHONE, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            login(page, live_server, username, DEMO_PASSWORD)
            assert urlparse(page.url).path != "/tai-khoan/login/", f"{username} did not sign in"
        urls = candidate_urls(signed_in=bool(username))
        checked[persona] = html_pages(context, live_server.url, urls)
        for url in checked[persona]:
            page.set_viewport_size({"width": PHONE, "height": 844})
            page.goto(f"{live_server.url}{url}", wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE + 1:
                too_wide.append(f"{persona} {url}: {width}px")
                screenshot(page, f"sweep-too-wide-{persona}-{url.strip('/').replace('/', '-')}")
            # One word per thing (lib/glossary.py) in what the page shows, demo data included.
            retired += [
                f"{persona} {url}: “{form}” → “{term.term}”"
                for term, form in retired_forms(page.inner_text("body"))
            ]
            # At phone width, tables that scroll in their box must be reachable by keyboard.
            phone = serious_violations(page, {"runOnly": ["scrollable-region-focusable"]})
            # At desktop width, every rule; colour contrast (the slowest rule, and a matter of
            # the page's styles rather than of who looks) once per address.
            page.set_viewport_size({"width": DESKTOP, "height": 900})
            options = {} if url not in contrast_checked else NO_CONTRAST
            contrast_checked.add(url)
            desktop = serious_violations(page, options)
            inaccessible += [f"{persona} {url} at {PHONE}px: {v}" for v in phone]
            inaccessible += [f"{persona} {url}: {v}" for v in desktop]
        context.close()

    print(f"Pages checked ({sum(map(len, checked.values()))}):")
    for persona, pages in checked.items():
        print(f"{persona} ({len(pages)}):", " ".join(pages))
    assert all(len(pages) >= 5 for pages in checked.values()), checked
    assert (too_wide, inaccessible, retired) == ([], [], []), (
        "Pages wider than the phone:\n"
        + "\n".join(too_wide)
        + "\nSerious or critical axe violations:\n"
        + "\n".join(inaccessible)
        + "\nRetired words (lib/glossary.py):\n"
        + "\n".join(retired)
    )
