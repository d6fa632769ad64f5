"""Who may open and post to every URL of the portal: a matrix of routes × personas.

The routes come from the URL configuration itself, and every named route must have its cases in
`CASES` below (or a reason in `NOT_IN_MATRIX`): a new URL cannot be added without saying who may
use it. Each case names a route, the method, how to build its arguments and what each persona
gets. Personas: anonymous, staff of unit A, leader of unit A, staff of unit B, an appraiser
(member of a third unit), provincial leadership and an admin (tests/factories.py `personas`).

The rules the table writes down:
- unit B never reads or changes unit A's sheet, notes, evidence, history, explanations or
  files, whatever the URL says (another unit's code with A's document id is a 404);
- only leaders submit and withdraw; only appraisers (never on their own unit) and admins
  appraise and enter the survey; provincial leadership reads everything and writes nothing;
- only admins manage years; anonymous visitors see public pages of published years only.

The data is built once for the module; every request runs in a savepoint rolled back after it,
so one persona's write never changes what the next one sees. A POST that is refused (or
accepted without effect) must leave every row of the scoring and units tables as it was; an
accepted write must change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_q.models import OrmQ

from jobs.models import Job, JobState
from scoring.models import AssessmentYear, Sheet, SheetState, YearState
from scoring.permissions import appraised_domains
from scoring.selectors.sheets import sheet_for
from scoring.services.appraisal import request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import add_evidence, save_self_assessment
from tests.factories import (
    FULL_MARKS,
    decide_open_units,
    make_sheet,
    make_unit,
    make_year,
    personas,
    score,
)

PERSONAS = ("anonymous", "staff_a", "leader_a", "staff_b", "appraiser", "leadership", "admin")
UNIT_A = ("staff_a", "leader_a")
READERS = ("appraiser", "leadership", "admin")  # scoring.view_tracker / unpublished results
COUNCIL = ("appraiser", "admin")  # scoring.appraise_sheet, enter_survey (not on their own unit)

A, B, OWN = "STP", "SXD", "SNV"  # unit A, unit B, the appraisers' own unit
PUBLISHED, EARLIER, SELF, APPRAISAL, PREPARING = 2022, 2021, 2023, 2024, 2025

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
APPRAISAL_CODES = ("1.1.1", "1.1.2", "1.2", "2.1", "2.2")

# --------------------------------------------------------------------------- what is not here

# Routes left out of the matrix on purpose, each with the reason.
NOT_IN_MATRIX = {
    # Django's language switch: a POST that only sets the language cookie, the same for everyone.
    "set_language": "i18n",
    # Reached only through the token e-mailed to one user; a guessed token is refused by Django.
    "password_reset_confirm": "token link",
}
# Whole namespaces: the admin site has its own permission system (is_staff, model permissions);
# its pages are tested in tests/test_admin.py.
NOT_IN_MATRIX_NAMESPACES = {"admin"}
# Unnamed patterns that may serve files in development (django.conf.urls.static): no data.
FILE_SERVING_VIEWS = {"django.views.static.serve"}


def named_routes() -> tuple[set[str], list[str]]:
    """Every route name of the URL configuration (namespaced as "ns:name") and the unnamed ones."""
    names, unnamed = set(), []

    def walk(patterns, namespaces: tuple[str, ...], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if namespaces and namespaces[0] in NOT_IN_MATRIX_NAMESPACES:
                    continue
                callback = f"{pattern.callback.__module__}.{pattern.callback.__name__}"
                if callback in FILE_SERVING_VIEWS:
                    continue
                if pattern.name is None:
                    unnamed.append(prefix + str(pattern.pattern))
                else:
                    names.add(":".join((*namespaces, pattern.name)))

    walk(get_resolver().url_patterns, (), "/")
    return names, unnamed


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Redirect:
    """A 302 inside the portal (not to the login page); `to` is the exact target, SAME the URL
    itself. `writes`: the request changed stored data (only for POST)."""

    to: str
    writes: bool = False


SAME = "<the same URL>"
OK, BAD, DENIED, MISSING, NOT_ALLOWED = 200, 400, 403, 404, 405
LOGIN = "login"  # 302 to the login page, back to this URL afterwards


def outcome(default, *, anonymous=LOGIN, **by_persona) -> dict:
    """What each persona gets: `default` for the signed-in ones unless named."""
    table = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = anonymous
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, unknown
    table.update(by_persona)
    return table


def each(personas_: tuple[str, ...], result) -> dict:
    return dict.fromkeys(personas_, result)


PUBLIC = outcome(OK, anonymous=OK)
SIGNED_IN = outcome(OK)
# A year in progress on a public page or file: only those who see provisional results.
PROVISIONAL = outcome(MISSING, anonymous=MISSING, **each(READERS, OK))
# Unit A's sheet and everything on it: its own people, appraisers, leadership, admins.
READS_A = outcome(OK, staff_b=DENIED)
COUNCIL_READS = outcome(DENIED, **each(READERS, OK))
POST_ONLY = outcome(NOT_ALLOWED)  # a write route opened with GET


def edits_a(result) -> dict:
    return outcome(DENIED, **each(UNIT_A, result))


def appraises(result) -> dict:
    return outcome(DENIED, **each(COUNCIL, result))


def admin_only(result) -> dict:
    return outcome(DENIED, admin=result)


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    route: str
    label: str
    expected: dict
    method: str = "GET"
    kwargs: dict = field(default_factory=dict)  # values may be callables of the world
    query: str = ""
    data: object = None  # dict, or a callable of the world returning one
    prepare: object = None  # callable of the world, run in the request's savepoint

    @property
    def id(self) -> str:
        return f"{self.route}-{self.method}-{self.label}"


def pk(name: str):
    return lambda world: getattr(world, name).pk


def token(name: str):
    return lambda world: getattr(world, name).token


def token_code(name: str):
    return lambda world: getattr(world, name).code


def link_key(world) -> str:
    return world.questionnaire.link_key


def pdf_upload(world) -> dict:
    return {"file": SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")}


def survey_csv(unit_code: str):
    def data(world) -> dict:
        content = f"unit_code,item_code,points\n{unit_code},3.1,12\n".encode()
        return {"file": SimpleUploadedFile("dieu-tra.csv", content, content_type="text/csv")}

    return data


def self_assessment_body(world) -> dict:
    """Unit A's 2023 sheet as stored, with 1.1.1 changed from 8 to 9 and a note."""
    sheet = Sheet.objects.get(unit__code=A, year__year=SELF)
    body = {"version": sheet.version, "difficulties": "", "proposals": ""}
    for code in APPRAISAL_CODES:
        body[f"self_points-{code}"] = "8" if code.startswith("1") else "16"
        body[f"note-{code}"] = ""
    body["self_points-1.1.1"] = "9"
    body["note-1.1.1"] = "Đã ban hành kế hoạch ngày 15/01."
    return body


def appraisal_body(unit_code: str):
    def data(world) -> dict:
        sheet = Sheet.objects.get(unit__code=unit_code, year__year=APPRAISAL)
        return {
            "version": sheet.version,
            "points-1.1.2": "7",
            "reason-1.1.2": "Kế hoạch hoàn thành 70%.",
        }

    return data


def submit_a(world) -> None:
    Sheet.objects.filter(unit__code=A, year__year=SELF).update(
        state=SheetState.SUBMITTED, submitted_at=timezone.now()
    )


def deadline_body(days: int):
    def data(world) -> dict:
        moment = timezone.localtime() + timedelta(days=days)
        return {"deadline": moment.strftime("%Y-%m-%dT%H:%M")}

    return data


def known_kinds(world) -> None:
    """The related indices' kinds as migrated, the 766 index covering unit A's group."""
    from demo.indices import ensure_known_kinds
    from indices.models import IndexKind
    from units.models import Unit

    ensure_known_kinds()
    IndexKind.objects.get(code="766").groups.add(Unit.objects.get(code=A).group)


INDEX_ROWS = "unit_code,component_code,points\n" + "\n".join(
    f"{A},{code},5" for code in ("1", "2", "3", "4", "5", "6")
)


def index_month(world) -> None:
    """Unit A's 766 figures of October 2026."""
    from indices import exchange, services
    from indices.models import IndexKind

    known_kinds(world)
    rows = exchange.read_value_rows(INDEX_ROWS.encode())
    services.record_values(IndexKind.objects.get(code="766"), "2026-10", rows)


# --- the survey: unit A's group's questionnaire of the year in appraisal (build_world)
SURVEY = f"/khao-sat/{APPRAISAL}/SO"
LOOKUP_KEY = "survey:lookup:127.0.0.1"  # survey.limits: failed code look-ups of the test client


def question_field(world) -> str:
    return f"q_{world.question.pk}"


def ballot_answers(world) -> dict:
    return {question_field(world): "A"}


def paper_ballot(reference: str):
    def data(world) -> dict:
        return {"reference": reference, question_field(world): "A"}

    return data


def publish_appraisal(world) -> None:
    """The year in appraisal published (its survey results become the units' own too)."""
    AssessmentYear.objects.filter(year=APPRAISAL).update(
        state=YearState.PUBLISHED, published_at=timezone.now()
    )


def lookups_fresh(world) -> None:
    from django.core.cache import cache

    cache.delete(LOOKUP_KEY)


def lookups_exhausted(world) -> None:
    from django.core.cache import cache

    from survey.limits import FAILED_LOOKUPS

    cache.set(LOOKUP_KEY, FAILED_LOOKUPS)


CASES = [
    # --- public results and open data
    Case("home", "published", PUBLIC),
    Case("home", "year in progress", PROVISIONAL, query=f"year={APPRAISAL}"),
    Case("open_data", "list", PUBLIC),
    Case("open_data_csv", "published", PUBLIC, kwargs={"year": PUBLISHED}),
    Case(
        "open_data_csv",
        "in progress",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"year": APPRAISAL},
    ),
    Case("open_data_json", "published", PUBLIC, kwargs={"year": PUBLISHED}),
    Case(
        "open_data_json",
        "in progress",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"year": APPRAISAL},
    ),
    # --- accounts
    Case("login", "page", PUBLIC),
    Case("login", "empty form", PUBLIC, method="POST", data={}),
    Case("logout", "GET", outcome(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    Case(
        "logout", "log out", outcome(Redirect("/"), anonymous=Redirect("/")), method="POST", data={}
    ),
    Case("password_change", "page", SIGNED_IN),
    Case("password_change", "empty form", SIGNED_IN, method="POST", data={}),
    Case("password_change_done", "page", SIGNED_IN),
    Case(  # the admin's own page checks the current password outside the lockout: ours instead
        "admin_password_change",
        "page",
        outcome(
            Redirect("/tai-khoan/password_change/"),
            anonymous=Redirect("/tai-khoan/password_change/"),
        ),
    ),
    Case("password_reset", "page", PUBLIC),
    Case("password_reset", "empty form", PUBLIC, method="POST", data={}),
    Case("password_reset_done", "page", PUBLIC),
    Case("password_reset_complete", "page", PUBLIC),
    Case(
        "otp_verify",
        "without a device",
        outcome(
            Redirect("/"),
            **each(COUNCIL, Redirect("/tai-khoan/xac-thuc-hai-buoc/thiet-lap/")),
        ),
    ),
    Case("otp_setup", "page", outcome(DENIED, **each(COUNCIL, OK))),
    # An empty POST is read as no form at all (`TokenForm(request.POST or None)`).
    Case("otp_setup", "empty token", outcome(DENIED, **each(COUNCIL, OK)), method="POST", data={}),
    # --- the unit's sheet
    Case("my_sheets", "page", SIGNED_IN),
    Case("sheet", "A in self-assessment", READS_A, kwargs={"unit_code": A, "year": SELF}),
    Case("sheet", "A published", READS_A, kwargs={"unit_code": A, "year": PUBLISHED}),
    Case(  # issue 16: the sheet under a replaced framework version; A's was never replaced
        "sheet_version",
        "A without a replaced version",
        outcome(MISSING, staff_b=DENIED),
        kwargs={"unit_code": A, "year": SELF, "version": 1},
    ),
    Case(
        "sheet",
        "B read by A",
        outcome(OK, **each(UNIT_A, DENIED)),
        kwargs={"unit_code": B, "year": SELF},
    ),
    Case(
        "sheet",
        "save A's draft",
        edits_a(Redirect(f"/phieu/{A}/{SELF}/", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": SELF},
        data=self_assessment_body,
    ),
    Case("sheet_preview", "GET", POST_ONLY, kwargs={"unit_code": A, "year": SELF}),
    Case(
        "sheet_preview",
        "A's totals",
        edits_a(OK),
        method="POST",
        kwargs={"unit_code": A, "year": SELF},
        data={"self_points-1.1.1": "7,5"},
    ),
    Case("sheet_submit", "GET", POST_ONLY, kwargs={"unit_code": A, "year": SELF}),
    Case(
        "sheet_submit",
        "A",
        outcome(DENIED, leader_a=Redirect(f"/phieu/{A}/{SELF}/", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": SELF},
        data={},
    ),
    Case(
        "sheet_submit",
        "B by A's leader",
        outcome(DENIED),
        method="POST",
        kwargs={"unit_code": B, "year": SELF},
        data={},
    ),
    Case("sheet_withdraw", "GET", POST_ONLY, kwargs={"unit_code": A, "year": SELF}),
    Case(
        "sheet_withdraw",
        "A submitted",
        outcome(DENIED, leader_a=Redirect(f"/phieu/{A}/{SELF}/", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": SELF},
        data={},
        prepare=submit_a,
    ),
    Case(
        "evidence_upload",
        "A's list",
        READS_A,
        kwargs={"unit_code": A, "year": SELF, "item_code": "1.1.1"},
    ),
    Case(
        "evidence_upload",
        "unknown item",
        outcome(MISSING, staff_b=DENIED),
        kwargs={"unit_code": A, "year": SELF, "item_code": "9.9"},
    ),
    Case(
        "evidence_upload",
        "upload to A",
        edits_a(Redirect(SAME, writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": SELF, "item_code": "1.2"},
        data=pdf_upload,
    ),
    Case(
        "evidence_download",
        "A's document",
        READS_A,
        kwargs={"unit_code": A, "year": SELF, "pk": pk("evidence_a")},
    ),
    Case(
        "evidence_download",
        "A's document under B's URL",
        outcome(MISSING, **each(UNIT_A, DENIED)),
        kwargs={"unit_code": B, "year": SELF, "pk": pk("evidence_a")},
    ),
    Case(
        "evidence_delete",
        "GET",
        POST_ONLY,
        kwargs={"unit_code": A, "year": SELF, "pk": pk("evidence_a")},
    ),
    Case(
        "evidence_delete",
        "A's document",
        edits_a(Redirect(f"/phieu/{A}/{SELF}/minh-chung/1.1.1/tai-len/", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": SELF, "pk": pk("evidence_a")},
        data={},
    ),
    Case(
        "evidence_delete",
        "A's document under B's URL",
        outcome(DENIED, staff_b=MISSING),
        method="POST",
        kwargs={"unit_code": B, "year": SELF, "pk": pk("evidence_a")},
        data={},
    ),
    Case(
        "item_history",
        "A's item",
        READS_A,
        kwargs={"unit_code": A, "year": SELF, "item_code": "1.1.1"},
    ),
    Case(
        "item_history",
        "A's item, published",
        READS_A,
        kwargs={"unit_code": A, "year": PUBLISHED, "item_code": "2.1"},
    ),
    # --- a linked rule item's value (issue 19): each side's own page; item 2.1 has no link
    Case(
        "value_source",
        "A's item, the unit's side",
        edits_a(MISSING),
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "2.1", "side": "unit"},
    ),
    Case(
        "value_source",
        "A's item, the appraisers' side",
        appraises(MISSING),
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "2.1", "side": "appraisal"},
    ),
    Case(
        "value_source",
        "override A's value, the unit's side",
        edits_a(MISSING),
        method="POST",
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "2.1", "side": "unit"},
        data={"value": "90", "reason": "Số liệu của Sở"},
    ),
    Case(
        "value_source",
        "an unknown side",
        outcome(MISSING),
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "2.1", "side": "khac"},
    ),
    # --- explanations: the unit's answer
    Case(
        "explanation_answer",
        "A's request",
        READS_A,
        kwargs={"unit_code": A, "year": APPRAISAL, "pk": pk("explanation_a")},
    ),
    Case(
        "explanation_answer",
        "A's request under B's URL",
        outcome(MISSING, **each(UNIT_A, DENIED)),
        kwargs={"unit_code": B, "year": APPRAISAL, "pk": pk("explanation_a")},
    ),
    Case(
        "explanation_answer",
        "answer A's request",
        edits_a(Redirect(SAME, writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": APPRAISAL, "pk": pk("explanation_a")},
        data={"answer": "Kế hoạch ban hành ngày 15/01, xem tệp đính kèm."},
    ),
    Case(
        "explanation_answer",
        "answer A's request under B's URL",
        outcome(MISSING, **each(UNIT_A, DENIED)),
        method="POST",
        kwargs={"unit_code": B, "year": APPRAISAL, "pk": pk("explanation_a")},
        data={"answer": "Giải trình giả mạo."},
    ),
    # --- appraisal
    Case(
        "appraisal_index",
        "page",
        outcome(DENIED, **each(READERS, Redirect(f"/tham-dinh/{APPRAISAL}/"))),
    ),
    Case("appraisal_list", "year", COUNCIL_READS, kwargs={"year": APPRAISAL}),
    Case("appraisal_sheet", "A", COUNCIL_READS, kwargs={"unit_code": A, "year": APPRAISAL}),
    Case(
        "appraisal_rule_points",
        "A",
        COUNCIL_READS,
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "1.1.1"},
        query="value-1.1.1=80",
    ),
    Case(
        "appraisal_sheet",
        "appraise A",
        appraises(Redirect(f"/tham-dinh/{A}/{APPRAISAL}/", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": APPRAISAL},
        data=appraisal_body(A),
    ),
    Case(
        "appraisal_sheet",
        "appraise the appraiser's own unit",
        admin_only(Redirect(f"/tham-dinh/{OWN}/{APPRAISAL}/", writes=True)),
        method="POST",
        kwargs={"unit_code": OWN, "year": APPRAISAL},
        data=appraisal_body(OWN),
    ),
    Case(
        "appraisal_request_explanation",
        "GET",
        POST_ONLY,
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "1.1.2"},
    ),
    Case(
        "appraisal_request_explanation",
        "ask A",
        appraises(Redirect(f"/tham-dinh/{A}/{APPRAISAL}/#item-1.1.2", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": APPRAISAL, "item_code": "1.1.2"},
        data={"question-1.1.2": "Đề nghị cung cấp báo cáo kết quả thực hiện kế hoạch."},
    ),
    Case(
        "appraisal_request_explanation",
        "ask the appraiser's own unit",
        admin_only(Redirect(f"/tham-dinh/{OWN}/{APPRAISAL}/#item-1.1.2", writes=True)),
        method="POST",
        kwargs={"unit_code": OWN, "year": APPRAISAL, "item_code": "1.1.2"},
        data={"question-1.1.2": "Đề nghị cung cấp báo cáo kết quả thực hiện kế hoạch."},
    ),
    Case(
        "appraisal_close_explanation",
        "GET",
        POST_ONLY,
        kwargs={"unit_code": A, "year": APPRAISAL, "pk": pk("explanation_a")},
    ),
    Case(
        "appraisal_close_explanation",
        "A's request",
        appraises(Redirect(f"/tham-dinh/{A}/{APPRAISAL}/#item-1.1.1", writes=True)),
        method="POST",
        kwargs={"unit_code": A, "year": APPRAISAL, "pk": pk("explanation_a")},
        data={},
    ),
    Case(
        "appraisal_close_explanation",
        "A's request under B's URL",
        appraises(MISSING),
        method="POST",
        kwargs={"unit_code": B, "year": APPRAISAL, "pk": pk("explanation_a")},
        data={},
    ),
    # --- survey
    Case("survey", "grid", COUNCIL_READS, kwargs={"year": APPRAISAL}),
    Case(
        "survey",
        "enter A's points",
        appraises(Redirect(f"/dieu-tra/{APPRAISAL}/", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL},
        data={f"s-{A}-3.1": "12"},
    ),
    Case(
        # The appraiser's grid has no cell of their own unit: the value is not taken.
        "survey",
        "enter the appraiser's own unit's points",
        outcome(
            DENIED,
            appraiser=Redirect(f"/dieu-tra/{APPRAISAL}/"),
            admin=Redirect(f"/dieu-tra/{APPRAISAL}/", writes=True),
        ),
        method="POST",
        kwargs={"year": APPRAISAL},
        data={f"s-{OWN}-3.1": "12"},
    ),
    Case("survey_import", "GET", POST_ONLY, kwargs={"year": APPRAISAL}),
    Case(
        # Leadership reaches the import (it reads the survey page) and the service refuses
        # every row: 400, nothing saved.
        "survey_import",
        "A's points",
        outcome(
            DENIED,
            leadership=BAD,
            **each(COUNCIL, Redirect(f"/dieu-tra/{APPRAISAL}/", writes=True)),
        ),
        method="POST",
        kwargs={"year": APPRAISAL},
        data=survey_csv(A),
    ),
    Case(
        "survey_import",
        "the appraiser's own unit's points",
        outcome(
            DENIED,
            leadership=BAD,
            appraiser=BAD,
            admin=Redirect(f"/dieu-tra/{APPRAISAL}/", writes=True),
        ),
        method="POST",
        kwargs={"year": APPRAISAL},
        data=survey_csv(OWN),
    ),
    # --- background work (jobs: their owner alone), health and metrics
    Case("background_work", "page", admin_only(OK)),
    Case("job", "the admin's job", outcome(MISSING, admin=OK), kwargs={"job": token("job")}),
    Case(
        "job_progress",
        "the admin's job",
        outcome(MISSING, admin=OK),
        kwargs={"job": token("job")},
    ),
    Case(
        "job_file",
        "the admin's file",
        outcome(MISSING, admin=OK),
        kwargs={"job": token("job")},
    ),
    Case("healthz", "the process", PUBLIC),
    Case("readyz", "the parts", PUBLIC, prepare=lambda world: OrmQ.objects.all().delete()),
    Case("metrics", "no METRICS_TOKEN", outcome(MISSING, anonymous=MISSING)),
    # --- years
    Case("year_manage", "page", admin_only(OK), kwargs={"year": APPRAISAL}),
    Case("year_open", "GET", POST_ONLY, kwargs={"year": PREPARING}),
    Case(
        "year_open",
        "preparing year",
        admin_only(Redirect(f"/nam/{PREPARING}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": PREPARING},
        data=deadline_body(30),
    ),
    Case("year_deadline", "GET", POST_ONLY, kwargs={"year": SELF}),
    Case(
        "year_deadline",
        "later",
        admin_only(Redirect(f"/nam/{SELF}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": SELF},
        data=deadline_body(45),
    ),
    Case("year_start_appraisal", "GET", POST_ONLY, kwargs={"year": SELF}),
    Case(
        "year_start_appraisal",
        "self-assessment year",
        admin_only(Redirect(f"/nam/{SELF}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": SELF},
        data={},
    ),
    Case("year_publish", "GET", POST_ONLY, kwargs={"year": APPRAISAL}),
    Case(
        "year_publish",
        "appraisal year",
        admin_only(Redirect(f"/nam/{APPRAISAL}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL},
        data={},
    ),
    Case("year_decision", "GET", POST_ONLY, kwargs={"year": APPRAISAL, "unit_code": A}),
    Case(
        "year_decision",
        "appraisal year",
        admin_only(Redirect(f"/nam/{APPRAISAL}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "unit_code": A},
        data={"reason": "Không nộp phiếu: chấm theo kết quả thẩm định."},
    ),
    Case("year_decision_withdraw", "GET", POST_ONLY, kwargs={"year": APPRAISAL, "unit_code": A}),
    Case(
        "year_decision_withdraw",
        "appraisal year",
        admin_only(Redirect(f"/nam/{APPRAISAL}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "unit_code": A},
        data={},
    ),
    Case("year_reopen", "GET", POST_ONLY, kwargs={"year": PUBLISHED}),
    Case(
        "year_reopen",
        "published year",
        admin_only(Redirect(f"/nam/{PUBLISHED}/quan-ly/", writes=True)),
        method="POST",
        kwargs={"year": PUBLISHED},
        data={"reason": "Sửa điểm tiêu chí 2.1 theo kết luận của Hội đồng."},
    ),
    # --- tracker
    Case(
        "tracker_index",
        "page",
        outcome(DENIED, **each(READERS, Redirect(f"/theo-doi/{APPRAISAL}/"))),
    ),
    Case("tracker", "year", COUNCIL_READS, kwargs={"year": APPRAISAL}),
    # --- dashboards
    Case("unit_profile", "published", PUBLIC, kwargs={"code": A}),
    Case("unit_profile", "in progress", PROVISIONAL, kwargs={"code": A}, query=f"year={APPRAISAL}"),
    Case("move_up", "published", PUBLIC, kwargs={"code": A, "year": PUBLISHED}),
    Case("move_up", "in progress", PROVISIONAL, kwargs={"code": A, "year": APPRAISAL}),
    Case("compare", "published", PUBLIC, query=f"from={EARLIER}&to={PUBLISHED}"),
    Case("compare", "in progress", PROVISIONAL, query=f"from={PUBLISHED}&to={APPRAISAL}"),
    Case("most_lost", "published", PUBLIC),
    Case("most_lost", "in progress", PROVISIONAL, query=f"year={APPRAISAL}"),
    # --- the related indices (issue 19): public pages and files; entering values is the admins'
    Case("index_ranking", "766", PUBLIC, kwargs={"code": "766"}, prepare=index_month),
    Case(
        "index_ranking",
        "unknown index",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"code": "XYZ"},
    ),
    Case(
        "index_open_data",
        "766 month",
        PUBLIC,
        kwargs={"code": "766", "period": "2026-10"},
        prepare=index_month,
    ),
    Case(
        "index_open_data",
        "a month without figures",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"code": "766", "period": "2026-09"},
        prepare=index_month,
    ),
    Case("province_standing", "page", PUBLIC),
    Case("index_enter_values", "page", admin_only(OK), kwargs={"code": "766"}, prepare=known_kinds),
    Case(
        "index_enter_values",
        "A's month typed",
        admin_only(Redirect("/chi-so/766/nhap/?done=2026-10", writes=True)),
        method="POST",
        kwargs={"code": "766"},
        data={"period": "2026-10", "rows": INDEX_ROWS},
        prepare=known_kinds,
    ),
    Case(
        "index_enter_values",
        "empty form",
        admin_only(BAD),
        method="POST",
        kwargs={"code": "766"},
        data={},
        prepare=known_kinds,
    ),
    # --- downloads
    Case("export_ranking", "published", PUBLIC, kwargs={"year": PUBLISHED, "fmt": "xlsx"}),
    Case("export_ranking", "in progress", PROVISIONAL, kwargs={"year": APPRAISAL, "fmt": "xlsx"}),
    Case(
        "export_comparison",
        "published",
        PUBLIC,
        kwargs={"fmt": "xlsx"},
        query=f"from={EARLIER}&to={PUBLISHED}",
    ),
    Case(
        "export_comparison",
        "in progress",
        PROVISIONAL,
        kwargs={"fmt": "xlsx"},
        query=f"from={PUBLISHED}&to={APPRAISAL}",
    ),
    Case("export_tracker", "year", COUNCIL_READS, kwargs={"year": APPRAISAL, "fmt": "xlsx"}),
    Case("export_sheet", "A", READS_A, kwargs={"unit_code": A, "year": SELF, "fmt": "xlsx"}),
    Case("report_self_assessment", "A", READS_A, kwargs={"unit_code": A, "year": SELF}),
    Case("report_results", "published", PUBLIC, kwargs={"year": PUBLISHED}),
    Case("report_results", "in progress", PROVISIONAL, kwargs={"year": APPRAISAL}),
    # --- the Excel round trip
    Case(
        "roundtrip",
        "A's self-assessment",
        edits_a(OK),
        kwargs={"kind": "tu-danh-gia", "unit_code": A, "year": SELF},
    ),
    Case(
        "roundtrip",
        "A's self-assessment, no file",
        edits_a(BAD),
        method="POST",
        kwargs={"kind": "tu-danh-gia", "unit_code": A, "year": SELF},
        data={},
    ),
    Case(
        "roundtrip",
        "A's appraisal",
        appraises(OK),
        kwargs={"kind": "tham-dinh", "unit_code": A, "year": APPRAISAL},
    ),
    Case(
        "roundtrip",
        "A's appraisal, no file",
        appraises(BAD),
        method="POST",
        kwargs={"kind": "tham-dinh", "unit_code": A, "year": APPRAISAL},
        data={},
    ),
    Case(
        "roundtrip",
        "the appraiser's own unit's appraisal",
        admin_only(OK),
        kwargs={"kind": "tham-dinh", "unit_code": OWN, "year": APPRAISAL},
    ),
    Case(
        "roundtrip",
        "unknown kind",
        outcome(MISSING),
        kwargs={"kind": "dieu-tra-khac", "unit_code": A, "year": SELF},
    ),
    Case(
        "roundtrip_download",
        "A's self-assessment",
        edits_a(OK),
        kwargs={"kind": "tu-danh-gia", "unit_code": A, "year": SELF},
    ),
    Case(
        "roundtrip_download",
        "A's appraisal",
        appraises(OK),
        kwargs={"kind": "tham-dinh", "unit_code": A, "year": APPRAISAL},
    ),
    Case(
        "roundtrip_confirm",
        "GET",
        POST_ONLY,
        kwargs={"kind": "tu-danh-gia", "unit_code": A, "year": SELF},
    ),
    Case(
        "roundtrip_confirm",
        "A's self-assessment without a preview",
        edits_a(Redirect(f"/nhap-excel/tu-danh-gia/{A}/{SELF}/")),
        method="POST",
        kwargs={"kind": "tu-danh-gia", "unit_code": A, "year": SELF},
        data={"nonce": "x"},
    ),
    Case(
        "roundtrip_confirm",
        "A's appraisal without a preview",
        appraises(Redirect(f"/nhap-excel/tham-dinh/{A}/{APPRAISAL}/")),
        method="POST",
        kwargs={"kind": "tham-dinh", "unit_code": A, "year": APPRAISAL},
        data={"nonce": "x"},
    ),
    Case("roundtrip_survey", "page", COUNCIL_READS, kwargs={"year": APPRAISAL}),
    Case(
        "roundtrip_survey",
        "no file",
        outcome(DENIED, **each(READERS, BAD)),
        method="POST",
        kwargs={"year": APPRAISAL},
        data={},
    ),
    Case("roundtrip_survey_download", "file", COUNCIL_READS, kwargs={"year": APPRAISAL}),
    Case("roundtrip_survey_confirm", "GET", POST_ONLY, kwargs={"year": APPRAISAL}),
    Case(
        "roundtrip_survey_confirm",
        "without a preview",
        outcome(DENIED, **each(READERS, Redirect(f"/nhap-excel/dieu-tra/{APPRAISAL}/"))),
        method="POST",
        kwargs={"year": APPRAISAL},
        data={"nonce": "x"},
    ),
    # --- the survey (survey/urls.py): public ballots, then the signed-in pages
    Case("survey:ballot_code", "page", PUBLIC),
    Case(
        "survey:ballot_code",
        "a code typed",
        outcome(Redirect("/ks/AB12CD/"), anonymous=Redirect("/ks/AB12CD/")),
        query="ma=ab12-cd",
    ),
    Case("survey:thanks", "page", PUBLIC),
    Case(
        "survey:ballot",
        "unused token",
        PUBLIC,
        kwargs={"code": token_code("survey_token")},
        prepare=lookups_fresh,
    ),
    Case(
        "survey:ballot",
        "answered",
        outcome(
            Redirect("/ks/cam-on/", writes=True), anonymous=Redirect("/ks/cam-on/", writes=True)
        ),
        method="POST",
        kwargs={"code": token_code("survey_token")},
        data=ballot_answers,
        prepare=lookups_fresh,
    ),
    Case(
        "survey:ballot",
        "used token",
        outcome(410, anonymous=410),
        kwargs={"code": token_code("used_token")},
        prepare=lookups_fresh,
    ),
    Case(
        "survey:ballot",
        "used token, answered again",
        outcome(410, anonymous=410),
        method="POST",
        kwargs={"code": token_code("used_token")},
        data=ballot_answers,
        prepare=lookups_fresh,
    ),
    Case(
        "survey:ballot",
        "unknown code",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"code": "KHONGCO99"},
        prepare=lookups_fresh,
    ),
    Case(
        "survey:ballot",
        "look-ups exhausted",
        outcome(429, anonymous=429),
        kwargs={"code": token_code("survey_token")},
        prepare=lookups_exhausted,
    ),
    Case("survey:open_ballot", "chooser", PUBLIC, kwargs={"key": link_key}),
    Case(
        "survey:open_ballot",
        "answered",
        outcome(
            Redirect("/ks/cam-on/", writes=True), anonymous=Redirect("/ks/cam-on/", writes=True)
        ),
        method="POST",
        kwargs={"key": link_key},
        query=f"unit={A}&respondent_type=nguoi_dan",
        data=ballot_answers,
    ),
    Case(
        "survey:open_ballot",
        "unknown key",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"key": "khong-co"},
    ),
    Case("survey:profile_notes", "A", PUBLIC, kwargs={"unit": A}, query=f"year={APPRAISAL}"),
    Case(
        "survey:profile_notes",
        "unknown unit",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"unit": "KHONGCO"},
    ),
    Case("survey:home", "year in appraisal", COUNCIL_READS, kwargs={"year": APPRAISAL}),
    Case("survey:upload", "GET", POST_ONLY, kwargs={"year": APPRAISAL}),
    Case(
        "survey:upload",
        "no file",
        admin_only(BAD),
        method="POST",
        kwargs={"year": APPRAISAL},
        data={},
    ),
    Case("survey:apply", "GET", POST_ONLY, kwargs={"year": APPRAISAL, "group": "SO"}),
    Case(
        "survey:apply",
        "the group's points",
        admin_only(Redirect(f"/khao-sat/{APPRAISAL}/", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "group": "SO"},
    ),
    Case("survey:tokens", "page", admin_only(OK), kwargs={"year": APPRAISAL, "group": "SO"}),
    Case(
        "survey:tokens",
        "QR sheet of A",
        admin_only(OK),
        kwargs={"year": APPRAISAL, "group": "SO"},
        query=f"unit={A}&respondent_type=nguoi_dan",
    ),
    Case(
        "survey:tokens",
        "issue two for A",
        admin_only(Redirect(f"{SURVEY}/ma-moi/?unit={A}&respondent_type=nguoi_dan", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "group": "SO"},
        data={"unit": A, "respondent_type": "nguoi_dan", "count": "2"},
    ),
    Case(
        "survey:tokens",
        "unknown group",
        outcome(DENIED, admin=MISSING),
        kwargs={"year": APPRAISAL, "group": "KHONGCO"},
    ),
    Case("survey:paper", "page", appraises(OK), kwargs={"year": APPRAISAL, "group": "SO"}),
    Case(
        "survey:paper",
        "A's ballots",
        appraises(OK),
        kwargs={"year": APPRAISAL, "group": "SO"},
        query=f"unit={A}&respondent_type=nguoi_dan",
    ),
    Case(
        "survey:paper",
        "a ballot of A",
        appraises(Redirect(SAME, writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "group": "SO"},
        query=f"unit={A}&respondent_type=nguoi_dan",
        data=paper_ballot("P-A-7"),
    ),
    Case(  # the appraiser's own unit: never typed by its own people
        "survey:paper",
        "the appraiser's own unit",
        outcome(DENIED, appraiser=MISSING, admin=OK),
        kwargs={"year": APPRAISAL, "group": "SO"},
        query=f"unit={OWN}&respondent_type=nguoi_dan",
    ),
    Case(
        "survey:paper",
        "a ballot of the appraiser's own unit",
        outcome(DENIED, appraiser=MISSING, admin=Redirect(SAME, writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "group": "SO"},
        query=f"unit={OWN}&respondent_type=nguoi_dan",
        data=paper_ballot("P-OWN-1"),
    ),
    Case("survey:mismatches", "page", admin_only(OK), kwargs={"year": APPRAISAL, "group": "SO"}),
    Case(
        "survey:settle",
        "page",
        admin_only(OK),
        kwargs={"year": APPRAISAL, "group": "SO", "pk": pk("mismatch")},
    ),
    Case(
        "survey:settle",
        "the paper's answers",
        admin_only(Redirect(f"{SURVEY}/nhap-lech/", writes=True)),
        method="POST",
        kwargs={"year": APPRAISAL, "group": "SO", "pk": pk("mismatch")},
        data=paper_ballot("P-B-1"),
    ),
    Case(
        "survey:unit",
        "A in appraisal",
        COUNCIL_READS,
        kwargs={"year": APPRAISAL, "group": "SO", "unit": A},
    ),
    Case(
        "survey:unit",
        "A once published",
        READS_A,
        kwargs={"year": APPRAISAL, "group": "SO", "unit": A},
        prepare=publish_appraisal,
    ),
    Case(
        "survey:aggregates_csv",
        "the survey's readers, any year",
        COUNCIL_READS,
        kwargs={"year": APPRAISAL, "group": "SO"},
    ),
    Case(
        "survey:open_aggregates_csv",
        "a year not published",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"year": APPRAISAL, "group": "SO"},
    ),
    Case(
        "survey:open_aggregates_csv",
        "once published",
        PUBLIC,
        kwargs={"year": APPRAISAL, "group": "SO"},
        prepare=publish_appraisal,
    ),
    Case(
        "survey:aggregates_xlsx",
        "the survey's readers, any year",
        COUNCIL_READS,
        kwargs={"year": APPRAISAL, "group": "SO"},
    ),
    Case(
        "survey:open_aggregates_xlsx",
        "a year not published",
        outcome(MISSING, anonymous=MISSING),
        kwargs={"year": APPRAISAL, "group": "SO"},
    ),
    Case(
        "survey:open_aggregates_xlsx",
        "once published",
        PUBLIC,
        kwargs={"year": APPRAISAL, "group": "SO"},
        prepare=publish_appraisal,
    ),
]


# --------------------------------------------------------------------------- the data


def build_world(media) -> SimpleNamespace:
    """Two published years (2021, 2022), one in self-assessment (2023, deadline in a month),
    one in appraisal (2024), one in preparation (2025); units A, B and the appraisers' own."""
    world = SimpleNamespace(media=media)
    earlier = make_year(EARLIER, state=YearState.APPRAISAL)
    published = make_year(PUBLISHED, state=YearState.APPRAISAL)
    in_self = make_year(SELF, self_assessment_deadline=timezone.now() + timedelta(days=30))
    in_appraisal = make_year(APPRAISAL, state=YearState.APPRAISAL)
    make_year(PREPARING, state=YearState.PREPARING)
    unit_a, unit_b, own = make_unit(A, "Sở Tư pháp"), make_unit(B, "Sở Xây dựng"), make_unit(OWN)
    world.people = personas(unit_a, unit_b, own)

    for year, lost in ((earlier, "15"), (published, "18")):
        for unit in (unit_a, unit_b):
            score(make_sheet(unit, year), **{**FULL_MARKS, "2.1": lost})
    AssessmentYear.objects.filter(year__in=(EARLIER, PUBLISHED)).update(
        state=YearState.PUBLISHED, published_at=timezone.now()
    )

    claim = [
        ScoreChange(code, self_points=Decimal("8" if code[0] == "1" else "16"))
        for code in APPRAISAL_CODES
    ]
    staff = {A: world.people["staff_a"], B: world.people["staff_b"]}
    for unit in (unit_a, unit_b):
        save_self_assessment(make_sheet(unit, in_self), claim, user=staff[unit.code])
    with override_settings(MEDIA_ROOT=media):
        for name, unit in (("evidence_a", unit_a), ("evidence_b", unit_b)):
            document = add_evidence(
                sheet_for(unit, in_self),
                "1.1.1",
                SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf"),
                user=staff[unit.code],
            )
            setattr(world, name, document)

    # Being appraised: the claims, and the first appraisal points (what gives a unit a result).
    appraised = [
        *claim[1:],
        ScoreChange(claim[0].item_code, self_points=Decimal("8"), points=Decimal("8")),
    ]
    for unit in (unit_a, unit_b, own):
        apply_score_changes(make_sheet(unit, in_appraisal), appraised, source="test")
    for name, unit in (("explanation_a", unit_a), ("explanation_b", unit_b)):
        explanation = request_explanation(
            sheet_for(unit, in_appraisal),
            "1.1.1",
            "Đề nghị gửi quyết định ban hành kế hoạch.",
            user=world.people["appraiser"],
            domains=appraised_domains(world.people["appraiser"], sheet_for(unit, in_appraisal)),
        )
        setattr(world, name, explanation)
    # Publishable: every unit left open is let through by a recorded decision.
    decide_open_units(in_appraisal, world.people["admin"])
    # A finished export of the admin's, its file kept for the day.
    world.job = Job.objects.create(
        owner=world.people["admin"],
        kind="results_report",
        title="Báo cáo kết quả",
        state=JobState.DONE,
        result_name="jobs/matrix/result",
        result_filename="bao-cao.docx",
        expires_at=timezone.now() + timedelta(days=1),
    )
    FileSystemStorage(location=media).save("jobs/matrix/result", ContentFile(b"PK docx"))
    build_survey(world, in_appraisal, unit_a, unit_b)
    return world


def build_survey(world, year, unit_a, unit_b) -> None:
    """The year in appraisal's questionnaire of group SO (one question on item 3.1, the open
    link on), an unused and a used invitation token of unit A, and a paper ballot of unit B
    typed twice with different answers (an unsettled mismatch)."""
    from survey import services as survey
    from survey.models import Channel, Questionnaire, RespondentType

    survey.ensure_default_types()
    rows = "code,item_code,text,options\nQ1,3.1,Thủ tục có dễ tìm không?,A=100 B=0\n"
    survey.import_questionnaire(rows.encode(), year, unit_a.group)
    Questionnaire.objects.filter(year=year, group=unit_a.group).update(open_link=True)
    world.questionnaire = Questionnaire.objects.get(year=year, group=unit_a.group)
    world.question = world.questionnaire.questions.get(code="Q1")
    citizen = RespondentType.objects.get(code="nguoi_dan")
    world.survey_token, world.used_token = survey.issue_tokens(
        world.questionnaire, unit_a, citizen, 2
    )
    survey.cast_ballot(
        world.questionnaire,
        unit_a,
        citizen,
        {"Q1": "B"},
        channel=Channel.ONLINE,
        token=world.used_token,
    )
    world.used_token.refresh_from_db()
    clerk = world.people["appraiser"]
    survey.cast_ballot(
        world.questionnaire,
        unit_b,
        citizen,
        {"Q1": "A"},
        channel=Channel.PAPER,
        user=clerk,
        reference="P-B-1",
    )
    world.mismatch = survey.verify_paper_ballot(
        world.questionnaire, unit_b, citizen, "P-B-1", {"Q1": "B"}, user=world.people["admin"]
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_world(media)
        transaction.set_rollback(True)


def snapshot() -> dict:
    """Every row of the portal's own tables, their history tables included."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for app in ("scoring", "units", "indices", "survey")
        for model in apps.get_app_config(app).get_models()
    }


def resolve(value, world):
    return value(world) if callable(value) else value


def request(case: Case, world, persona: str):
    """One request in a savepoint rolled back afterwards: (response, path, rows changed)."""
    client = Client()
    if persona != "anonymous":
        client.force_login(world.people[persona])
    kwargs = {name: resolve(value, world) for name, value in case.kwargs.items()}
    path = reverse(case.route, kwargs=kwargs)
    url = f"{path}?{case.query}" if case.query else path
    with transaction.atomic():
        if case.prepare:
            case.prepare(world)
        if case.method == "GET":
            response = client.get(url)
            changed = None
        else:
            before = snapshot()
            response = client.post(url, resolve(case.data, world) or {})
            changed = snapshot() != before
        transaction.set_rollback(True)
    return response, url, changed


def described(response, url: str, changed) -> object:
    """The response in the terms of the table: a status, LOGIN or Redirect(to, writes)."""
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location == f"/tai-khoan/login/?next={quote(url, safe='/')}":
        return LOGIN
    return Redirect(location, writes=bool(changed))


def expected(case: Case, url: str) -> dict:
    """The case's table with SAME spelled out as the URL requested."""
    return {
        persona: Redirect(url, result.writes)
        if isinstance(result, Redirect) and result.to == SAME
        else result
        for persona, result in case.expected.items()
    }


# --------------------------------------------------------------------------- tests


def test_every_named_route_of_the_portal_has_its_cases_in_the_matrix():
    names, unnamed = named_routes()
    covered = {case.route for case in CASES}

    assert unnamed == [], "routes without a name cannot be put in the permission matrix"
    assert sorted(names - covered - set(NOT_IN_MATRIX)) == [], (
        "add these routes to CASES in tests/test_permission_matrix.py"
    )
    assert sorted(covered - names) == [], "CASES name routes that no longer exist"
    assert sorted(set(NOT_IN_MATRIX) - names) == []


def test_every_case_has_a_unique_id_and_an_outcome_for_each_persona():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert set(case.expected) == set(PERSONAS), case.id


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_persona_gets_what_the_matrix_says(case, world, settings):
    settings.MEDIA_ROOT = world.media
    got = {}
    for persona in PERSONAS:
        response, url, changed = request(case, world, persona)
        got[persona] = described(response, url, changed)
        if case.method == "POST" and not isinstance(got[persona], Redirect):
            assert changed is False, f"{persona} got {got[persona]} yet data changed"

    assert got == expected(case, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("staff_a", {"Lưu nháp": True, "Gửi phiếu (lãnh đạo đơn vị)": False}),
        ("leader_a", {"Lưu nháp": True, "Gửi phiếu (lãnh đạo đơn vị)": True}),
        ("appraiser", {"Lưu nháp": False, "Gửi phiếu (lãnh đạo đơn vị)": False}),
        ("leadership", {"Lưu nháp": False, "Gửi phiếu (lãnh đạo đơn vị)": False}),
        ("admin", {"Lưu nháp": False, "Gửi phiếu (lãnh đạo đơn vị)": False}),
    ],
)
def test_the_sheet_offers_saving_and_submitting_only_to_those_the_matrix_lets_post(
    world, persona, offered
):
    # An admin is a superuser: Django's has_perm would say yes to everything, the rules do not.
    client = Client()
    client.force_login(world.people[persona])
    html = client.get(f"/phieu/{A}/{SELF}/").content.decode()

    assert {text: text in html for text in offered} == offered
