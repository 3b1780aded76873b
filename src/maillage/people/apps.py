from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "maillage.people"
    verbose_name = _("Persons and their networks")

    def ready(self) -> None:
        from maillage.core.dashboard import register
        from maillage.people import dashboard

        register(dashboard.professional_cards)
        register(dashboard.person_cards)
