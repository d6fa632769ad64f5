"""Appraisal pages: the list of a year's units, one unit's appraisal sheet, explanation rounds.

Reading needs `scoring.view_tracker` (appraisers, provincial leadership, admins) and, for a
sheet, `scoring.view_sheet`; writing needs `scoring.appraise_sheet` (never on one's own unit),
and the services refuse items outside the appraiser's domains. The unit answers explanation
requests on its own page (`explanation_answer`, `scoring.answer_explanation`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.deadlines import due
from lib.requests import accepts_upload, answer_request_bytes
from scoring.duties import explanation_deadline
from scoring.forms.appraisal import (
    ACCEPT_CHOSEN,
    ACCEPT_DOMAIN,
    APPRAISAL_FORM_ID,
    SAVE_DOMAIN,
    AppraisalForm,
    ExplanationAnswerForm,
    ExplanationRequestForm,
)
from scoring.forms.fields import ValueField
from scoring.forms.filters import AppraisalListFilter
from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Result,
    Sheet,
    YearState,
)
from scoring.permissions import User, appraised_domains, may, own_unit_conflict, require
from scoring.selectors import sheets, tracker
from scoring.selectors.fragments import cached_rows, joined, stored_fields
from scoring.selectors.sheets import self_totals
from scoring.services import appraisal as appraisal_service
from scoring.services.appraisal import (
    answer_explanation,
    appraisal_closed_reason,
    appraise,
    explanation_closed_reason,
)
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.specs import item_rule_points
from scoring.views.loading import (
    current_year,
    load_explanation,
    load_item,
    load_sheet,
    load_year,
)

# --------------------------------------------------------------------------- loading


def _appraisal_url(sheet: Sheet, anchor: str = "") -> str:
    url = reverse("appraisal_sheet", args=[sheet.unit.code, sheet.year.year])
    return f"{url}#{anchor}" if anchor else url


def _errors(request, error: ServiceError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------- the list


@login_required
def appraisal_index(request):
    require(request.user, "scoring.view_tracker")
    return redirect("appraisal_list", year=current_year().year)


LIST_ROW_TEMPLATE = "scoring/appraisal/_list_row.html"


def _list_row_signature(entry: dict) -> tuple[object, ...]:
    """Everything `_list_row.html` reads of an entry: a change of any draws it again."""
    row, progress = entry["row"], entry["progress"]
    unit = row.unit
    return (
        unit.code,
        unit.name,
        unit.group.name,
        row.submitted,
        row.scored,
        row.total,
        row.open_explanations,
        progress.appraised,
        progress.differing,
        progress.answered,
        entry["percent"],
        entry["can_appraise"],
    )


@login_required
def appraisal_list(request, year: int):
    """Every unit of the year, filtered by unit group, sheet state, appraisal progress and open
    explanations (`AppraisalListFilter`): its sheet's state and how far its appraisal has gone,
    with the overall figure of the units listed."""
    assessment_year = load_year(request.user, year, "scoring.view_tracker")
    closed_reason = appraisal_closed_reason(assessment_year)
    filters = AppraisalListFilter(
        request.GET,
        tracker.year_sheets(assessment_year),
        year=assessment_year,
        one_group_when_large=True,
    )
    sheets = list(filters.qs)
    counts = tracker.score_counts(assessment_year, sheets)
    rows = tracker.tracker_rows(assessment_year, sheets=sheets, counts=counts)
    progress = tracker.appraisal_progress(assessment_year, counts, sheets)
    empty = tracker.AppraisalProgress(0, 0, 0)
    done = [progress.get(row.sheet.id, empty) for row in rows]
    entries = [
        {
            "row": row,
            "progress": appraisal,
            "percent": appraisal.appraised * 100 // row.total if row.total else 0,
            "can_appraise": may(request.user, "scoring.appraise_sheet", row.sheet),
        }
        for row, appraisal in zip(rows, done, strict=True)
    ]
    appraised = sum(appraisal.appraised for appraisal in done)
    total = sum(row.total for row in rows)
    units_done = sum(
        1
        for row, appraisal in zip(rows, done, strict=True)
        if row.total and appraisal.appraised >= row.total
    )
    context = {
        "year": assessment_year,
        "years": AssessmentYear.objects.exclude(state=YearState.PREPARING),
        "filters": filters,
        "groups": filters.groups,
        "group_code": filters.group_code,
        "one_group_of": filters.one_group_of,
        "checked": filters.checked(),
        "closed_reason": closed_reason,
        "rows": entries,
        "rows_html": joined(
            cached_rows(
                request,
                LIST_ROW_TEMPLATE,
                entries,
                context={"year": assessment_year, "closed_reason": closed_reason},
                shared=(assessment_year.year, str(closed_reason or "")),
                signature=_list_row_signature,
            )
        ),
        "overall": {
            "appraised": appraised,
            "total": total,
            "percent": appraised * 100 // total if total else 0,
            "units_done": units_done,
            "units": len(entries),
        },
    }
    return render(request, "scoring/appraisal/list.html", context)


# --------------------------------------------------------------------------- one sheet


def _editable_domains(user: User, sheet: Sheet) -> set[str] | None:
    """What the user may appraise on this sheet now: domain codes, None for all, empty for none."""
    if appraisal_closed_reason(sheet.year) or not may(user, "scoring.appraise_sheet", sheet):
        return set()
    return appraised_domains(user, sheet)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _attach_fields(rows: list[sheets.AppraisalRow], *forms: AppraisalForm | None) -> None:
    """Give each row its inputs: from the first form that has them (a bound form first, so that
    what was typed is shown again)."""
    for row in rows:
        row.fields = next(
            (f.fields_for(row.item.code) for f in forms if f and f.fields_for(row.item.code)),
            None,
        )


def _progress(domains: list[sheets.AppraisalDomain]) -> dict:
    """The sticky bar's figure: appraised items of the sheet out of its appraisal items."""
    appraised = sum(domain.appraised for domain in domains)
    total = sum(len(domain.rows) for domain in domains)
    return {
        "appraised": appraised,
        "total": total,
        "percent": appraised * 100 // total if total else 0,
    }


def _sheet_context(request, sheet: Sheet, domains: list[sheets.AppraisalDomain]) -> dict:
    return {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "domains": domains,
        "progress": _progress(domains),
        "result": Result.objects.filter(unit=sheet.unit, year=sheet.year).first(),
        "closed_reason": appraisal_closed_reason(sheet.year),
        "can_appraise": may(request.user, "scoring.appraise_sheet", sheet),
        "form_id": APPRAISAL_FORM_ID,
        "save_domain": SAVE_DOMAIN,
        "accept_domain": ACCEPT_DOMAIN,
        "accept_chosen": ACCEPT_CHOSEN,
        "dirty_domains": frozenset(),
    }


ITEM_TEMPLATE = "scoring/appraisal/_item.html"
ITEM_INCLUDES = (
    "scoring/value_source/_line.html",
    "scoring/sheet/_rule_points.html",
    "scoring/appraisal/_explanations.html",
)


def _documents(documents) -> list[tuple]:
    return [(doc.pk, doc.original_name, doc.uploaded_at) for doc in documents]


def _person(user) -> tuple | None:
    """What the page shows of a person (a name), not their whole account."""
    if user is None:
        return None
    return (user.pk, user.username, user.first_name, user.last_name)


def _row_signature(row: sheets.AppraisalRow) -> tuple[object, ...]:
    """Everything `appraisal/_item.html` reads of a row: a change of any draws it again."""
    return (
        stored_fields(row.item),
        stored_fields(row.score),
        row.editable,
        AppraisalForm.takes(row),  # it has inputs (`_draw_rows` gives them when drawn)
        _documents(row.evidence),
        [
            (
                stored_fields(explanation),
                _person(explanation.requested_by),
                _documents(explanation.attachments),
            )
            for explanation in row.explanations
        ],
    )


def _draw_rows(request, domains: list[sheets.AppraisalDomain], context: dict) -> None:
    """Each domain's rows' HTML, from the cache where unchanged (`selectors.fragments`); their
    inputs are an unbound form's (the stored values, which the signature holds), built for the
    rows drawn only: the fields of 150 rows read from the cache were a third of the page's
    time. The page writes each domain's rows as one piece (no loop over them in its template)."""
    sheet = context["sheet"]
    rows = [row for domain in domains for row in domain.rows]

    def give_fields(missing: list[sheets.AppraisalRow]) -> None:
        _attach_fields(missing, AppraisalForm(rows=missing, sheet=sheet))

    shared = (
        sheet.unit.code,
        sheet.year.year,
        sheet.year.decimals,
        context["can_appraise"],
        str(context["closed_reason"] or ""),
        context["form_id"],
        context["accept_chosen"],
    )
    drawn = iter(
        cached_rows(
            request,
            ITEM_TEMPLATE,
            rows,
            context=context,
            shared=shared,
            signature=_row_signature,
            templates=ITEM_INCLUDES,
            prepare=give_fields,
        )
    )
    for domain in domains:
        domain.html = joined(next(drawn) for _row in domain.rows)


def _render_sheet(
    request,
    sheet: Sheet,
    form: AppraisalForm | None = None,
    status: int = 200,
    *,
    saved: str = "",
    errors: list[str] | None = None,
    dirty: frozenset[str] = frozenset(),
):
    """The whole page; `saved`/`errors` in the sticky bar's status, `dirty` the domains shown
    as holding typed values not saved."""
    domains = sheets.appraisal_sheet(sheet, _editable_domains(request.user, sheet))
    rows = [row for domain in domains for row in domain.rows]
    # Nothing typed: the page's form holds the version, each row's inputs come with its drawing.
    whole = (
        AppraisalForm(rows=rows if form is not None else [], sheet=sheet)
        if any(row.editable for row in rows)
        else None
    )
    if form is not None:
        _attach_fields(rows, form, whole)
    items = [row.item for row in rows]
    claimed = self_totals(
        items,
        {
            row.item.code: (row.score.self_points, row.score.not_applicable)
            for row in rows
            if row.score
        },
        sheet.year.rounding,
        sheet.year.decimals,
    )
    shared = _sheet_context(request, sheet, domains)
    if form is None:
        # Nothing typed to show again: each row as it was drawn for the same values.
        _draw_rows(request, domains, shared)
    context = {
        **shared,
        "form": form or whole,
        "claimed": claimed,
        "own_unit_conflict": own_unit_conflict(request.user, sheet),
        "request_form": ExplanationRequestForm(),
        "saved": saved,
        "errors": errors or [],
        "dirty_domains": dirty,
    }
    return render(request, "scoring/appraisal/sheet.html", context, status=status)


def _render_saved(
    request,
    sheet: Sheet,
    scope: list[str],
    *,
    form: AppraisalForm | None = None,
    saved: str = "",
    errors: list[str] | None = None,
    stale: bool = False,
    status: int = 200,
):
    """The answer to a save in the background (htmx): the domains it covered, each swapped in
    place (with what was typed and its errors when nothing was saved), the sheet's version, the
    progress bar, the totals and a message. Nothing else on the page is touched: points typed
    in other domains stay."""
    if sheet.pk:
        sheet.refresh_from_db()
    domains = sheets.appraisal_sheet(sheet, _editable_domains(request.user, sheet))
    rows = [row for domain in domains for row in domain.rows]
    whole = AppraisalForm(rows=rows, sheet=sheet) if any(row.editable for row in rows) else None
    _attach_fields(rows, form, whole)
    context = {
        **_sheet_context(request, sheet, domains),
        "swapped": [domain for domain in domains if domain.item.code in scope],
        "dirty": bool(errors),
        "stale": stale,
        "saved": saved,
        "errors": errors or [],
        "form": form or whole,
    }
    return render(request, "scoring/appraisal/_saved.html", context, status=status)


def _form_errors(form: AppraisalForm) -> list[str]:
    """Each error of the form, named by its item (the bar lists them with links)."""
    found = [str(message) for message in form.non_field_errors()]
    for name, messages_ in form.errors.items():
        if name in form.fields:
            code = name.split("-", 1)[1]
            found.extend(
                _("Tiêu chí %(code)s: %(error)s") % {"code": code, "error": message}
                for message in messages_
            )
    return found


@login_required
def appraisal_sheet(request, unit_code: str, year: int):
    """Self points, notes and evidence beside the appraisal inputs (the user's domains only).

    A save covers one domain (`linh-vuc`), the chosen items of one domain taking the claimed
    points (`chap-nhan`, with `chon` the items) or the whole sheet. From the page's script it is
    answered in the background (htmx, `_render_saved`); without it, by a redirect to the domain.
    """
    require(request.user, "scoring.view_tracker")
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    if request.method != "POST":
        return _render_sheet(request, sheet)
    require(request.user, "scoring.appraise_sheet", sheet)
    htmx = _is_htmx(request)
    reason = appraisal_closed_reason(sheet.year)
    if reason:
        if htmx:
            return _render_saved(request, sheet, [], errors=[reason], status=400)
        messages.error(request, reason)
        return redirect(_appraisal_url(sheet))
    editable = _editable_domains(request.user, sheet)
    domains = sheets.appraisal_sheet(sheet, editable)
    accept = request.POST.get(ACCEPT_DOMAIN, "")
    asked = accept or request.POST.get(SAVE_DOMAIN, "")
    scoped = [d for d in domains if not asked or d.item.code == asked]
    if asked and not scoped:
        raise Http404
    scope = [domain.item.code for domain in scoped]
    rows = [row for domain in scoped for row in domain.rows]
    data = request.POST
    if accept:
        chosen = set(request.POST.getlist(ACCEPT_CHOSEN))
        if not any(row.acceptable and row.item.code in chosen for row in rows):
            problem = _("Chưa chọn tiêu chí nào để chấp nhận điểm tự đánh giá.")
            if htmx:
                return _render_saved(request, sheet, [], errors=[problem], status=400)
            messages.error(request, problem)
            return redirect(_appraisal_url(sheet, f"domain-{accept}"))
        data = AppraisalForm.accepting(data, rows, chosen)
    form = AppraisalForm(data, rows=rows, sheet=sheet)
    if not form.is_valid():
        if htmx:
            return _render_saved(
                request, sheet, scope, form=form, errors=_form_errors(form), status=400
            )
        return _render_sheet(request, sheet, form, status=400)
    try:
        appraise(
            sheet,
            form.changes(),
            user=request.user,
            domains=editable,
            expected_version=form.cleaned_data["version"],
        )
    except StaleSheetError as error:
        if htmx:
            return _render_saved(
                request, sheet, scope, form=form, errors=error.messages, stale=True, status=409
            )
        _errors(request, error)
        return redirect(_appraisal_url(sheet))
    except ServiceError as error:
        for message in error.messages:
            form.add_error(None, message)
        if htmx:
            return _render_saved(
                request, sheet, scope, form=form, errors=_form_errors(form), status=400
            )
        return _render_sheet(request, sheet, form, status=400)
    if asked:
        name = scoped[0].item.code
        saved = _("Đã lưu điểm thẩm định lĩnh vực %(code)s.") % {"code": name}
    else:
        saved = _("Đã lưu điểm thẩm định.")
    if htmx:
        return _render_saved(request, sheet, scope, saved=saved)
    messages.success(request, saved)
    return redirect(_appraisal_url(sheet, f"domain-{asked}" if asked else ""))


@login_required
def rule_points_preview(request, unit_code: str, year: int, item_code: str):
    """The points a typed value earns on a rule item (htmx, as the appraiser types): the server
    computes them by the rule (`calculations.rule_points`), nothing is saved."""
    require(request.user, "scoring.view_tracker")
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    item = load_item(sheet, item_code)
    value = None
    if item.rule:  # an item whose points are entered has no rule points: an empty answer
        try:
            value = ValueField(kind=item.rule).clean(request.GET.get(f"value-{item.code}", ""))
        except ValidationError:
            value = None
    return render(
        request,
        "scoring/sheet/_rule_points.html",
        {
            "item": item,
            "value": value,
            "points": item_rule_points(item, value, sheet.year.rounding, sheet.year.decimals),
            "decimals": sheet.year.decimals,
            "target_id": f"appraisal-rule-points-{item.code}",
        },
    )


def _render_explanations(request, sheet: Sheet, item_code: str, *, saved="", errors=None):
    """One item's explanation rounds and request form, swapped in place (htmx): the points
    typed beside it are not part of it, so they stay."""
    domains = sheets.appraisal_sheet(sheet, _editable_domains(request.user, sheet))
    row = next((r for d in domains for r in d.rows if r.item.code == item_code), None)
    if row is None:
        raise Http404
    context = {
        **_sheet_context(request, sheet, domains),
        "row": row,
        "saved": saved,
        "errors": errors or [],
        "request_form": ExplanationRequestForm(),
    }
    return render(request, "scoring/appraisal/_explanations_saved.html", context)


def _render_typed(request, sheet: Sheet, saved: str, problems: list[str]):
    """The sheet with the points and reasons typed on the page, not saved: the answer to an
    explanation request or close posted without the page's script (its button belongs to the
    appraisal form, so what was typed came with it). Reloading the sheet from the database
    instead would drop it. The domains holding typed values are marked "not saved", as the
    script marks them; the version typed against stays, so a later save is checked against it.
    """
    domains = sheets.appraisal_sheet(sheet, _editable_domains(request.user, sheet))
    rows = [row for domain in domains for row in domain.rows]
    typed = AppraisalForm(request.POST, rows=rows, sheet=sheet)
    changed = [name for name in typed.changed_data if name != "version"]
    shown = AppraisalForm(rows=rows, sheet=sheet)
    shown.initial.update({name: request.POST[name] for name in changed})
    shown.initial["version"] = request.POST.get("version", sheet.version)
    domain_of = {row.item.code: domain.item.code for domain in domains for row in domain.rows}
    dirty = frozenset(domain_of[name.split("-", 1)[1]] for name in changed)
    return _render_sheet(request, sheet, shown, saved=saved, errors=problems, dirty=dirty)


def _answer_explanation_action(
    request, sheet: Sheet, item_code: str, saved: str, problems: list[str]
):
    """A request or a close: the item's block in the background (htmx); without the script, the
    sheet with what was typed (when the appraisal form came along) or the item's place."""
    if _is_htmx(request):
        return _render_explanations(request, sheet, item_code, saved=saved, errors=problems)
    if "version" in request.POST:
        return _render_typed(request, sheet, saved, problems)
    for message in problems:
        messages.error(request, message)
    if saved:
        messages.success(request, saved)
    return redirect(_appraisal_url(sheet, f"item-{item_code}"))


@login_required
@require_POST
def request_explanation(request, unit_code: str, year: int, item_code: str):
    sheet = load_sheet(request.user, unit_code, year, "scoring.appraise_sheet")
    # The item's own question box (each item has one, all in the appraisal form).
    form = ExplanationRequestForm({"question": request.POST.get(f"question-{item_code}", "")})
    problems: list[str] = []
    if not form.is_valid():
        # django-stubs: an ErrorList yields its messages (str), never a ValidationError.
        problems = [str(message) for errors in form.errors.values() for message in errors]
    else:
        try:
            appraisal_service.request_explanation(
                sheet,
                item_code,
                form.cleaned_data["question"],
                user=request.user,
                domains=appraised_domains(request.user, sheet),
            )
        except ServiceError as error:
            problems = list(error.messages)
    saved = (
        ""
        if problems
        else _("Đã gửi yêu cầu giải trình tiêu chí %(code)s đến đơn vị.") % {"code": item_code}
    )
    return _answer_explanation_action(request, sheet, item_code, saved, problems)


@login_required
@require_POST
def close_explanation(request, unit_code: str, year: int, pk: int):
    sheet = load_sheet(request.user, unit_code, year, "scoring.appraise_sheet")
    explanation = load_explanation(sheet, pk)
    item_code = explanation.score.item.code
    problems: list[str] = []
    try:
        appraisal_service.close_explanation(
            explanation, user=request.user, domains=appraised_domains(request.user, sheet)
        )
    except ServiceError as error:
        problems = list(error.messages)
    saved = "" if problems else _("Đã đóng yêu cầu giải trình.")
    return _answer_explanation_action(request, sheet, item_code, saved, problems)


# --------------------------------------------------------------------------- the unit's answer


@accepts_upload(answer_request_bytes)
@login_required
def explanation_answer(request, unit_code: str, year: int, pk: int):
    """The unit reads a request and answers it (text and files) while it is open."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    explanation = load_explanation(sheet, pk)
    explanation.score.sheet = sheet
    can_answer = may(request.user, "scoring.answer_explanation", sheet)
    closed_reason = explanation_closed_reason(explanation)
    form = ExplanationAnswerForm() if can_answer and not closed_reason else None
    status = 200
    if request.method == "POST":
        require(request.user, "scoring.answer_explanation", sheet)
        if closed_reason:
            messages.error(request, closed_reason)
            return redirect(request.path)
        form = ExplanationAnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                answer_explanation(
                    explanation,
                    form.cleaned_data["answer"],
                    form.cleaned_data["files"],
                    user=request.user,
                )
            except ServiceError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã gửi giải trình đến Hội đồng thẩm định."))
                return redirect(request.path)
        status = 400
    context = {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "explanation": explanation,
        "item": explanation.score.item,
        "score": explanation.score,
        "files": Evidence.objects.filter(explanation=explanation),
        "earlier": ExplanationRequest.objects.filter(score=explanation.score)
        .exclude(pk=explanation.pk)
        .order_by("round"),
        "form": form,
        "closed_reason": closed_reason if can_answer else None,
        # When the answer is due, while the request waits for it (scoring/duties.py).
        "due": due(explanation_deadline(explanation.requested_at))
        if explanation.state == ExplanationState.OPEN
        else None,
    }
    return render(request, "scoring/explanation_answer.html", context, status=status)
