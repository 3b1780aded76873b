from django import forms

from maillage.core.widgets import InlineSelect

CHOICES = [
    ("", "Any need"),
    ("housing", "Housing & shelter"),
    ("housing-emergency", '— Emergency "night" shelter'),
    (3, "<b>not bold</b>"),
]
GROUPED = [("", "Any"), ("Domain A", [("a1", "A one"), ("a2", "A two")]), ("b", "B")]


def test_inline_select_renders_what_django_select_renders():
    for choices in (CHOICES, GROUPED):
        for value in ("", "housing-emergency", "3", "a2", None, "unknown"):
            attrs = {"id": "id_need", "aria-describedby": "need-help"}
            expected = forms.Select(choices=choices).render("need", value, attrs=attrs)
            assert InlineSelect(choices=choices).render("need", value, attrs=attrs) == expected


def test_inline_select_marks_only_the_chosen_option_and_escapes_labels():
    html = InlineSelect(choices=CHOICES).render("need", "housing")
    assert '<option value="housing" selected>Housing &amp; shelter</option>' in html
    assert html.count(" selected") == 1
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
