"""The survey's pages.

Public (no login, no personal data): a ballot by invitation token (`ballot`), the code entry
(`ballot_code`), the open link where the province opens one (`open_ballot`), the thanks page.
Signed in: the year's survey page (progress, weakest questions, results per question), a unit's
results, the invitation tokens and their QR sheet, the paper entry. Views are short: load →
check (`require`) → form → one service call → redirect.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lib import tabular
from scoring.exchange.exports import CSV_TYPE, XLSX_TYPE
from scoring.models import AssessmentYear
from scoring.permissions import may, require
from scoring.services.errors import ServiceError
from survey import exports, limits, notes, selectors, services
from survey.forms import BallotForm, PaperForm, ResponsesUploadForm, TokensForm, UnitTypeForm
from survey.models import (
    Channel,
    EntryMismatch,
    InvitationToken,
    Question,
    Questionnaire,
    RespondentType,
)
from survey.permissions import enters_paper_for, sees_unit_results
from units.models import Unit


def _questions(questionnaire: Questionnaire, rtype: RespondentType) -> list[Question]:
    return [
        q
        for q in questionnaire.questions.prefetch_related("options", "respondent_types").order_by(
            "order"
        )
        if not q.respondent_types.all() or rtype in q.respondent_types.all()
    ]


def _closed(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "survey/ballot_closed.html", {"status": status}, status=status)


# --------------------------------------------------------------------------- public


@never_cache
def ballot_code(request: HttpRequest) -> HttpResponse:
    """Type the short code printed under the QR code."""
    code = request.GET.get("ma", "").strip().upper().replace(" ", "").replace("-", "")
    if code:
        return redirect("survey:ballot", code=code)
    return render(request, "survey/ballot_code.html")


@never_cache
def ballot(request: HttpRequest, code: str) -> HttpResponse:
    if limits.lookups_exhausted(request):
        return _closed(request, 429)
    token = (
        InvitationToken.objects.select_related(
            "questionnaire__year", "questionnaire__group", "unit", "respondent_type"
        )
        .filter(code=code.upper())
        .first()
    )
    if token is None:
        limits.count("lookup", request)
        return _closed(request, 404)
    if token.used_at is not None:
        return _closed(request, 410)
    questions = _questions(token.questionnaire, token.respondent_type)
    form = BallotForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.cast_ballot(
                token.questionnaire,
                token.unit,
                token.respondent_type,
                form.answers(),
                channel=Channel.ONLINE,
                token=token,
            )
        except ServiceError as exc:
            if (
                token.used_at is None
                and InvitationToken.objects.filter(pk=token.pk, used_at__isnull=False).exists()
            ):
                return _closed(request, 410)
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("survey:thanks")
    return render(
        request,
        "survey/ballot.html",
        {"form": form, "unit": token.unit, "questionnaire": token.questionnaire},
    )


@never_cache
def open_ballot(request: HttpRequest, key: str) -> HttpResponse:
    """The open link: choose the unit and who you are, then answer (rate-limited per address)."""
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("year", "group"), link_key=key, open_link=True
    )
    units = Unit.objects.existing_in(questionnaire.year.year).filter(group=questionnaire.group)
    chooser = UnitTypeForm(request.GET or None, units=units.order_by("code"))
    if not chooser.is_valid():
        return render(
            request, "survey/open_choose.html", {"chooser": chooser, "questionnaire": questionnaire}
        )
    unit, rtype = chooser.cleaned_data["unit"], chooser.cleaned_data["respondent_type"]
    form = BallotForm(request.POST or None, questions=_questions(questionnaire, rtype))
    if request.method == "POST" and form.is_valid():
        if limits.open_ballots_exhausted(request):
            return _closed(request, 429)
        try:
            services.cast_ballot(questionnaire, unit, rtype, form.answers(), channel=Channel.LINK)
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            limits.count("open", request)
            return redirect("survey:thanks")
    return render(
        request,
        "survey/ballot.html",
        {"form": form, "unit": unit, "questionnaire": questionnaire},
    )


def profile_notes(request: HttpRequest, unit: str) -> HttpResponse:
    """The survey's lines on a unit's profile (its questions below 80 % satisfaction), loaded
    by the profile apart from its cached page; empty for whoever may not see them."""
    found = get_object_or_404(Unit, code=unit)
    number = request.GET.get("year", "")
    year = AssessmentYear.objects.filter(year=int(number)).first() if number.isdigit() else None
    listed = notes.profile_notes(request.user, found, year) if year else []
    return render(request, "survey/_profile_notes.html", {"notes": listed})


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/thanks.html")


# --------------------------------------------------------------------------- signed in


def _year(request: HttpRequest, number: int, perm: str) -> AssessmentYear:
    require(request.user, perm)
    return get_object_or_404(AssessmentYear, year=number)


def _questionnaire(year: AssessmentYear, group_code: str) -> Questionnaire:
    return get_object_or_404(
        Questionnaire.objects.select_related("year", "group"), year=year, group__code=group_code
    )


def _render_home(
    request: HttpRequest,
    year: AssessmentYear,
    *,
    upload: ResponsesUploadForm | None = None,
    upload_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    blocks = []
    for questionnaire in Questionnaire.objects.filter(year=year).select_related("year", "group"):
        blocks.append(
            {
                "questionnaire": questionnaire,
                "progress": selectors.progress(questionnaire),
                "weakest": selectors.weakest_questions(questionnaire),
                "questions": selectors.question_results(questionnaire),
            }
        )
    manages = may(request.user, "survey.manage")
    return render(
        request,
        "survey/home.html",
        {
            "year": year,
            "blocks": blocks,
            "manages": manages,
            "enters_paper": may(request.user, "survey.enter_paper"),
            "sees_ballots": may(request.user, "survey.view_ballots"),
            "target": selectors.SATISFACTION_TARGET,
            "upload": upload or (ResponsesUploadForm() if manages else None),
            "upload_errors": upload_errors or [],
        },
        status=status,
    )


@login_required
def survey_home(request: HttpRequest, year: int) -> HttpResponse:
    """The year's survey: per questionnaire, progress against the targets, the weakest
    questions across units and each question's results in the province."""
    return _render_home(request, _year(request, year, "survey.view_results"))


@login_required
@require_POST
def responses_upload(request: HttpRequest, year: int) -> HttpResponse:
    """Ballots from a file (one row per answer, or a mapped export): all or nothing."""
    assessment_year = _year(request, year, "survey.manage")
    form = ResponsesUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_home(request, assessment_year, upload=form, status=400)
    try:
        if form.cleaned_data["mapping"]:
            text = form.cleaned_data["mapping"].read(200_000).decode("utf-8", errors="replace")
            summary = services.import_mapped_responses(
                form.cleaned_data["file"],
                assessment_year,
                services.parse_mapping(text),
                user=request.user,  # type: ignore[arg-type]
            )
        else:
            summary = services.import_responses(
                form.cleaned_data["file"],
                assessment_year,
                user=request.user,  # type: ignore[arg-type]
            )
    except (tabular.TableError, ServiceError) as error:
        return _render_home(
            request, assessment_year, upload=form, upload_errors=error.messages, status=400
        )
    messages.success(request, str(summary))
    return redirect("survey:home", year=assessment_year.year)


@login_required
@require_POST
def apply(request: HttpRequest, year: int, group: str) -> HttpResponse:
    """Write the group's survey points computed from the ballots (source "khảo sát")."""
    assessment_year = _year(request, year, "survey.manage")
    questionnaire = _questionnaire(assessment_year, group)
    try:
        summary = services.apply_points(
            assessment_year,
            questionnaire.group,
            user=request.user,  # type: ignore[arg-type]
        )
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Đã ghi %(count)s điểm điều tra xã hội học (nguồn “khảo sát”); %(missing)s tiêu chí "
                "chưa có câu trả lời hợp lệ được giữ nguyên."
            )
            % {"count": summary.written, "missing": len(summary.without_answers)},
        )
    return redirect("survey:home", year=assessment_year.year)


@login_required
def unit_results(request: HttpRequest, year: int, group: str, unit: str) -> HttpResponse:
    """One unit's results per question, the questions below 80 % satisfaction flagged (for who
    sees the survey's results and the unit's own people)."""
    assessment_year = get_object_or_404(AssessmentYear, year=year)
    questionnaire = _questionnaire(assessment_year, group)
    found = get_object_or_404(Unit, code=unit, group=questionnaire.group)
    if not sees_unit_results(request.user, found, assessment_year):
        raise PermissionDenied
    return render(
        request,
        "survey/unit.html",
        {
            "year": assessment_year,
            "questionnaire": questionnaire,
            "unit": found,
            "questions": selectors.question_results(questionnaire, found),
            "target": selectors.SATISFACTION_TARGET,
        },
    )


def _aggregate_file(
    questionnaire: Questionnaire, fmt: str, *, public: bool = False
) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            exports.aggregates_xlsx(questionnaire, public=public), content_type=XLSX_TYPE
        )
    else:
        response = HttpResponse(
            exports.aggregates_csv(questionnaire, public=public), content_type=CSV_TYPE
        )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.file_name(questionnaire, fmt)}"'
    )
    return response


@login_required
def aggregates(request: HttpRequest, year: int, group: str, fmt: str) -> HttpResponse:
    """Per unit and question: valid answers, distribution, satisfaction, mean weight (CSV or
    xlsx) for the survey's readers, whatever the year's state. Never a ballot."""
    assessment_year = _year(request, year, "survey.view_results")
    return _aggregate_file(_questionnaire(assessment_year, group), fmt)


def open_aggregates(request: HttpRequest, year: int, group: str, fmt: str) -> HttpResponse:
    """The same aggregates as open data (/mo/), for published years only."""
    found = AssessmentYear.objects.published().filter(year=year).first()
    if found is None:
        raise Http404(_("Không có kết quả công bố của năm này."))
    response = _aggregate_file(_questionnaire(found, group), fmt, public=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    out = io.BytesIO()
    image.save(out)
    text = out.getvalue().decode()
    return text[text.index("<svg") :]


@login_required
def tokens(request: HttpRequest, year: int, group: str) -> HttpResponse:
    """Issue invitation tokens (POST) and print the unused ones of a unit and type as a sheet of
    QR codes with their short codes (GET ?unit=&respondent_type=)."""
    assessment_year = _year(request, year, "survey.manage")
    questionnaire = _questionnaire(assessment_year, group)
    units = Unit.objects.existing_in(assessment_year.year).filter(group=questionnaire.group)
    form = TokensForm(request.POST or None, units=units.order_by("code"))
    if request.method == "POST" and form.is_valid():
        unit, rtype = form.cleaned_data["unit"], form.cleaned_data["respondent_type"]
        try:
            issued = services.issue_tokens(questionnaire, unit, rtype, form.cleaned_data["count"])
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã tạo %(count)s mã mời.") % {"count": len(issued)})
            url = reverse("survey:tokens", args=[assessment_year.year, group])
            return redirect(f"{url}?unit={unit.code}&respondent_type={rtype.code}")
    # Its own ids: the page holds the issuing form's fields of the same names.
    chooser = UnitTypeForm(request.GET or None, units=units.order_by("code"), auto_id="chooser_%s")
    sheet = []
    if chooser.is_valid():
        for token in InvitationToken.objects.filter(
            questionnaire=questionnaire,
            unit=chooser.cleaned_data["unit"],
            respondent_type=chooser.cleaned_data["respondent_type"],
            used_at__isnull=True,
        )[:200]:
            url = request.build_absolute_uri(reverse("survey:ballot", args=[token.code]))
            sheet.append({"code": token.code, "url": url, "svg": _qr_svg(url)})
    return render(
        request,
        "survey/tokens.html",
        {
            "year": assessment_year,
            "questionnaire": questionnaire,
            "form": form,
            "chooser": chooser,
            "sheet": sheet,
            "chosen": chooser.cleaned_data if sheet else None,
            "code_url": request.build_absolute_uri(reverse("survey:ballot_code")),
        },
    )


@login_required
def paper_entry(request: HttpRequest, year: int, group: str) -> HttpResponse:
    """Paper ballots, one per screen: choose the unit and type once, then type the ballot's
    number and its answer codes; after a save the next empty ballot opens at once. With
    `?lan=2` a second clerk types the same ballots again: matches verify them, differences are
    listed for a third look."""
    assessment_year = _year(request, year, "survey.enter_paper")
    questionnaire = _questionnaire(assessment_year, group)
    units = Unit.objects.existing_in(assessment_year.year).filter(group=questionnaire.group)
    chooser = UnitTypeForm(request.GET or None, units=units.order_by("code"))
    second = request.GET.get("lan") == "2"
    form = None
    if chooser.is_valid():
        unit, rtype = chooser.cleaned_data["unit"], chooser.cleaned_data["respondent_type"]
        if not enters_paper_for(request.user, unit):
            raise Http404
        form = PaperForm(request.POST or None, questions=_questions(questionnaire, rtype))
        if request.method == "POST" and form.is_valid():
            reference = form.cleaned_data["reference"]
            try:
                if second:
                    mismatch = services.verify_paper_ballot(
                        questionnaire,
                        unit,
                        rtype,
                        reference,
                        form.answers(),
                        user=request.user,  # type: ignore[arg-type]
                    )
                else:
                    mismatch = None
                    services.cast_ballot(
                        questionnaire,
                        unit,
                        rtype,
                        form.answers(),
                        channel=Channel.PAPER,
                        user=request.user,  # type: ignore[arg-type]
                        reference=reference,
                    )
            except ServiceError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if mismatch is not None:
                    messages.warning(
                        request,
                        _("Phiếu %(ballot)s lệch với lần nhập đầu: đã ghi lại để kiểm tra lần ba.")
                        % {"ballot": reference},
                    )
                else:
                    messages.success(request, _("Đã lưu phiếu %(ballot)s.") % {"ballot": reference})
                return redirect(request.get_full_path())
    return render(
        request,
        "survey/paper.html",
        {
            "year": assessment_year,
            "questionnaire": questionnaire,
            "chooser": chooser,
            "form": form,
            "second": second,
        },
    )


@login_required
def mismatches(request: HttpRequest, year: int, group: str) -> HttpResponse:
    """Paper ballots whose two entries differ, for a third look (the survey's admins only: the
    page shows individual ballots)."""
    assessment_year = _year(request, year, "survey.view_ballots")
    questionnaire = _questionnaire(assessment_year, group)
    listed = EntryMismatch.objects.filter(
        ballot__questionnaire=questionnaire, settled_at__isnull=True
    ).select_related("ballot__unit", "ballot__respondent_type", "entered_by")
    rows = [
        {
            "mismatch": m,
            "first": (first := services.stored_answers(m.ballot)),
            "differs": sorted(
                c for c in set(first) | set(m.answers) if first.get(c) != m.answers.get(c)
            ),
        }
        for m in listed
    ]
    return render(
        request,
        "survey/mismatches.html",
        {"year": assessment_year, "questionnaire": questionnaire, "rows": rows},
    )


@login_required
def settle(request: HttpRequest, year: int, group: str, pk: int) -> HttpResponse:
    """The third look at one paper ballot: the answers read on the paper replace both entries."""
    assessment_year = _year(request, year, "survey.view_ballots")
    questionnaire = _questionnaire(assessment_year, group)
    mismatch = get_object_or_404(
        EntryMismatch.objects.select_related("ballot__respondent_type", "ballot__unit"),
        pk=pk,
        ballot__questionnaire=questionnaire,
        settled_at__isnull=True,
    )
    ballot = mismatch.ballot
    first = services.stored_answers(ballot)
    questions = _questions(questionnaire, ballot.respondent_type)
    initial = {"reference": ballot.reference} | {
        f"q_{q.pk}": first.get(q.code, "") for q in questions
    }
    form = PaperForm(request.POST or None, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settle_mismatch(mismatch, form.answers(), user=request.user)  # type: ignore[arg-type]
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu phiếu %(ballot)s.") % {"ballot": ballot.reference})
            return redirect("survey:mismatches", year=assessment_year.year, group=group)
    return render(
        request,
        "survey/settle.html",
        {
            "year": assessment_year,
            "questionnaire": questionnaire,
            "mismatch": mismatch,
            "first": first,
            "form": form,
        },
    )
