from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "maillage.projects"
    verbose_name = _("Personalised projects")

    def ready(self) -> None:
        from maillage.core.dashboard import register
        from maillage.projects import dashboard

        register(dashboard.professional_cards)
