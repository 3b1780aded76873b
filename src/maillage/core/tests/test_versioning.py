"""No lost updates (ADR 5): a write from an older version is refused with what changed; one of two wins."""

import threading

import pytest
from django.db import close_old_connections, connection

from maillage.core.models import VersionLog
from maillage.core.versioning import StaleWrite, stale_write
from maillage.people.enums import NeedStatus
from maillage.people.models import Need, Person
from maillage.people.tests.factories import NeedFactory, PersonFactory

pytestmark = pytest.mark.django_db


class TestSaveVersioned:
    def test_a_save_increments_the_version_and_logs_what_it_replaced(self):
        need = NeedFactory(own_words="Avant", weight=2)
        assert need.version == 1
        need.own_words, need.weight = "Après", 4
        need.save(update_fields=["own_words", "weight", "updated_at"])
        assert need.version == 2 and Need.objects.get(pk=need.pk).version == 2
        log = VersionLog.objects.get(model="people.need", object_id=need.pk)
        assert log.version == 2 and log.before == {"own_words": "Avant", "weight": 2}
        assert log.subject_id == need.person_id

    def test_a_save_from_an_older_version_is_refused_and_changes_nothing(self):
        need = NeedFactory(own_words="Premier", status=NeedStatus.OPEN)
        theirs = Need.objects.get(pk=need.pk)
        theirs.own_words = "Le leur"
        theirs.save()
        need.own_words = "Le mien"  # `need` still holds version 1
        with pytest.raises(StaleWrite) as refused:
            need.save()
        assert Need.objects.get(pk=need.pk).own_words == "Le leur"
        stale = refused.value
        assert stale.read_version == 1 and stale.current_version == 2
        assert [(c.field, c.then, c.now) for c in stale.changes] == [("own_words", "Premier", "Le leur")]

    def test_what_changed_spans_several_versions_and_shows_labels(self):
        person = PersonFactory(first_name="Ana", preferred_language="fr")
        later = Person.objects.get(pk=person.pk)
        later.first_name = "Anna"
        later.save()
        later.preferred_language = "en"
        later.save()
        later.first_name = "Ana"  # changed and changed back: nothing to show for it
        later.save()
        changes = stale_write(person, read_version=1).changes
        assert [(c.field, c.then, c.now) for c in changes] == [("preferred_language", "Français", "Anglais")]

    def test_a_deleted_row_is_said_deleted(self):
        need = NeedFactory()
        Need.objects.filter(pk=need.pk).delete()
        with pytest.raises(StaleWrite) as refused:
            need.save()
        assert refused.value.deleted and refused.value.changes == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections writing at once: PostgreSQL")
def test_two_concurrent_writes_from_the_same_version_exactly_one_wins():
    need = NeedFactory(own_words="Départ")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(words: str) -> None:
        try:
            mine = Need.objects.get(pk=need.pk)  # both read version 1
            barrier.wait(timeout=10)
            mine.own_words = words
            try:
                mine.save()
                outcomes.append("saved")
            except StaleWrite:
                outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(words,)) for words in ("Un", "Deux")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["refused", "saved"]
    final = Need.objects.get(pk=need.pk)
    assert final.version == 2 and final.own_words in {"Un", "Deux"}
    assert VersionLog.objects.filter(model="people.need", object_id=need.pk).count() == 1
