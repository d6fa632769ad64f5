from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Chấm điểm")

    def ready(self) -> None:
        from scoring import permissions  # noqa: F401  (permissions registers the rules)
        from scoring.selectors import cache as caching

        caching.connect_signals()
