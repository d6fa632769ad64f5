"""What a unit has to do on the portal, and by when: the one reading of it.

A unit's duties are

- its explanation requests still waiting for its answer, in a year under appraisal (the only
  state in which it may answer). A request is due `settings.EXPLANATION_ANSWER_DAYS` calendar
  days after the day it was asked (`explanation_deadline`), until the end of that day;
- its sheet of a year in self-assessment while it is not submitted, due at the year's
  self-assessment deadline.

Days left follow the portal's one rule (`lib.deadlines`). The navigation's badge, /cua-toi/,
the e-mails to the unit and the tracker read them here, so they say the same thing: services
(the e-mails) and selectors (the pages) both import this module, which imports neither.

Only the unit's own people (staff and leaders, as on /cua-toi/ and in the e-mails) have its
duties; an appraiser's or the leadership's membership has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib.deadlines import Due, day_start, due, local_day, today
from scoring.models import ExplanationRequest, ExplanationState, Sheet, SheetState, YearState
from scoring.permissions import User, memberships
from units.models import Role, Unit

#: The roles whose people do a unit's work (and hear about it).
UNIT_ROLES = (Role.STAFF, Role.LEADER)


# --------------------------------------------------------------------------- the rule


def answer_days() -> int:
    days: int = settings.EXPLANATION_ANSWER_DAYS
    return days


def explanation_deadline(requested_at: datetime) -> date:
    """The day by which the unit answers a request: the day it was asked + the answer days."""
    return local_day(requested_at) + timedelta(days=answer_days())


def overdue_explanations(now: datetime | None = None) -> Q:
    """The requests past their deadline (`explanation_deadline`) as a filter on
    ExplanationRequest, for counting in the database: asked before the first moment of the day
    `answer_days()` before today. Combine it with the state wanted (open ones, usually)."""
    return Q(requested_at__lt=day_start(today(now) - timedelta(days=answer_days())))


# --------------------------------------------------------------------------- a unit's duties


@dataclass(frozen=True)
class RequestDue:
    """An explanation request waiting for the unit's answer."""

    pk: int
    unit_code: str
    year: int
    item_code: str
    item_name: str
    round: int
    requested_at: datetime
    due: Due


@dataclass(frozen=True)
class SheetDue:
    """A sheet of a year in self-assessment, not yet submitted."""

    unit_code: str
    year: int
    deadline: datetime
    due: Due


@dataclass(frozen=True)
class UnitDuties:
    unit: Unit
    requests: tuple[RequestDue, ...]
    sheets: tuple[SheetDue, ...]

    @property
    def count(self) -> int:
        return len(self.requests) + len(self.sheets)

    @property
    def dues(self) -> list[Due]:
        return [r.due for r in self.requests] + [s.due for s in self.sheets]

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.dues if d.overdue)

    @property
    def nearest(self) -> Due | None:
        """The deadline that comes first (the most overdue one, when some are)."""
        return nearest(self.dues)


def nearest(dues: Iterable[Due]) -> Due | None:
    return min(dues, key=lambda d: (d.day, not d.overdue), default=None)


#: What `duty_rows` reads: the open explanation requests (pk, unit id, unit code, year, item
#: code, item name, round, asked at) and the draft sheets (unit id, unit code, year, deadline).
DutyRows = tuple[list[tuple], list[tuple]]


def unit_duties(units: Sequence[Unit], now: datetime | None = None) -> list[UnitDuties]:
    """Each unit's duties (same order as `units`), the soonest due first: two queries however
    many units and requests."""
    if not units:
        return []
    return duties_from_rows(units, duty_rows([unit.pk for unit in units]), now)


def duty_rows(ids: Sequence[int]) -> DutyRows:
    """The rows of these units' duties, as stored (no date computed: `duties_from_rows` does it
    for the moment asked, so that they may be kept in a cache)."""
    requests = (
        ExplanationRequest.objects.filter(
            state=ExplanationState.OPEN,
            score__sheet__unit_id__in=ids,
            score__sheet__year__state=YearState.APPRAISAL,
            # not on an item of a replaced framework version (kept, shown beside the new items)
            score__item__framework__active=True,
        )
        .order_by("requested_at", "pk")
        .values_list(
            "pk",
            "score__sheet__unit_id",
            "score__sheet__unit__code",
            "score__sheet__year__year",
            "score__item__code",
            "score__item__name",
            "round",
            "requested_at",
        )
    )
    drafts = (
        Sheet.objects.filter(
            unit_id__in=ids,
            state=SheetState.DRAFT,
            year__state=YearState.SELF_ASSESSMENT,
            year__self_assessment_deadline__isnull=False,
        )
        .order_by("year__year")
        .values_list("unit_id", "unit__code", "year__year", "year__self_assessment_deadline")
    )
    return list(requests), list(drafts)


def duties_from_rows(
    units: Sequence[Unit], rows: DutyRows, now: datetime | None = None
) -> list[UnitDuties]:
    """Each unit's duties from `duty_rows`, due as of `now` (default: now)."""
    now = now or timezone.now()
    requests: dict[int, list[RequestDue]] = {unit.pk: [] for unit in units}
    sheets: dict[int, list[SheetDue]] = {unit.pk: [] for unit in units}
    request_rows, draft_rows = rows
    for pk, unit_id, code, year, item_code, item_name, number, asked in request_rows:
        requests[unit_id].append(
            RequestDue(
                pk=pk,
                unit_code=code,
                year=year,
                item_code=item_code,
                item_name=item_name,
                round=number,
                requested_at=asked,
                due=due(explanation_deadline(asked), now),
            )
        )
    for unit_id, code, year, deadline in draft_rows:
        if deadline is not None:  # filtered above; for the type checker
            sheets[unit_id].append(SheetDue(code, year, deadline, due(deadline, now)))
    return [
        UnitDuties(
            unit=unit,
            requests=tuple(requests[unit.pk]),  # asked first, due first
            sheets=tuple(sheets[unit.pk]),
        )
        for unit in units
    ]


# --------------------------------------------------------------------------- the signed-in person


def user_units(user: User) -> list[Unit]:
    """The units the person works for (staff or leader), by code."""
    units = {m.unit_id: m.unit for m in memberships(user) if m.role in UNIT_ROLES}
    return sorted(units.values(), key=lambda unit: unit.code)


@dataclass(frozen=True)
class Summary:
    """What the navigation's badge says: the person's units' duties put together."""

    units: tuple[UnitDuties, ...]

    @property
    def count(self) -> int:
        return sum(u.count for u in self.units)

    @property
    def requests(self) -> int:
        return sum(len(u.requests) for u in self.units)

    @property
    def sheets(self) -> int:
        return sum(len(u.sheets) for u in self.units)

    @property
    def overdue(self) -> int:
        return sum(u.overdue for u in self.units)

    @property
    def nearest(self) -> Due | None:
        return nearest(d for u in self.units if (d := u.nearest) is not None)

    @property
    def description(self) -> str:
        """ "2 yêu cầu giải trình chờ trả lời; 1 phiếu tự đánh giá chưa gửi; gần nhất: hạn
        20/03/2026 (còn 3 ngày)" """
        parts = []
        if self.requests:
            parts.append(
                ngettext(
                    "%(count)s yêu cầu giải trình chờ trả lời",
                    "%(count)s yêu cầu giải trình chờ trả lời",
                    self.requests,
                )
                % {"count": self.requests}
            )
        if self.sheets:
            parts.append(
                ngettext(
                    "%(count)s phiếu tự đánh giá chưa gửi",
                    "%(count)s phiếu tự đánh giá chưa gửi",
                    self.sheets,
                )
                % {"count": self.sheets}
            )
        first = self.nearest
        if first is not None:
            parts.append(
                _("gần nhất: hạn %(day)s (%(left)s)")
                % {"day": date_format(first.day, "d/m/Y"), "left": first.label}
            )
        return "; ".join(parts)

    def variant(self) -> tuple[object, ...]:
        """Everything the badge shows, for the key of a cached page (scoring/selectors/cache.py):
        a new request, an answer, a submission or a new day gives a new key."""
        return tuple(
            (
                u.unit.pk,
                tuple((r.pk, r.due) for r in u.requests),
                tuple((s.year, s.due) for s in u.sheets),
            )
            for u in self.units
            if u.count
        )


def request_duties(request: HttpRequest, rows=None) -> Summary:
    """The signed-in person's duties, read once per request (none for an anonymous visitor or
    a person without a unit of their own, at no query beyond their memberships). `rows(ids)`:
    where the rows come from (default `duty_rows`; the page cache passes its cached reader)."""
    found: Summary | None = getattr(request, "_cchc_duties", None)
    if found is None:
        units = user_units(request.user) if request.user.is_authenticated else []
        if units:
            read = rows or duty_rows
            found = Summary(tuple(duties_from_rows(units, read([unit.pk for unit in units]))))
        else:
            found = Summary(())
        request._cchc_duties = found  # type: ignore[attr-defined]
    return found
