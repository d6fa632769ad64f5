"""The unit's pages: my sheets, the self-assessment sheet, submission, evidence and history.

Every view loads its sheet through `loading.load_sheet` (the unit and year in the URL, then the
permission check), so a forged unit, item or document id never reaches another unit's data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.requests import accepts_upload, answer_request_bytes
from scoring.duties import UNIT_ROLES, request_duties
from scoring.forms.sheet import EvidenceUploadForm, SelfAssessmentForm
from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Evidence,
    Framework,
    Item,
    Method,
    Result,
    Score,
    Sheet,
    YearState,
)
from scoring.permissions import may, memberships, require, sees_appraisal
from scoring.selectors.fragments import cached_rows, joined, stored_fields
from scoring.selectors.sheets import score_history, self_totals, sheet_explanations, sheet_for
from scoring.selectors.versions import sheet_as_it_was, sheet_replacement
from scoring.services import evidence
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.services.self_assessment import (
    add_evidence_files,
    missing_for_submission,
    remove_evidence,
    save_self_assessment,
    self_assessment_lock_reason,
    submit_refusal,
    submit_sheet,
    withdraw_refusal,
    withdraw_sheet,
)
from scoring.views.loading import load_evidence, load_framework, load_item, load_sheet

# --------------------------------------------------------------------------- loading


def _items_and_scores(sheet: Sheet) -> tuple[list[Item], dict[int, Score]]:
    items = list(load_framework(sheet).items.all())
    scores = {score.item_id: score for score in sheet.scores.all()} if sheet.pk else {}
    return items, scores


def _sheet_url(sheet: Sheet) -> str:
    return reverse("sheet", args=[sheet.unit.code, sheet.year.year])


# --------------------------------------------------------------------------- my sheets


@login_required
def my_sheets(request):
    """The units the user works for, what each has to do and by when (`scoring.duties`), and
    their sheet of every open year."""
    units = {m.unit_id: m.unit for m in memberships(request.user) if m.role in UNIT_ROLES}
    roles = defaultdict(list)
    for m in memberships(request.user):
        if m.unit_id in units:
            roles[m.unit_id].append(m.get_role_display())
    years = list(AssessmentYear.objects.exclude(state=YearState.PREPARING))
    frameworks = set(Framework.objects.filter(year__in=years).values_list("year_id", "group_id"))
    sheets = {
        (s.unit_id, s.year_id): s
        for s in Sheet.objects.filter(unit_id__in=units, year__in=years).select_related(
            "submitted_by"
        )
    }
    summary = request_duties(request)
    duties = {unit_duties.unit.pk: unit_duties for unit_duties in summary.units}
    rows = [
        {
            "unit": unit,
            "roles": roles[unit.pk],
            "duties": duties.get(unit.pk),
            "years": [
                {"year": year, "sheet": sheets.get((unit.pk, year.pk))}
                for year in years
                if unit.exists_in(year.year) and (year.pk, unit.group_id) in frameworks
            ],
        }
        for unit in sorted(units.values(), key=lambda u: u.code)
    ]
    return render(request, "scoring/my_sheets.html", {"rows": rows, "summary": summary})


# --------------------------------------------------------------------------- the sheet


@dataclass
class Row:
    item: Item
    score: Score | None
    documents: list[Evidence]
    fields: dict | None
    # The old items' values shown beside a split or merged item (`selectors.versions`).
    beside: list = field(default_factory=list)


@dataclass
class Count:
    done: int = 0
    total: int = 0

    @property
    def left(self) -> int:
        return self.total - self.done


@dataclass
class Progress:
    """How far the unit is: appraisal items answered (points or not applicable) and required
    evidence present, over the sheet and per domain. The same rule as `missing_for_submission`,
    on what is typed (the running preview) as well as what is saved."""

    answered: Count = field(default_factory=Count)
    evidence: Count = field(default_factory=Count)
    domains: dict[str, Count] = field(default_factory=dict)


def _progress(items, values, evidence_counts: dict[int, int]) -> Progress:
    """`values`: item code → (self points, not applicable); `evidence_counts`: item id → files."""
    progress = Progress()
    for item in items:
        if not item.is_scored or item.method == Method.SURVEY:
            continue
        points, na = values.get(item.code, (None, False))
        if item.method in EXTRA_METHODS:
            # A bonus or deduction item is claimed only when it applies: never counted as left
            # to do; its required evidence only once points are claimed.
            if item.evidence_required and points:
                progress.evidence.total += 1
                if evidence_counts.get(item.id):
                    progress.evidence.done += 1
            continue
        answered = na or points is not None
        domain = progress.domains.setdefault(item.domain_code, Count())
        domain.total += 1
        progress.answered.total += 1
        if answered:
            domain.done += 1
            progress.answered.done += 1
        if item.evidence_required and not na:
            progress.evidence.total += 1
            if evidence_counts.get(item.id):
                progress.evidence.done += 1
    return progress


def _evidence_counts(sheet: Sheet) -> dict[int, int]:
    """Evidence files per item id of a sheet (one query)."""
    counts: dict[int, int] = defaultdict(int)
    if sheet.pk:
        for item_id in Evidence.objects.filter(score__sheet=sheet).values_list(
            "score__item_id", flat=True
        ):
            counts[item_id] += 1
    return counts


@dataclass
class DomainBlock:
    item: Item
    self_total: object = None
    is_survey: bool = False
    progress: Count | None = None
    rows: list[Row] = field(default_factory=list)
    # The rows drawn (`_draw_rows`), or empty: the page includes each row's template.
    html: str = ""


def _domain_heads(items, totals, progress: Progress) -> list[DomainBlock]:
    return [
        DomainBlock(
            item=item,
            self_total=totals.domains.get(item.code),
            is_survey=item.method == Method.SURVEY,
            progress=progress.domains.get(item.code),
        )
        for item in items
        if item.parent_id is None
    ]


def _domain_blocks(items, scores, documents_by_score, form, totals, progress) -> list[DomainBlock]:
    blocks = {block.item.code: block for block in _domain_heads(items, totals, progress)}
    for item in items:
        score = scores.get(item.id)
        blocks[item.domain_code].rows.append(
            Row(
                item=item,
                score=score,
                documents=documents_by_score.get(score.id, []) if score else [],
                fields=form.fields_for(item) if form is not None and item.is_scored else None,
            )
        )
    return list(blocks.values())


def _blockers(domains: list[DomainBlock], missing_points, missing_evidence) -> list[dict]:
    """What stops the submission, grouped by domain: the items without self points and those
    missing a required document, in the sheet's order (the page links to each)."""
    no_points, no_evidence = set(missing_points), set(missing_evidence)
    groups = []
    for domain in domains:
        points = [row.item for row in domain.rows if row.item.code in no_points]
        evidence = [row.item for row in domain.rows if row.item.code in no_evidence]
        if points or evidence:
            groups.append({"domain": domain.item, "points": points, "evidence": evidence})
    return groups


def _render_sheet(request, sheet, items, scores, *, form=None, stale=None, status=200):
    user = request.user
    can_edit = may(user, "scoring.edit_self_assessment", sheet)
    lock_reason = self_assessment_lock_reason(sheet)
    if can_edit and lock_reason is None and form is None:
        # The page's form: the version and the report; each row's inputs come with its drawing
        # (`_draw_rows`), none for the rows read from the cache.
        form = SelfAssessmentForm(items=[], scores=scores, sheet=sheet)
    if lock_reason is not None:
        form = None
    documents_by_score = defaultdict(list)
    if sheet.pk:
        for document in Evidence.objects.filter(score__sheet=sheet):
            documents_by_score[document.score_id].append(document)
    if form is not None and form.is_bound:
        values = form.values()
    else:
        values = {
            item.code: (scores[item.id].self_points, scores[item.id].not_applicable)
            for item in items
            if item.id in scores
        }
    totals = self_totals(items, values, sheet.year.rounding, sheet.year.decimals)
    progress = _progress(
        items,
        values,
        {
            item.id: len(documents_by_score.get(scores[item.id].id, []))
            for item in items
            if item.id in scores
        },
    )
    appraisal_shown = sees_appraisal(user, sheet)
    is_leader = may(user, "scoring.submit_sheet", sheet)
    missing_points, missing_evidence = missing_for_submission(
        items, scores, {sid: len(docs) for sid, docs in documents_by_score.items()}
    )
    domains = _domain_blocks(items, scores, documents_by_score, form, totals, progress)
    replacement = sheet_replacement(sheet)
    if replacement is not None:
        for domain in domains:
            for row in domain.rows:
                row.beside = replacement.beside.get(row.item.id, [])
    if form is None or not form.is_bound:
        # Nothing typed to show again: each row as it was drawn for the same values.
        _draw_rows(request, sheet, domains, form, appraisal_shown, scores)
    context = {
        "replacement": replacement,
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "form": form,
        "domains": domains,
        "totals": totals,
        "progress": progress,
        "result": (
            Result.objects.filter(unit=sheet.unit, year=sheet.year).first()
            if appraisal_shown and sheet.pk
            else None
        ),
        "sees_appraisal": appraisal_shown,
        "can_edit": can_edit,
        "lock_reason": lock_reason if can_edit else None,
        "can_submit": is_leader and submit_refusal(sheet) is None,
        "can_withdraw": is_leader and withdraw_refusal(sheet) is None,
        "missing_points": missing_points,
        "missing_evidence": missing_evidence,
        "blockers": _blockers(domains, missing_points, missing_evidence),
        "stale": stale,
        "evidence_forms": _evidence_forms(request, sheet, items) if form is not None else "",
        "explanations": sheet_explanations(sheet),
        "max_bytes": evidence.max_bytes_label(),
        "max_files": settings.ANSWER_MAX_FILES,
    }
    return render(request, "scoring/sheet/sheet.html", context, status=status)


ROW_TEMPLATE = "scoring/sheet/_row.html"
ROW_INCLUDES = (
    "scoring/sheet/_item.html",
    "scoring/sheet/_rule_points.html",
    "scoring/value_source/_line.html",
    "scoring/sheet/_evidence.html",
)


def _row_signature(row: Row, editable: bool) -> tuple[object, ...]:
    """Everything `_row.html` reads of a row: a change of any draws the row again. `editable`:
    the page has a form (the row then has inputs if the form claims its item)."""
    return (
        stored_fields(row.item),
        stored_fields(row.score),
        [
            (document.pk, document.original_name, document.explanation_id)
            for document in row.documents
        ],
        repr(row.beside),
        editable and SelfAssessmentForm.claims(row.item),
    )


def _draw_rows(
    request, sheet: Sheet, domains: list[DomainBlock], form, sees: bool, scores: dict[int, Score]
) -> None:
    """Each domain's rows' HTML, from the cache where unchanged (`selectors.fragments`); the
    inputs are an unbound form's (the stored values, which the signature holds), built for the
    rows drawn only. The page writes each domain's rows as one piece: a loop over 200 rows in
    the page's template was a fifth of its time."""

    def give_fields(missing: list[Row]) -> None:
        if form is None:
            return
        drawn = SelfAssessmentForm(items=[row.item for row in missing], scores=scores, sheet=sheet)
        for row in missing:
            row.fields = drawn.fields_for(row.item) if row.item.is_scored else None

    shown = [
        [row for row in domain.rows if row.item.is_scored or row.item.parent_id]
        for domain in domains
    ]
    rows = [row for domain_rows in shown for row in domain_rows]
    drawn = iter(
        cached_rows(
            request,
            ROW_TEMPLATE,
            rows,
            context={"unit": sheet.unit, "year": sheet.year, "form": form, "sees_appraisal": sees},
            shared=(sheet.unit.code, sheet.year.year, sheet.year.decimals, sees, form is not None),
            signature=lambda row: _row_signature(row, form is not None),
            templates=ROW_INCLUDES,
            prepare=give_fields,
        )
    )
    for domain, domain_rows in zip(domains, shown, strict=True):
        domain.html = joined(next(drawn) for _row in domain_rows)


def _evidence_forms(request, sheet: Sheet, items: list[Item]) -> str:
    """The hidden evidence forms of an editable sheet, one per item taking documents, from the
    cache while the items are the same (300 URLs reversed on every page before)."""
    targets = [
        (item.pk, item.code) for item in items if item.is_scored and item.method != Method.SURVEY
    ]
    (html,) = cached_rows(
        request,
        "scoring/sheet/_evidence_forms.html",
        [targets],
        context={"unit": sheet.unit, "year": sheet.year},
        shared=(sheet.unit.code, sheet.year.year),
        signature=lambda row: tuple(row),
    )
    return html


@login_required
def sheet(request, unit_code: str, year: int):
    """The self-assessment sheet: editable by the unit while open, read-only otherwise."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    items, scores = _items_and_scores(sheet)
    if request.method != "POST":
        return _render_sheet(request, sheet, items, scores)
    require(request.user, "scoring.edit_self_assessment", sheet)
    reason = self_assessment_lock_reason(sheet)
    if reason:
        messages.error(request, reason)
        return redirect(_sheet_url(sheet))
    form = SelfAssessmentForm(request.POST, items=items, scores=scores, sheet=sheet)
    if not form.is_valid():
        return _render_sheet(request, sheet, items, scores, form=form)
    try:
        save_self_assessment(
            sheet,
            form.changes(),
            user=request.user,
            expected_version=form.cleaned_data["version"],
            difficulties=form.cleaned_data["difficulties"],
            proposals=form.cleaned_data["proposals"],
        )
    except StaleSheetError:
        return _render_stale(request, sheet, form)
    except ServiceError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render_sheet(request, sheet, items, scores, form=form)
    messages.success(request, _("Đã lưu nháp phiếu tự đánh giá."))
    return redirect(_sheet_url(sheet))


def _shown(kind: str, value, decimals: int = 2) -> str:
    if kind == "points":
        return "–" if value is None else number_format(value, decimals)
    if kind == "value":
        return "–" if value is None else number_format(value.normalize())
    if kind == "bool":
        return _("Có") if value else _("Không")
    return value or "–"


def _render_stale(request, sheet, form):
    """Refuse a save made from an older version: show what is stored now, keep what was typed.

    The form comes back with the current version, so saving again (after reading the newer
    values) is a deliberate choice, never a silent overwrite.
    """
    fresh = sheet_for(sheet.unit, sheet.year)
    items, scores = _items_and_scores(fresh)
    typed = form.cleaned_data
    newer = []
    for item in form.claimed_items:
        score = scores.get(item.id)
        for name, label, kind, stored in (
            ("self_value", _("Giá trị tự đánh giá"), "value", score.self_value if score else None),
            ("self_points", _("Điểm tự đánh giá"), "points", score.self_points if score else None),
            ("na", _("Không áp dụng"), "bool", bool(score and score.not_applicable)),
            ("note", _("Ghi chú"), "text", score.note if score else ""),
        ):
            key = f"{name}-{item.code}"
            if key in typed and typed[key] != stored:
                newer.append(
                    {
                        "code": item.code,
                        "label": label,
                        "stored": _shown(kind, stored, fresh.year.decimals),
                        "typed": _shown(kind, typed[key], fresh.year.decimals),
                    }
                )
    for name, label in (
        ("difficulties", _("Khó khăn, vướng mắc")),
        ("proposals", _("Đề xuất, kiến nghị")),
    ):
        if typed[name] != getattr(fresh, name):
            newer.append(
                {
                    "code": "",
                    "label": label,
                    "stored": _shown("text", getattr(fresh, name)),
                    "typed": _shown("text", typed[name]),
                }
            )
    data = request.POST.copy()
    data["version"] = str(fresh.version)
    rebound = SelfAssessmentForm(data, items=items, scores=scores, sheet=fresh)
    rebound.is_valid()
    return _render_sheet(request, fresh, items, scores, form=rebound, stale=newer, status=409)


@login_required
@require_POST
def sheet_preview(request, unit_code: str, year: int):
    """Running totals of what is typed, not saved (htmx), through the official calculation."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.edit_self_assessment")
    items, scores = _items_and_scores(sheet)
    form = SelfAssessmentForm(request.POST, items=items, scores=scores, sheet=sheet)
    form.is_valid()
    values = form.values()
    totals = self_totals(items, values, sheet.year.rounding, sheet.year.decimals)
    progress = _progress(items, values, _evidence_counts(sheet))
    return render(
        request,
        "scoring/sheet/_totals.html",
        {
            "totals": totals,
            "progress": progress,
            "domains": _domain_heads(items, totals, progress),
            # Each rule item's points from the typed value, by the rule (swapped out of band).
            "rule_rows": form.rule_rows(),
            "decimals": sheet.year.decimals,
            "year": sheet.year,
            "oob": True,
            "preview": True,
        },
    )


@login_required
@require_POST
def submit(request, unit_code: str, year: int):
    sheet = load_sheet(request.user, unit_code, year, "scoring.submit_sheet")
    try:
        submit_sheet(sheet, user=request.user)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã gửi phiếu tự đánh giá. Phiếu đã khóa đối với đơn vị."))
    return redirect(_sheet_url(sheet))


@login_required
@require_POST
def withdraw(request, unit_code: str, year: int):
    sheet = load_sheet(request.user, unit_code, year, "scoring.submit_sheet")
    try:
        withdraw_sheet(sheet, user=request.user)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã rút phiếu về để sửa. Nhớ gửi lại trước hạn."))
    return redirect(_sheet_url(sheet))


# --------------------------------------------------------------------------- evidence


def _item_documents(sheet: Sheet, item: Item) -> list[Evidence]:
    if sheet.pk is None:
        return []
    return list(
        Evidence.objects.filter(score__sheet=sheet, score__item=item).select_related("uploaded_by")
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _evidence_context(request, sheet: Sheet, item: Item, form=None) -> dict:
    can_edit = may(request.user, "scoring.edit_self_assessment", sheet)
    lock_reason = self_assessment_lock_reason(sheet) if can_edit else None
    may_upload = can_edit and lock_reason is None and item.method != Method.SURVEY
    form = form if form is not None else EvidenceUploadForm()
    return {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "item": item,
        "documents": _item_documents(sheet, item),
        "form": form if may_upload else None,
        # Why an upload was refused, also when the form is no longer offered.
        "refusals": form.errors.get("file", []),
        "lock_reason": lock_reason,
        "can_remove": can_edit and lock_reason is None,
        "max_bytes": evidence.max_bytes_label(),
        "max_files": settings.ANSWER_MAX_FILES,
    }


def _render_item_evidence(request, sheet: Sheet, item: Item, context: dict):
    """The item's evidence block of the sheet (htmx): its files, the drop zone, what happened;
    the sheet's progress follows through the `evidence-changed` event (the running preview)."""
    context["editable"] = context["form"] is not None
    response = render(request, "scoring/sheet/_evidence.html", context)
    response["HX-Trigger"] = "evidence-changed"
    return response


@accepts_upload(answer_request_bytes)
@login_required
def evidence_upload(request, unit_code: str, year: int, item_code: str):
    """One item's evidence documents: the list, and the upload form while the sheet is open.

    The sheet posts here from each item's drop zone (htmx) and gets the item's block back, so
    files are added without leaving the page or saving the draft; several files at once, all or
    none.
    """
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    item = load_item(sheet, item_code)
    form = EvidenceUploadForm()
    uploaded: list[Evidence] = []
    if request.method == "POST":
        require(request.user, "scoring.edit_self_assessment", sheet)
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                uploaded = add_evidence_files(
                    sheet, item.code, form.cleaned_data["file"], user=request.user
                )
            except ServiceError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                if not _is_htmx(request):
                    names = ", ".join(f"“{document.original_name}”" for document in uploaded)
                    messages.success(request, _("Đã tải lên %(names)s.") % {"names": names})
                    return redirect(request.path)
                form = EvidenceUploadForm()
    context = _evidence_context(request, sheet, item, form)
    if _is_htmx(request) and request.method == "POST":
        context["uploaded"] = uploaded
        return _render_item_evidence(request, sheet, item, context)
    return render(
        request, "scoring/sheet/evidence.html", context, status=400 if form.errors else 200
    )


@login_required
def evidence_download(request, unit_code: str, year: int, pk: int):
    """Serve a document as an attachment, only to those who may read this sheet."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    document = load_evidence(sheet, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Không tìm thấy tệp.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request, unit_code: str, year: int, pk: int):
    sheet = load_sheet(request.user, unit_code, year, "scoring.edit_self_assessment")
    document = load_evidence(sheet, pk)
    item = document.score.item
    refusals: list[str] = []
    try:
        remove_evidence(document, user=request.user)
    except ServiceError as error:
        refusals = error.messages
    if _is_htmx(request):
        context = _evidence_context(request, sheet, item)
        context["refusals"] = refusals
        context["removed"] = None if refusals else document.original_name
        return _render_item_evidence(request, sheet, item, context)
    for message in refusals:
        messages.error(request, message)
    if not refusals:
        messages.success(request, _("Đã xóa “%(name)s”.") % {"name": document.original_name})
    return redirect(
        "evidence_upload", unit_code=sheet.unit.code, year=sheet.year.year, item_code=item.code
    )


# --------------------------------------------------------------------------- history


@login_required
def sheet_version(request, unit_code: str, year: int, version: int):
    """The sheet as it was under a replaced version of the framework (read-only)."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    found = sheet_as_it_was(sheet, version) if sheet.pk else None
    if found is None:
        raise Http404(_("Phiếu không có phiên bản bộ chỉ số này."))
    record, rows = found
    context = {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "record": record,
        "rows": rows,
        "sees_appraisal": sees_appraisal(request.user, sheet),
    }
    return render(request, "scoring/sheet/version.html", context)


@login_required
def item_history(request, unit_code: str, year: int, item_code: str):
    """Who changed what on one item, when, from which source."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    item = load_item(sheet, item_code)
    entries = score_history(sheet, item, include_appraisal=sees_appraisal(request.user, sheet))
    context = {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "item": item,
        "entries": entries,
    }
    return render(request, "scoring/sheet/history.html", context)
