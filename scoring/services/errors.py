"""Refusals of the services: the one exception type, and the refusals several services share,
each written once with one message."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from scoring.models import AssessmentYear, Sheet, YearState


class ServiceError(Exception):
    """A refused operation; `messages` are Vietnamese sentences for the user."""

    def __init__(self, messages: str | Sequence[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class StaleSheetError(ServiceError):
    """The sheet changed since the form was loaded."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        super().__init__(
            _(
                "Phiếu đã được người khác cập nhật sau khi bạn mở trang. Không có gì được lưu; hãy xem giá trị mới và nhập lại."
            )
        )


def published_refusal(year: AssessmentYear) -> str | None:
    """The one refusal of every change to a published year (None while it is not published).

    Announced results are final: nothing changes until an administrator reopens the year.
    """
    if year.state != YearState.PUBLISHED:
        return None
    return _("Năm %(year)s đã công bố kết quả: không thể thay đổi (cần mở lại năm trước).") % {
        "year": year.year
    }


def ensure_not_published(year: AssessmentYear) -> None:
    refusal = published_refusal(year)
    if refusal:
        raise ServiceError(refusal)
