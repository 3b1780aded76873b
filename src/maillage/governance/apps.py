from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "maillage.governance"
    verbose_name = _("Network life and governance")

    def ready(self) -> None:
        from maillage.core.dashboard import register
        from maillage.governance import contributions, dashboard, indicators

        indicators.register_builtin()
        contributions.register_referrals()
        register(dashboard.governance_cards)
