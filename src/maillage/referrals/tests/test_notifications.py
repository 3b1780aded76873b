"""Notices: the receiver is told of a new referral, the sender of each answer; no side hears of its own move; no
mail carries the person's name or what was typed; the header counts the unopened referrals (a number only)."""

import pytest
from django.urls import reverse

from maillage.referrals import services
from maillage.referrals.enums import DeclineReason
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


def _no_person(scene, mails):
    person = scene.network.person
    for mail in mails:
        assert person.last_name not in mail.body and person.first_name not in mail.body
        assert "Un logement adapté" not in mail.body and "38 ans" not in mail.body


def test_the_receiver_hears_of_a_new_referral_and_the_sender_of_the_answer(
    scene, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(scene)
    to_receiver = [m for m in mailoutbox if scene.receiver.user.email in m.to]
    assert len(to_receiver) == 1 and str(referral.public_id) in to_receiver[0].body
    assert not [m for m in mailoutbox if scene.network.referent.email in m.to]  # not of its own move
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(
            scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY, detail="complet"
        )
    assert [m.to for m in mailoutbox] == [[scene.network.referent.email]]
    _no_person(scene, mailoutbox)
    assert "complet" not in mailoutbox[0].body


def test_a_draft_tells_nobody(scene, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(scene, send=False)
    assert mailoutbox == []


def test_the_header_counts_unopened_referrals(scene, client):
    client.force_login(scene.receiver.user)
    inbox = reverse("referrals:inbox", kwargs={"organisation_id": scene.receiver_org.public_id})
    html = client.get(reverse("core:home")).content.decode()
    assert inbox in html and "badge-warn" not in html.split(inbox)[1][:120]
    referral = send(scene)
    html = client.get(reverse("core:home")).content.decode()
    assert '<span class="badge badge-warn">1</span>' in html
    services.referral_receive(scene.receiver, referral=referral)
    html = client.get(reverse("core:home")).content.decode()
    assert '<span class="badge badge-warn">1</span>' not in html


def test_the_header_counter_is_one_query_on_the_inbox_index(scene, django_assert_num_queries):
    """Every page of a professional pays for the counter: one count, answered from the inbox index alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillage.referrals.selectors import unopened_count

    send(scene)
    with django_assert_num_queries(1), CaptureQueriesContext(connection) as captured:
        assert unopened_count(scene.receiver_org.pk) == 1
    if connection.vendor == "sqlite":  # PostgreSQL plans a few rows with a scan: the plan is checked on SQLite
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[0]["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "COVERING INDEX referrals_inbox_idx" in plan, plan


def test_a_move_nobody_is_told_of_enqueues_nothing(scene, django_capture_on_commit_callbacks):
    """Marking a referral received tells nobody: no task is queued for it (one job and one read fewer per move)."""
    from unittest import mock

    from maillage.referrals import tasks

    referral = send(scene)
    with mock.patch.object(tasks, "tell_of_move") as tell, django_capture_on_commit_callbacks(execute=True):
        services.referral_receive(scene.receiver, referral=referral)
    tell.enqueue.assert_not_called()
    with mock.patch.object(tasks, "tell_of_move") as tell, django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(scene.receiver, referral=referral)
    tell.enqueue.assert_called_once_with(referral.pk, "ACCEPTED", "RECEIVER")
