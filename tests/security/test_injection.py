"""Nothing injected reaches a page: every user-editable text and every imported cell is escaped.

Script tags, links, an image with an error handler and attribute-breaking quotes go into unit
and group names, item names and guidance, band labels, notes, reasons, explanation questions and
answers, report texts, file names, people's names, lineage notes and imported files; then every
page of the portal (and the admin's pages of those objects) is loaded by each persona and parsed
with html.parser: no script other than the static files and json_script data, no link to the
attacker, no event-handler attribute, no injected image.
"""

from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    Framework,
    Item,
    ItemCrosswalk,
    Score,
    Sheet,
    YearState,
    YearTransition,
)
from scoring.services.frameworks import set_bands
from scoring.services.scores import ScoreChange, apply_score_changes, get_or_create_sheet
from tests.factories import FRAMEWORK_ROWS, csv_file, make_group, personas
from tests.security.test_headers import portal_routes
from units.models import LineageEvent, LineageKind, Unit, UnitName

PAYLOAD = (
    '<script>alert("xss")</script><a href="http://evil.example/">bấm vào</a>'
    "<img src=x onerror=alert(1)>\" onmouseover=\"alert(2)' onfocus='alert(3)"
)
SHORT = "<script>alert(4)</script>\"'<a href=http://evil.x>"  # fits 50-character fields


def hostile(label: str) -> str:
    return f"{label} {PAYLOAD}"


class PageChecker(HTMLParser):
    """Collects what would execute or link to the attacker; counts payloads shown as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.shown = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            own = src.startswith("/") and not src.startswith("//")  # /static/…, /admin/jsi18n/
            if not (own or values.get("type") == "application/json"):
                self.problems.append(f"<script {values}>")
        if tag == "a" and (values.get("href") or "").startswith("http://evil"):
            self.problems.append(f"link {values['href']}")
        if tag == "img" and values.get("src") == "x":
            self.problems.append("<img src=x>")
        self.problems += [f"<{tag} {name}=…>" for name in values if name.startswith("on")]

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.shown += data.count("alert(")


def check(response) -> PageChecker:
    checker = PageChecker()
    if response.get("Content-Type", "").startswith("text/html"):
        checker.feed(response.content.decode())
    return checker


@pytest.fixture
def province(db, tmp_path):
    year = AssessmentYear.objects.create(
        year=2023, state=YearState.PREPARING, owner_name=hostile("Tỉnh")
    )
    group = make_group("SO")
    group.name = hostile("Khối sở")
    group.save()
    # The framework and the units come in through the importers, hostile cells and all.
    framework_csv = csv_file(
        tmp_path,
        [
            ["code", "name", "max_points", "method", "guidance"],
            *(
                [code, hostile(name), "" if top is None else str(top), method, hostile("Cách chấm")]
                for code, name, top, method in FRAMEWORK_ROWS
            ),
        ],
        name="framework.csv",
    )
    call_command("import_framework", framework_csv, year=2023, group="SO", verbosity=0)
    framework = Framework.objects.get(year=year, group=group)
    set_bands(year, group, [(SHORT, D(90)), ("Khá", D(80)), ("Trung bình", D(65)), ("Yếu", D(0))])
    units_csv = csv_file(
        tmp_path,
        [
            ["code", "name", "group"],
            ["STP", hostile("Sở Tư pháp"), "SO"],
            ["SXD", hostile("Sở Xây dựng"), "SO"],
            ["SNV", hostile("Sở Nội vụ"), "SO"],
        ],
    )
    call_command("import_units", units_csv, verbosity=0)
    stp, sxd, snv = (Unit.objects.get(code=code) for code in ("STP", "SXD", "SNV"))
    UnitName.objects.create(unit=sxd, from_year=2023, name=hostile("Tên mới"))
    event = LineageEvent.objects.create(
        year=2023, kind=LineageKind.RENAME, new_name=hostile("Tên"), note=hostile("Ghi chú")
    )
    event.predecessors.add(sxd)
    event.successors.add(sxd)
    people = personas(stp, sxd, snv)
    for user in people.values():
        user.first_name, user.last_name = hostile("Nguyễn"), SHORT
        user.save()
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.SELF_ASSESSMENT)
    year.refresh_from_db()

    marks = {"1.1.1": 9, "1.1.2": 8, "1.2": 10, "2.1": 15, "2.2": 20, "3.1": 12, "3.2": 13}
    for unit in (stp, sxd, snv):
        sheet = get_or_create_sheet(unit, year)
        changes = [
            ScoreChange(
                code,
                self_points=None if code.startswith("3.") else D(value),
                points=D(value),
                note=hostile("Ghi chú"),
                reason=hostile("Lý do"),
            )
            for code, value in marks.items()
        ]
        apply_score_changes(sheet, changes, source="test", user=people["staff_a"])
    Sheet.objects.update(difficulties=hostile("Khó khăn"), proposals=hostile("Đề xuất"))
    score = Score.objects.get(sheet__unit=stp, item__code="1.1.1")
    explanation = ExplanationRequest.objects.create(
        score=score,
        question=hostile("Câu hỏi"),
        answer=hostile("Giải trình"),
        requested_by=people["appraiser"],
        answered_by=people["staff_a"],
        answered_at=timezone.now(),
    )
    document = Evidence(
        score=score,
        original_name=hostile("Tài liệu") + ".pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=people["staff_a"],
    )
    document.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    YearTransition.objects.create(
        year=year,
        from_state=YearState.PREPARING,
        to_state=YearState.SELF_ASSESSMENT,
        reason=hostile("Lý do mở"),
        by=people["admin"],
    )
    first = Item.objects.filter(framework=framework, code="1.2").first()
    ItemCrosswalk.objects.create(from_item=first, to_item=first, note=hostile("Ghi chú"))
    return {"year": year, "people": people, "evidence": document, "explanation": explanation}


def urls(province) -> list[str]:
    out = []
    for name, kwargs in portal_routes():
        values = dict(kwargs)
        if "pk" in values:
            source = province["evidence"] if "evidence" in name else province["explanation"]
            values["pk"] = source.pk
        for key in ("unit_code", "code"):
            if key in values:
                values[key] = "STP"
        out.append(reverse(name, kwargs=values))
    return out


def walk(client, addresses) -> tuple[list[str], int]:
    problems, shown = [], 0
    for url in addresses:
        checker = check(client.get(url))
        problems += [f"{url}: {problem}" for problem in checker.problems]
        shown += checker.shown
    return problems, shown


@pytest.mark.parametrize("state", [YearState.APPRAISAL, YearState.PUBLISHED])
@pytest.mark.parametrize("persona", ["admin", "staff_a", "appraiser", "leadership", None])
def test_no_page_runs_or_links_what_users_typed_or_imported(client, province, state, persona):
    AssessmentYear.objects.filter(pk=province["year"].pk).update(state=state)
    if persona:
        client.force_login(province["people"][persona])
    problems, shown = walk(client, urls(province))
    assert problems == []
    # The texts were shown (escaped), so the check saw them; visitors see nothing before the
    # results are published.
    assert shown >= (0 if persona is None and state != YearState.PUBLISHED else 10)


def test_the_admin_pages_of_those_objects_escape_them_too(client, province):
    client.force_login(province["people"]["admin"])
    addresses = []
    for model in admin.site._registry:
        meta = model._meta
        addresses.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        obj = model._default_manager.first()
        if obj is not None:
            addresses.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            )
    problems, shown = walk(client, addresses)
    assert problems == []
    assert shown >= 20


def test_a_hostile_cell_in_an_imported_survey_file_comes_back_escaped(client, province, tmp_path):
    AssessmentYear.objects.filter(pk=province["year"].pk).update(state=YearState.APPRAISAL)
    client.force_login(province["people"]["admin"])
    path = csv_file(tmp_path, [["unit_code", "item_code", "points"], [SHORT, "3.1", PAYLOAD]])
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile("dieu-tra.csv", handle.read(), content_type="text/csv")
    response = client.post(reverse("survey_import", args=[2023]), {"file": upload})
    checker = check(response)
    assert checker.problems == []
    assert checker.shown >= 1


def test_a_hostile_note_sent_back_with_an_invalid_sheet_is_escaped(client, province):
    client.force_login(province["people"]["staff_a"])
    page = client.get(reverse("sheet", args=["STP", 2023]))
    version = page.context["form"]["version"].value()
    response = client.post(
        reverse("sheet", args=["STP", 2023]),
        {
            "version": version,
            "self_points-1.1.1": "không phải số",
            "note-1.1.1": PAYLOAD,
            "difficulties": PAYLOAD,
            "proposals": PAYLOAD,
        },
    )
    checker = check(response)
    assert response.status_code in (200, 400)
    assert checker.problems == []
    assert checker.shown >= 2


def test_a_hostile_file_name_in_a_refusal_is_escaped(client, province):
    client.force_login(province["people"]["staff_a"])
    upload = SimpleUploadedFile(SHORT + ".pdf", b"<html><script>alert(5)</script>", "text/html")
    response = client.post(
        reverse("evidence_upload", args=["STP", 2023, "1.1.1"]), {"file": upload}
    )
    checker = check(response)
    assert checker.problems == []


def test_the_checker_finds_what_an_unescaped_payload_would_do():
    checker = PageChecker()
    checker.feed(f"<p title='{PAYLOAD}'>{PAYLOAD}</p>")
    assert checker.problems == [
        "<p onfocus=…>",
        "<script {}>",
        "link http://evil.example/",
        "<img src=x>",
        "<img onerror=…>",
    ]
