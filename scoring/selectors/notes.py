"""Lines that apps built on scoring add to its pages, scoring importing none of them.

An app registers a function in its `AppConfig.ready()` (the survey: ballots collected on the
tracker); the page's view asks for the notes and the template lists them, each with a link.
(The unit profile is cached whole for many viewers: the survey's lines there come from its own
fragment, `survey:profile_notes`, which the profile loads apart.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scoring.models import AssessmentYear


@dataclass(frozen=True)
class Note:
    text: str
    url: str
    detail: str = ""  # shown after the text from tablet width up (a phone shows the text alone)


#: year → notes above the submission tracker.
TRACKER_NOTES: list[Callable[[AssessmentYear], list[Note]]] = []


def tracker_notes(year: AssessmentYear) -> list[Note]:
    return [note for source in TRACKER_NOTES for note in source(year)]


#: year → {unit id: notes}, a compact line under each unit of the tracker (the survey: ballots
#: collected per respondent type against the targets).
TRACKER_UNIT_NOTES: list[Callable[[AssessmentYear], dict[int, list[Note]]]] = []


def tracker_unit_notes(year: AssessmentYear) -> dict[int, list[Note]]:
    found: dict[int, list[Note]] = {}
    for source in TRACKER_UNIT_NOTES:
        for unit_id, notes in source(year).items():
            found.setdefault(unit_id, []).extend(notes)
    return found
