"""Pages of the related indices: an index's ranking of a period (with its movement, compared
with any period), the province's standing in the national indices, and open data files.
Public, like the overview: imported indices are published figures; the PAR index (computed)
shows only the years the viewer may see (`visible_years`)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indices import exchange, selectors, services
from indices.forms import ValuesForm
from indices.models import IndexKind, ValueSource
from lib import tabular
from lib.requests import accepts_upload, import_request_bytes
from scoring import calculations as calc
from scoring.permissions import may, require
from scoring.selectors.years import visible_years


def _period(kind: IndexKind, text: str | None, known: list[calc.Period]) -> calc.Period | None:
    """A period named in the query among those with figures (404 otherwise); None: not given."""
    if not text:
        return None
    try:
        period = kind.parse(text)
    except ValueError:
        raise Http404(_("Không có kỳ này.")) from None
    if period not in known:
        raise Http404(_("Không có số liệu của kỳ này."))
    return period


def kind_ranking(request, code: str):
    kind = get_object_or_404(IndexKind, code=code)
    years = visible_years(request.user)
    known = selectors.periods_of(kind, years)
    groups = list(kind.groups.order_by("order", "code"))
    can_enter = not kind.is_computed and may(request.user, "indices.enter_values")
    if not known or not groups:
        kinds = IndexKind.objects.order_by("order", "code")
        empty = {"kind": kind, "ranking": None, "kinds": kinds, "can_enter": can_enter}
        return render(request, "indices/ranking.html", empty)
    period = _period(kind, request.GET.get("period"), known) or known[0]
    compare_to = _period(kind, request.GET.get("compare"), known)
    if compare_to is None and not request.GET.get("compare"):
        before = calc.previous_period(period)
        compare_to = before if before in known else next((p for p in known if p < period), None)
    group_code = request.GET.get("group")
    group = next((g for g in groups if g.code == group_code), None) if group_code else None
    if group_code and group is None:
        raise Http404(_("Không có khối đơn vị này."))
    if group is None:
        with_figures = {f.group_id for f in selectors.figures(kind, years, periods=[period])}
        group = next((g for g in groups if g.pk in with_figures), groups[0])
    ranking = selectors.ranking(kind, period, group, compare_to, years)
    context = {
        "kind": kind,
        "ranking": ranking,
        "periods": known,
        "groups": groups,
        "kinds": IndexKind.objects.order_by("order", "code"),
        "can_enter": can_enter,
    }
    return render(request, "indices/ranking.html", context)


def province_standing(request):
    provinces = selectors.province_units()
    province = provinces[0] if provinces else None
    pages = selectors.standing(province, visible_years(request.user)) if province else []
    kinds = IndexKind.objects.order_by("order", "code")
    context = {"province": province, "pages": pages, "kinds": kinds}
    return render(request, "indices/standing.html", context)


def open_data_csv(request, code: str, period: str):
    kind = get_object_or_404(IndexKind, code=code)
    if kind.is_computed:
        raise Http404(_("Chỉ số CCHC có tệp dữ liệu mở riêng."))
    known = selectors.periods_of(kind, [])
    chosen = _period(kind, period, known)
    if chosen is None:  # an empty period cannot come from the route; refused all the same
        raise Http404(_("Không có kỳ này."))
    header, rows = selectors.open_data_rows(kind, chosen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chi-so-{kind.code}-{chosen}.csv"'
    return response


@accepts_upload(import_request_bytes)
@login_required
def enter_values(request, code: str):
    """A period's values from a file or typed rows, all or nothing, every problem listed."""
    require(request.user, "indices.enter_values")
    kind = get_object_or_404(IndexKind, code=code)
    if kind.is_computed:
        raise Http404(_("Chỉ số CCHC được tính từ kết quả chấm điểm, không nhập."))
    form = ValuesForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        typed = (data["rows"] or "").strip()
        try:
            rows = exchange.read_value_rows(data["file"] or typed.encode("utf-8"))
            summary = services.record_values(
                kind,
                data["period"].strip(),
                rows,
                as_of=data["as_of"],
                source=data["source"],
                entered=ValueSource.ENTERED if typed else ValueSource.IMPORTED,
            )
        except tabular.TableError as error:
            problems = error.messages
        else:
            messages.success(request, str(summary))
            return redirect(f"{request.path}?done={summary.period}")
    status = 400 if request.method == "POST" else 200
    context = {"kind": kind, "form": form, "problems": problems}
    return render(request, "indices/enter_values.html", context, status=status)
