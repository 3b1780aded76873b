from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    verbose_name = _("Partner directory")

    def ready(self) -> None:
        from maillage.core.dashboard import register
        from maillage.directory import dashboard, signals  # noqa: F401 -- signals connects the search-index receivers

        register(dashboard.member_cards)
        register(dashboard.coordinator_cards)
