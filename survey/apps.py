from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Điều tra xã hội học")

    def ready(self) -> None:
        from scoring.selectors.notes import TRACKER_NOTES, TRACKER_UNIT_NOTES
        from survey import (
            notes,
            permissions,  # noqa: F401  (permissions registers the rules)
        )

        if notes.tracker_notes not in TRACKER_NOTES:
            TRACKER_NOTES.append(notes.tracker_notes)
        if notes.tracker_unit_notes not in TRACKER_UNIT_NOTES:
            TRACKER_UNIT_NOTES.append(notes.tracker_unit_notes)
