from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "maillage.governance"
    verbose_name = _("Network life and governance")

    def ready(self) -> None:
        from maillage.core.dashboard import register
        from maillage.governance import dashboard, indicators

        indicators.register_builtin()
        register(dashboard.governance_cards)
