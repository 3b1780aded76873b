from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from maillage.core.widgets import InlineSelect

CHOICES = [
    ("", gettext_lazy("Any need")),
    ("housing", "Housing & shelter"),
    ("housing-emergency", '— Emergency "night" shelter'),
    (3, "<b>not bold</b>"),
    ("safe", mark_safe("<i>kept</i>")),
]
GROUPED = [("", "Any"), ("Domain <A>", [("a1", "A one"), ("a2", "A two")]), ("b", "B")]
ATTRS = [
    None,
    {"id": "id_need", "aria-describedby": "need-help"},
    {"required": True, "disabled": False, "data-x": '"quoted" & <tag>', "class": mark_safe("a<b")},
]


def test_inline_select_renders_what_django_select_renders():
    for choices in (CHOICES, GROUPED):
        for value in ("", "housing-emergency", "3", "a2", None, "unknown"):
            for attrs in ATTRS:
                expected = forms.Select(choices=choices).render("need", value, attrs=attrs)
                assert InlineSelect(choices=choices).render("need", value, attrs=attrs) == expected


def test_inline_select_renders_what_django_select_renders_in_a_form():
    class Form(forms.Form):
        slow = forms.ChoiceField(choices=CHOICES, required=False)
        fast = forms.ChoiceField(choices=CHOICES, required=False, widget=InlineSelect)

    form = Form({"slow": "housing", "fast": "housing"})
    assert str(form["fast"]).replace("fast", "slow") == str(form["slow"])


def test_inline_select_marks_only_the_chosen_option_and_escapes_labels():
    html = InlineSelect(choices=CHOICES).render("need", "housing")
    assert '<option value="housing" selected>Housing &amp; shelter</option>' in html
    assert html.count(" selected") == 1
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
