# ruff: noqa: RUF001 (the en dash between two hours is intended typography)
"""Opening hours read in words, in French and English, never as the OSM code."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from maillage.directory.hours import opening_hours_lines
from maillage.directory.tests.factories import ServiceFactory

MONDAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("expression", "french", "english"),
    [
        (
            "Mo-Fr 08:30-12:00",
            ["du lundi au vendredi, 8 h 30 – 12 h"],
            ["from Monday to Friday, 8:30 – 12:00"],
        ),
        (
            "Mo-Fr 08:30-12:00,13:00-16:00; Sa 09:00-12:00",
            ["du lundi au vendredi, 8 h 30 – 12 h et 13 h – 16 h", "samedi, 9 h – 12 h"],
            ["from Monday to Friday, 8:30 – 12:00 and 13:00 – 16:00", "Saturday, 9:00 – 12:00"],
        ),
        ("Mo,We 14:00-17:30", ["lundi et mercredi, 14 h – 17 h 30"], ["Monday and Wednesday, 14:00 – 17:30"]),
        ("24/7", ["tous les jours, 0 h – 24 h"], ["every day, 0:00 – 24:00"]),
        ("off", ["fermé cette semaine"], ["closed this week"]),
    ],
)
def test_in_words(expression, french, english):
    with translation.override("fr"):
        assert opening_hours_lines(expression, today=MONDAY) == french
    with translation.override("en"):
        assert opening_hours_lines(expression, today=MONDAY) == english


def test_unreadable_or_empty_gives_no_lines():
    assert opening_hours_lines("not hours at all", today=MONDAY) == []
    assert opening_hours_lines("", today=MONDAY) == []


@pytest.mark.django_db
def test_the_service_page_shows_words_not_the_code(client):
    service = ServiceFactory(opening_hours="Mo-Fr 08:30-12:00")
    html = client.get(reverse("directory:service_detail", kwargs={"public_id": service.public_id})).content.decode()
    assert "Du lundi au vendredi, 8 h 30 – 12 h" in html
    assert "Mo-Fr" not in html
