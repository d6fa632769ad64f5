"""The survey page: a grid of units × survey items, and the xlsx/CSV import (all or nothing).

Readable with `scoring.view_tracker`; a cell is editable where the user has
`scoring.enter_survey` on the unit's sheet (admins; appraisers, except on their own unit). The
survey service checks the same permission on every cell, grid or file.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs import progress
from lib import tabular
from lib.requests import accepts_upload, import_request_bytes
from scoring.exchange.background import FUNCTIONS
from scoring.forms import fields as fields_module
from scoring.forms.survey import SurveyGridForm, SurveyImportForm
from scoring.models import AssessmentYear, Sheet
from scoring.permissions import User, may, survey_units
from scoring.selectors.fragments import cached_html, code_digest
from scoring.selectors.survey import SurveyGroup, survey_grid, survey_scope
from scoring.services.errors import ServiceError
from scoring.services.survey import import_survey, save_survey
from scoring.templatetags.portal_format import points
from scoring.views.loading import load_year


def _editable_groups(
    user: User, year: AssessmentYear, groups: list[SurveyGroup] | None = None
) -> list[SurveyGroup]:
    """The grid, keeping only the units whose survey points the user may enter."""
    editable = []
    for group in survey_grid(year) if groups is None else groups:
        units = [
            (unit, values)
            for unit, values in group.units
            if may(user, "scoring.enter_survey", Sheet(unit=unit, year=year))
        ]
        if units:
            editable.append(SurveyGroup(group.group, group.items, units))
    return editable


def _table(groups: list[SurveyGroup], form, decimals: int) -> list[dict]:
    """The grid as the template draws it: per group, its items and its rows, each row's HTML
    made here (`_row_html`): 1,800 cells through the template engine were most of the page."""
    fields = form.fields if form is not None else {}
    return [
        {
            "group": group.group,
            "items": group.items,
            "rows": [
                _row_html(
                    unit,
                    [
                        (
                            values.get(item.code),
                            form[name] if name in fields else None,
                        )
                        for item in group.items
                        for name in [SurveyGridForm.field_name(unit.code, item.code)]
                    ],
                    decimals,
                )
                for unit, values in group.units
            ],
        }
        for group in groups
    ]


def _row_html(unit, cells: list[tuple], decimals: int) -> SafeString:
    """One unit's row of the grid: the same HTML as a template would give (every value
    escaped); a cell is its editable field (label, input, errors) or its points, with the year's
    `decimals`."""
    parts = [
        '<tr><th scope="row" class="fw-normal">',
        escape(unit.name),
        ' <span class="small text-body-secondary">',
        escape(unit.code),
        "</span></th>",
    ]
    for value, field in cells:
        parts.append('<td class="text-end">')
        if field is not None:
            parts += [
                '<label class="visually-hidden" for="',
                escape(field.id_for_label),
                '">',
                escape(field.label),
                "</label>",
                str(field),
            ]
            if field.errors:
                parts += [
                    '<div class="invalid-feedback d-block">',
                    " ".join(escape(error) for error in field.errors),
                    "</div>",
                ]
        else:
            parts += ['<span class="num">', escape(points(value, decimals)), "</span>"]
        parts.append("</td>")
    parts.append("</tr>")
    # Every value above was escaped; the field is Django's own (safe) rendering.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


# What draws a row: a new release that changes it draws every row again.
ROW_CODE = code_digest(_row_html, fields_module)


def _cached_table(groups: list[SurveyGroup], editable: set[int], form, decimals: int) -> list[dict]:
    """The grid of an unbound form: each unit's row from the cache where it was drawn for the
    same name, items, points and editability (`selectors.fragments`); the form (lazy) is built
    only to draw the rows not found."""
    blocks, rows, signatures = [], [], []
    for group in groups:
        for unit, values in group.units:
            rows.append((group, unit, values))
            signatures.append(
                (
                    unit.code,
                    unit.name,
                    unit.pk in editable,
                    decimals,
                    [(item.code, item.max_points, values.get(item.code)) for item in group.items],
                )
            )

    def draw(missing: list[int]) -> list[str]:
        return [
            _row_html(
                unit,
                [
                    (
                        values.get(item.code),
                        form[SurveyGridForm.field_name(unit.code, item.code)]
                        if unit.pk in editable
                        else None,
                    )
                    for item in group.items
                ],
                decimals,
            )
            for group, unit, values in (rows[index] for index in missing)
        ]

    drawn = iter(cached_html("survey-row", ROW_CODE, signatures, draw))
    for group in groups:
        blocks.append(
            {
                "group": group.group,
                "items": group.items,
                # Each drawn by `_row_html`, which escaped every value.
                "rows": [mark_safe(next(drawn)) for _unit in group.units],  # noqa: S308  # nosec B308 B703
            }
        )
    return blocks


def _render(
    request, year, *, scope=None, form=None, import_form=None, import_errors=(), status=200
):
    scope = scope or survey_scope(year, request.GET)
    groups = survey_grid(year, scope.group_code)
    typed = None
    if form is not None:
        # What was typed, with its errors: drawn for this request only.
        if not form.fields:
            form = None
        typed = form
        table = _table(groups, form, year.decimals)
    else:
        editable_groups = [] if year.is_published else _editable_groups(request.user, year, groups)
        editable = {unit.pk for group in editable_groups for unit, _values in group.units}
        if editable:
            form = SimpleLazyObject(lambda: SurveyGridForm(groups=editable_groups))
        table = _cached_table(groups, editable, form, year.decimals)
    context = {
        "year": year,
        "scope": scope,
        "table": table,
        "form": form,
        "typed": typed,
        "editable": form is not None,
        "import_form": import_form or SurveyImportForm(),
        "import_errors": import_errors,
        # The survey app's page (ballots, results per question): a permission by name.
        "survey_page": may(request.user, "survey.view_results"),
    }
    return render(request, "scoring/survey/survey.html", context, status=status)


@login_required
def survey_page(request, year: int):
    """GET: the grid; POST: save the changed cells, all or nothing."""
    assessment_year = load_year(request.user, year, "scoring.view_tracker")
    if request.method != "POST":
        return _render(request, assessment_year)
    # The group the page showed (its form sends `khoi`); a cell not sent is left as it is.
    scope = survey_scope(assessment_year, request.POST)
    form = SurveyGridForm(
        request.POST,
        groups=_editable_groups(
            request.user, assessment_year, survey_grid(assessment_year, scope.group_code)
        ),
    )
    if not form.fields:
        raise PermissionDenied
    if not form.is_valid():
        return _render(request, assessment_year, scope=scope, form=form, status=400)
    values = form.values()
    try:
        count = save_survey(
            assessment_year,
            values,
            user=request.user,
            allowed_units=survey_units(request.user, assessment_year),
        )
    except ServiceError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render(request, assessment_year, scope=scope, form=form, status=400)
    messages.success(request, _("Đã lưu %(count)s điểm điều tra xã hội học.") % {"count": count})
    # Back to the group shown; "every group" of a large year stays every group.
    page = reverse("survey", args=[assessment_year.year])
    if scope.group_code or (
        "khoi" in request.POST and survey_scope(assessment_year, {}).group_code
    ):
        return redirect(f"{page}?{urlencode({'khoi': scope.group_code})}")
    return redirect(page)


@accepts_upload(import_request_bytes)
@login_required
@require_POST
def survey_import(request, year: int):
    """Import survey points from a file; every problem is listed and nothing is saved."""
    assessment_year = load_year(request.user, year, "scoring.view_tracker")
    import_form = SurveyImportForm(request.POST, request.FILES)
    if not import_form.is_valid():
        return _render(request, assessment_year, import_form=import_form, status=400)
    upload = import_form.cleaned_data["file"]
    if upload.size > settings.IMPORT_INLINE_MAX_BYTES:
        # A large file is imported by the queue's worker; its page follows the progress.
        job = progress.start(
            request.user,
            "survey_import",
            _("Nhập điểm điều tra xã hội học năm %(year)s từ %(file)s")
            % {"year": assessment_year.year, "file": upload.name},
            FUNCTIONS["survey_import"],
            {"year": assessment_year.year, "back": reverse("survey", args=[assessment_year.year])},
            upload=upload,
        )
        return redirect("job", job=job.token)
    try:
        summary = import_survey(
            import_form.cleaned_data["file"],
            assessment_year,
            user=request.user,
            allowed_units=survey_units(request.user, assessment_year),
        )
    except (tabular.TableError, ServiceError) as error:
        return _render(
            request,
            assessment_year,
            import_form=import_form,
            import_errors=error.messages,
            status=400,
        )
    messages.success(request, str(summary))
    return redirect("survey", year=assessment_year.year)
