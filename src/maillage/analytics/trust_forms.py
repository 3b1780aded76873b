"""Forms of the stated trust survey: GuardedForm, sent once, a rating from the version it was read at."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.core.forms import GuardedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEVELS = [
    ("1", pgettext_lazy("trust level", "1 — not at all")),
    ("2", pgettext_lazy("trust level", "2 — a little")),
    ("3", pgettext_lazy("trust level", "3 — fairly")),
    ("4", pgettext_lazy("trust level", "4 — very")),
]


class CampaignForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Open from"), widget=DATE)
    closes_on = forms.DateField(label=_("Open until"), widget=DATE)
    anonymous = forms.BooleanField(
        label=_("Anonymous raters"),
        required=False,
        initial=True,
        help_text=_(
            "No result says which organisation gave which rating: a link shows the mean of its two directions once "
            "both answered, an organisation's average received needs 3 raters, the average given is not shown."
        ),
    )


def _level(label, help_text=""):
    return forms.TypedChoiceField(
        label=label, choices=LEVELS, coerce=int, widget=forms.RadioSelect, help_text=help_text
    )


class RatingForm(GuardedForm):
    openness = _level(_("Openness"), _("Does this partner share information and listen to yours?"))
    reliability = _level(_("Reliability"), _("Does this partner do what it said it would, when it said?"))
    shared_mission = _level(_("Shared mission"), _("Does this partner share the network's goals with you?"))
    resources = _level(_("Resources it brings"), _("Staff, places, skills, money, information it puts in."))
    involvement = _level(_("Its involvement"), _("How much this partner takes part in the work together."))
