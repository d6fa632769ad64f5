"""Whether a year may be published, and the decisions that let a unit through with work open.

    readiness = publication_readiness(year)      # per group and unit, in a fixed number of queries
    readiness.ready                              # nothing open without a decision
    readiness.refusal()                          # ServiceError listing what is open, or None
    record_decision(year, unit, reason, user=…)  # publish this unit as it stands, with a reason
    withdraw_decision(year, unit, user=…)

What is open for a unit: its sheet not submitted, appraisal items not yet appraised (no points
and not marked not applicable), explanation requests not closed, survey items without points,
domains of its framework that nobody may appraise (everyone who may appraise belongs to it:
`permissions` lets nobody appraise their own unit). For a unit group: no framework, no bands.
`year_states.publish` refuses while anything is open, except for units with a recorded
decision; a group's problems have no decision: they must be fixed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.models import (
    AssessmentYear,
    Band,
    ExplanationRequest,
    ExplanationState,
    Framework,
    Item,
    Method,
    PublicationDecision,
    Sheet,
    SheetState,
    count_per,
)
from scoring.permissions import Account
from scoring.services.errors import ServiceError, ensure_not_published
from units.models import Membership, Role, Unit, UnitGroup

#: Stands for "every domain" in an appraiser's reach.
EVERY_DOMAIN = None


@dataclass(frozen=True)
class UnitReadiness:
    sheet: Sheet
    submitted: bool
    appraised: int  # appraisal items with points or marked not applicable
    appraisal_items: int
    open_explanations: int  # requests not closed (waiting for the unit or for the council)
    surveyed: int  # survey items with points or marked not applicable
    survey_items: int
    unappraisable_domains: tuple[str, ...]  # domains nobody may appraise for this unit
    decision: PublicationDecision | None

    @property
    def unit(self) -> Unit:
        return self.sheet.unit

    @property
    def unappraised(self) -> int:
        return self.appraisal_items - self.appraised

    @property
    def survey_missing(self) -> int:
        return self.survey_items - self.surveyed

    @property
    def is_open(self) -> bool:
        return bool(self.problems())

    @property
    def blocks(self) -> bool:
        """Open, and no decision lets it through."""
        return self.is_open and self.decision is None

    def open_items(self) -> list[tuple[str, str]]:
        """What is open, as (kind, short Vietnamese phrase); kinds: "sheet", "appraisal",
        "explanations", "survey", "appraisers" (the page links each to where it is fixed)."""
        found = []
        if not self.submitted:
            found.append(("sheet", _("phiếu chưa gửi")))
        if self.unappraised:
            found.append(
                (
                    "appraisal",
                    _("%(missing)s/%(total)s tiêu chí chưa thẩm định")
                    % {"missing": self.unappraised, "total": self.appraisal_items},
                )
            )
        if self.open_explanations:
            found.append(
                (
                    "explanations",
                    ngettext(
                        "%(count)s yêu cầu giải trình chưa đóng",
                        "%(count)s yêu cầu giải trình chưa đóng",
                        self.open_explanations,
                    )
                    % {"count": self.open_explanations},
                )
            )
        if self.survey_missing:
            found.append(
                (
                    "survey",
                    _("%(missing)s/%(total)s tiêu chí điều tra xã hội học chưa có điểm")
                    % {"missing": self.survey_missing, "total": self.survey_items},
                )
            )
        if self.unappraisable_domains:
            found.append(
                (
                    "appraisers",
                    _("không ai được thẩm định lĩnh vực %(domains)s")
                    % {"domains": ", ".join(self.unappraisable_domains)},
                )
            )
        return found

    def problems(self) -> list[str]:
        """What is open, each as a short Vietnamese phrase (empty: ready)."""
        return [text for _kind, text in self.open_items()]

    def summary(self) -> str:
        """ "Sở Tư pháp (STP): phiếu chưa gửi; 3/80 tiêu chí chưa thẩm định"."""
        return _("%(unit)s (%(code)s): %(problems)s") % {
            "unit": self.unit.name,
            "code": self.unit.code,
            "problems": "; ".join(self.problems()),
        }


@dataclass(frozen=True)
class GroupReadiness:
    group: UnitGroup
    has_framework: bool
    has_bands: bool
    units: list[UnitReadiness]

    def problems(self) -> list[str]:
        found = []
        if not self.has_framework:
            found.append(_("chưa có bộ chỉ số"))
        if not self.has_bands:
            found.append(_("chưa có thang xếp loại"))
        return found

    @property
    def open_units(self) -> list[UnitReadiness]:
        return [unit for unit in self.units if unit.is_open]

    @property
    def blocking_units(self) -> list[UnitReadiness]:
        return [unit for unit in self.units if unit.blocks]

    @property
    def ready(self) -> bool:
        return not self.problems() and not self.blocking_units


@dataclass(frozen=True)
class Readiness:
    year: AssessmentYear
    groups: list[GroupReadiness]

    @property
    def ready(self) -> bool:
        return all(group.ready for group in self.groups)

    @property
    def blocking_units(self) -> list[UnitReadiness]:
        return [unit for group in self.groups for unit in group.blocking_units]

    @property
    def decided_units(self) -> list[UnitReadiness]:
        return [unit for group in self.groups for unit in group.units if unit.decision]

    def unit(self, unit: Unit) -> UnitReadiness | None:
        for group in self.groups:
            for readiness in group.units:
                if readiness.sheet.unit_id == unit.pk:
                    return readiness
        return None

    def open_lines(self) -> list[str]:
        """One line per group problem and per unit left open without a decision."""
        lines = [
            _("%(group)s: %(problems)s")
            % {"group": group.group.name, "problems": "; ".join(group.problems())}
            for group in self.groups
            if group.problems()
        ]
        lines += [unit.summary() for unit in self.blocking_units]
        return lines

    def refusal(self) -> ServiceError | None:
        """Why the year may not be published yet (every open line), or None when it may."""
        if self.ready:
            return None
        headline = _(
            "Chưa thể công bố kết quả năm %(year)s: còn việc chưa xong. Hãy hoàn tất, hoặc ghi "
            "quyết định công bố (có lý do) cho từng đơn vị còn thiếu:"
        ) % {"year": self.year.year}
        return ServiceError([headline, *self.open_lines()])


Reach = list[tuple[set[int], set[str] | None]]


def _reach() -> Reach:
    """(units they belong to, domains they may appraise or EVERY_DOMAIN) of every active person
    who may appraise: superusers, administrators and appraisers (`permissions`)."""
    user_model = get_user_model()
    people = Membership.objects.filter(
        user__is_active=True, role__in=[Role.ADMIN, Role.APPRAISER]
    ).values_list("user_id", flat=True)
    chosen = set(people) | set(
        user_model.objects.filter(is_active=True, is_superuser=True).values_list("id", flat=True)
    )
    superusers = set(
        user_model.objects.filter(id__in=chosen, is_superuser=True).values_list("id", flat=True)
    )
    units: dict[int, set[int]] = defaultdict(set)
    domains: dict[int, set[str] | None] = {pk: set() for pk in chosen}
    for pk in superusers:
        domains[pk] = EVERY_DOMAIN
    for user_id, unit_id, role, listed in Membership.objects.filter(user_id__in=chosen).values_list(
        "user_id", "unit_id", "role", "domains"
    ):
        units[user_id].add(unit_id)
        reach = domains[user_id]
        if reach is EVERY_DOMAIN:
            continue
        if role == Role.ADMIN or (role == Role.APPRAISER and not listed):
            domains[user_id] = EVERY_DOMAIN
        elif role == Role.APPRAISER:
            reach.update(str(code) for code in listed)
    return [(units[pk], domains[pk]) for pk in chosen]


def _unappraisable(unit_id: int, needed: list[str], reach: Reach) -> tuple[str, ...]:
    covered: set[str] = set()
    for their_units, their_domains in reach:
        if unit_id in their_units:
            continue  # nobody appraises a unit they belong to
        if their_domains is EVERY_DOMAIN:
            return ()
        covered |= their_domains
    return tuple(code for code in needed if code not in covered)


def publication_readiness(year: AssessmentYear) -> Readiness:
    """What is still open in `year`, per unit group and unit, in a fixed number of queries."""
    sheets = list(
        Sheet.objects.filter(year=year)
        .select_related("unit__group")
        .order_by("unit__group__order", "unit__group__code", "unit__code")
    )
    appraised = Sheet.objects.settled_counts(year, Method.APPRAISAL)
    claimed_extras = Sheet.objects.claimed_extra_counts(year)
    surveyed = Sheet.objects.settled_counts(year, Method.SURVEY)
    explanations = count_per(
        ExplanationRequest.objects.filter(
            score__sheet__year=year, score__item__framework__active=True
        ).exclude(state=ExplanationState.CLOSED),
        "score__sheet_id",
    )
    with_framework = set(Framework.objects.filter(year=year).values_list("group_id", flat=True))
    with_bands = set(Band.objects.filter(year=year).values_list("group_id", flat=True))
    domains: dict[int, list[str]] = defaultdict(list)
    for group_id, code in (
        Item.objects.filter(framework__year=year, is_scored=True, method=Method.APPRAISAL)
        .order_by("sort_key")
        .values_list("framework__group_id", "code")
    ):
        domain = code.split(".", 1)[0]
        if domain not in domains[group_id]:
            domains[group_id].append(domain)
    decisions = {
        decision.unit_id: decision
        for decision in PublicationDecision.objects.filter(year=year).select_related("decided_by")
    }
    reach = _reach()

    by_group: dict[int, list[UnitReadiness]] = defaultdict(list)
    groups: dict[int, UnitGroup] = {}
    for sheet in sheets:
        group = sheet.unit.group
        groups[group.pk] = group
        done, total = appraised.get(sheet.pk, (0, 0))
        extra_done, extra_total = claimed_extras.get(sheet.pk, (0, 0))
        done, total = done + extra_done, total + extra_total
        survey_done, survey_total = surveyed.get(sheet.pk, (0, 0))
        by_group[group.pk].append(
            UnitReadiness(
                sheet=sheet,
                submitted=sheet.state == SheetState.SUBMITTED,
                appraised=done,
                appraisal_items=total,
                open_explanations=explanations.get(sheet.pk, 0),
                surveyed=survey_done,
                survey_items=survey_total,
                unappraisable_domains=_unappraisable(sheet.unit_id, domains[group.pk], reach),
                decision=decisions.get(sheet.unit_id),
            )
        )
    return Readiness(
        year=year,
        groups=[
            GroupReadiness(
                group=group,
                has_framework=pk in with_framework,
                has_bands=pk in with_bands,
                units=by_group[pk],
            )
            for pk, group in groups.items()
        ],
    )


@transaction.atomic
def record_decision(
    year: AssessmentYear, unit: Unit, reason: str, *, user: Account | None
) -> PublicationDecision:
    """Let `unit` be published as it stands, with a reason; replaces an earlier decision."""
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Cần ghi lý do của quyết định công bố."))
    readiness = publication_readiness(year).unit(unit)
    if readiness is None:
        raise ServiceError(
            _("%(unit)s không có phiếu năm %(year)s.") % {"unit": unit.name, "year": year.year}
        )
    if not readiness.is_open:
        raise ServiceError(
            _("%(unit)s không còn việc nào chưa xong: không cần quyết định công bố.")
            % {"unit": unit.name}
        )
    decision, _created = PublicationDecision.objects.update_or_create(
        year=year,
        unit=unit,
        defaults={
            "reason": reason,
            "open_items": "; ".join(readiness.problems()),
            "decided_by": user if user is not None and user.is_authenticated else None,
        },
    )
    return decision


@transaction.atomic
def withdraw_decision(year: AssessmentYear, unit: Unit, *, user: Account | None) -> bool:
    """Remove the unit's decision (True if there was one)."""
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    deleted, _rows = PublicationDecision.objects.filter(year=year, unit=unit).delete()
    return bool(deleted)


__all__ = [
    "GroupReadiness",
    "Readiness",
    "UnitReadiness",
    "publication_readiness",
    "record_decision",
    "withdraw_decision",
]
