"""The dashboard's "compute now" form: a period, sent once (GuardedForm); `snapshots.check_period` judges it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import GuardedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComputeForm(GuardedForm):
    start = forms.DateField(label=_("First day of the period"), widget=DATE)
    end = forms.DateField(label=_("Last day of the period"), widget=DATE)
