from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    verbose_name = _("Partner directory")

    def ready(self) -> None:
        from maillage.directory import signals  # noqa: F401 -- connects the search-index receivers
