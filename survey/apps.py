from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Điều tra xã hội học")

    def ready(self) -> None:
        from scoring.selectors.tracker import TRACKER_NOTES
        from survey import permissions  # noqa: F401  (permissions registers the rules)
        from survey.tracker import survey_notes

        if survey_notes not in TRACKER_NOTES:
            TRACKER_NOTES.append(survey_notes)
