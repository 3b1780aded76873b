from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "maillage.consent"
    verbose_name = _("Consent and legal bases")
