"""Forms of the access pages that are not guarded writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.territories.selectors import communes_named, place_names

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExistenceCheckForm(forms.Form):
    """Every identifying fact is required: a check with fewer would let a professional browse the files."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    commune = forms.CharField(
        label=_("Commune where the person lives"), max_length=150, help_text=_("For example: Namur.")
    )

    def clean_commune(self) -> list[int]:
        typed = self.cleaned_data["commune"]
        names = set(place_names(typed))
        ids = [commune.pk for commune in communes_named(typed) if commune.search_name in names]
        if not ids:
            raise forms.ValidationError(_("No commune has this name. Check the spelling."))
        return ids
