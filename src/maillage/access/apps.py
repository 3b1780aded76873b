from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "maillage.access"
    verbose_name = _("Access door and audit")

    def ready(self) -> None:
        from maillage.access import dashboard
        from maillage.core.dashboard import register

        register(dashboard.coordinator_cards)
