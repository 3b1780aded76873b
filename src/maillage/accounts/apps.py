from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from maillage.accounts import dashboard
        from maillage.core.dashboard import register

        register(dashboard.admin_cards)
