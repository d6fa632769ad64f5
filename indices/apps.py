from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "indices"
    verbose_name = _("Chỉ số liên quan")

    def ready(self) -> None:
        from indices import permissions, signals

        signals.connect()
        assert permissions  # noqa: S101 - imported for its rules
