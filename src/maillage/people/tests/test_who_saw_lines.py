""" "Who saw my file" grouped: one line per organisation and day, the person's own visits apart, filters, print."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from maillage.access import who_saw
from maillage.access.selectors import access_events_of
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory

# Visits on two days to come (consents and involvements start today).
DAY = datetime.combine(timezone.localdate() + timedelta(days=1), time(10))
NEXT = (DAY + timedelta(days=1)).date()


@pytest.fixture
def history(network, client, monkeypatch):
    """The partner opens the file twice on DAY, the referent once the day after, the person looks at
    their own file the day after: every visit is a real page view, on a chosen day."""
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    network.person.save(update_fields=["user"])
    detail = reverse("people:person_detail", kwargs={"public_id": network.person.public_id})

    def visit(user, url, moment):
        aware = timezone.make_aware(moment)
        monkeypatch.setattr(timezone, "now", lambda: aware)
        client.force_login(user)
        assert client.get(url).status_code == 200

    visit(network.partner, detail, DAY)
    visit(network.partner, detail, DAY + timedelta(hours=2))
    visit(network.referent, detail, DAY + timedelta(days=1))
    visit(network.person.user, who_saw_url(network), DAY + timedelta(days=1, hours=1))
    monkeypatch.undo()
    return network


def who_saw_url(network, name="access:who_saw"):
    return reverse(name, kwargs={"public_id": network.person.public_id})


def lines(network, **filters):
    events = access_events_of(network.person)
    form = who_saw.WhoSawFilter(filters or None, events=events, for_person=True)
    chosen = form.apply(events, person_user_id=network.person.user_id)
    _, days = who_saw.day_pages(chosen, None, printable=True)
    return who_saw.group_sightings(chosen, days, person_user_id=network.person.user_id, for_person=True)


def test_one_line_per_organisation_and_day_and_the_persons_own_visits_apart(history):
    partner_entries = access_events_of(history.person).filter(organisation_id=history.partner_org.pk)
    assert partner_entries.count() > 2  # several entries (two visits, several categories each) ...
    with translation.override("fr"):
        others, own = lines(history)
    # ... one line, latest day first
    expected = [(NEXT, "CPAS de Namur"), (DAY.date(), "Centre de santé mentale")]
    assert [(g.day, g.organisation) for g in others] == expected
    assert others[1].entries == partner_entries.count()
    with translation.override("fr"):
        day = formats.date_format(DAY.date(), "DATE_FORMAT")
    assert others[1].sentence.startswith(f"Centre de santé mentale a consulté votre dossier le {day} : ")
    assert "identité" in others[1].sentence and "Paul Partenaire" in others[1].people[0]
    assert [(g.day, g.own) for g in own] == [(NEXT, True)]
    assert own[0].sentence.startswith("Vous avez consulté votre dossier le ")


def test_filters_by_organisation_period_and_own_visits(history):
    others, own = lines(history, organisation=str(history.partner_org.pk))
    assert [g.organisation for g in others] == ["Centre de santé mentale"] and not own
    others, own = lines(history, start=NEXT.isoformat(), end=NEXT.isoformat())
    assert [g.organisation for g in others] == ["CPAS de Namur"] and len(own) == 1
    others, own = lines(history, who="own")
    assert not others and len(own) == 1
    others, own = lines(history, who="others")
    assert len(others) == 2 and not own


def test_only_organisations_of_the_history_are_offered_in_french_order(history):
    form = who_saw.WhoSawFilter(events=access_events_of(history.person), for_person=True)
    names = [name for _, name in form.fields["organisation"].choices][1:]
    assert names == ["Centre de santé mentale", "CPAS de Namur"]  # "Ce" before "CP", case aside
    assert "Service étranger" not in names


def test_the_person_reads_grouped_lines_and_a_printable_version(history, client):
    client.force_login(history.person.user)
    html = client.get(who_saw_url(history), {"organisation": history.partner_org.pk}).content.decode()
    assert html.count('class="who-saw-line"') == 1 and "votre dossier" in html
    assert "who-saw/print/?organisation=" in html
    printable = client.get(who_saw_url(history, "access:who_saw_print"), {"organisation": history.partner_org.pk})
    text = printable.content.decode()
    assert printable.status_code == 200 and "no-store" in printable["Cache-Control"]
    assert "data-print" in text and "Centre de santé mentale a consulté" in text and "CPAS de Namur" not in text
    assert 'class="pagination"' not in text


def test_a_period_that_ends_before_it_starts_is_a_clear_error(history, client):
    client.force_login(history.person.user)
    backwards = {"start": NEXT.isoformat(), "end": DAY.date().isoformat()}
    html = client.get(who_saw_url(history), backwards).content.decode()
    assert "La fin de la période précède son début." in html
