"""Days left before a deadline: the one rule, counted in calendar days in the portal's time zone.

A deadline is due on a day of the province's calendar (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh),
whatever the server's clock or the visitor's language: at 00:30 on 31 March in Hà Nội (still
30 March in UTC) a deadline of 17:00 on 31 March is due *today*. Days are calendar days, not
hours: a deadline at 08:00 tomorrow is "còn 1 ngày" at 23:00 today.

    >>> left = due(datetime(2024, 3, 31, 17, 0, tzinfo=HANOI), now=datetime(2024, 3, 28, 9, 0, tzinfo=HANOI))
    >>> left.days_left, left.overdue, left.label
    (3, False, 'còn 3 ngày')

===================  =========  ========  ===================
deadline             days_left  overdue   label
===================  =========  ========  ===================
tomorrow             1          no        còn 1 ngày
today, still ahead   0          no        hôm nay
today, passed        0          yes       hết hạn hôm nay
yesterday            -1         yes       quá hạn 1 ngày
===================  =========  ========  ===================

A deadline that is a date (no time of day) holds until the end of that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def local_day(moment: datetime) -> date:
    """The day of the portal's calendar (settings.TIME_ZONE) on which `moment` falls."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def today(now: datetime | None = None) -> date:
    """Today in the portal's time zone."""
    return local_day(now or timezone.now())


def day_start(day: date) -> datetime:
    """The first moment of `day` in the portal's time zone (an aware datetime)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def days_left(deadline: date | datetime, now: datetime | None = None) -> int:
    """Calendar days from today to the deadline's day: 0 today, 1 tomorrow, -1 yesterday."""
    day = local_day(deadline) if isinstance(deadline, datetime) else deadline
    return (day - today(now)).days


@dataclass(frozen=True)
class Due:
    """A deadline as people read it: its day, the days left and whether it has passed."""

    day: date
    days_left: int  # calendar days from today (negative: past)
    overdue: bool  # the deadline has passed (at 18:00, a deadline of 17:00 today has)

    @property
    def label(self) -> str:
        """ "còn 3 ngày", "hôm nay", "hết hạn hôm nay", "quá hạn 2 ngày"."""
        if self.days_left > 0:
            return ngettext("còn %(days)s ngày", "còn %(days)s ngày", self.days_left) % {
                "days": self.days_left
            }
        if self.days_left == 0:
            return _("hết hạn hôm nay") if self.overdue else _("hôm nay")
        late = -self.days_left
        return ngettext("quá hạn %(days)s ngày", "quá hạn %(days)s ngày", late) % {"days": late}


def due(deadline: date | datetime, now: datetime | None = None) -> Due:
    """The deadline read at `now` (default: now). A date holds until the end of its day."""
    now = now or timezone.now()
    left = days_left(deadline, now)
    passed = now > deadline if isinstance(deadline, datetime) else left < 0
    day = local_day(deadline) if isinstance(deadline, datetime) else deadline
    return Due(day=day, days_left=left, overdue=passed)
