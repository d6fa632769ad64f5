from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Chấm điểm")

    def ready(self) -> None:
        from scoring import permissions  # noqa: F401  (permissions registers the rules)
        from scoring.selectors import cache as caching

        caching.connect_signals()
        # The path converters (a value that cannot name anything is a 404 before any query),
        # for every app's routes whatever the order their URLs are included in.
        from django.urls import register_converter

        from scoring.converters import CodeConverter, IdConverter, YearConverter

        register_converter(CodeConverter, "code")
        register_converter(IdConverter, "id")
        register_converter(YearConverter, "year")
