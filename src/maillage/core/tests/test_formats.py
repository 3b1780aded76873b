"""English dates and times the European way: the network's members write 05/01/2027 for the fifth of January."""

import datetime as dt

from django import forms
from django.utils import formats, translation


def test_english_shows_dates_day_first_and_times_on_24_hours():
    day = dt.date(2027, 1, 5)
    moment = dt.time(14, 30)
    with translation.override("en"):
        assert formats.date_format(day) == "5 January 2027"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05/01/2027"
        assert formats.time_format(moment) == "14:30"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("fr"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05/01/2027"


def test_english_reads_a_typed_date_day_first_as_french_does():
    for language in ("en", "fr"):
        with translation.override(language):
            assert forms.DateField().clean("05/01/2027") == dt.date(2027, 1, 5)
            assert forms.DateField().clean("2027-01-05") == dt.date(2027, 1, 5)
