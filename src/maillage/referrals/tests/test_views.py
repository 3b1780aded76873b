"""The referral pages: the receiver decides from the summary (never the person's name), moves answer 409 with a
clear message when illegal or stale, strangers get 404, every page is no-store."""

import pytest
from django.urls import reverse

from maillage.referrals.enums import ReferralStatus
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


def test_receiver_sees_the_summary_not_the_name(scene, client):
    referral = send(scene)
    client.force_login(scene.receiver.user)
    response = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Un logement adapté" in page
    assert scene.network.person.last_name not in page and scene.network.person.first_name not in page


def test_inbox_and_outbox(scene, client):
    send(scene)
    client.force_login(scene.receiver.user)
    response = client.get(reverse("referrals:inbox", kwargs={"organisation_id": scene.receiver_org.public_id}))
    assert response.status_code == 200 and scene.network.referent_org.name in response.content.decode()
    response = client.get(reverse("referrals:inbox", kwargs={"organisation_id": scene.other_org.public_id}))
    assert response.status_code == 404
    client.force_login(scene.sender.user)
    url = reverse("referrals:outbox", kwargs={"organisation_id": scene.network.referent_org.public_id})
    assert client.get(url + "?status=SENT").status_code == 200


def test_stranger_gets_404(scene, client):
    referral = send(scene)
    client.force_login(scene.other.user)
    response = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
    assert response.status_code == 404


def test_accept_then_illegal_and_concurrent_moves_answer_409(scene, client):
    referral = send(scene)
    url = reverse("referrals:referral_move", kwargs={"referral_id": referral.public_id})
    client.force_login(scene.receiver.user)
    version = referral.version
    response = client.post(url, {"to": "ACCEPTED", "version": version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    response = client.post(url, {"to": "DECLINED", "decline_reason": "NO_CAPACITY", "version": version})
    assert response.status_code == 409
    response = client.post(url, {"to": "FIRST_CONTACT_DONE", "version": version})
    assert response.status_code == 409
    response = client.post(url, {"to": "COMPLETED", "outcome": "NEED_MET", "version": referral.version})
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_bad_input_is_a_clear_error(scene, client):
    referral = send(scene)
    client.force_login(scene.receiver.user)
    url = reverse("referrals:referral_move", kwargs={"referral_id": referral.public_id})
    response = client.post(url, {"to": "DECLINED", "decline_reason": "", "version": referral.version})
    assert response.status_code == 422


class TestOpening:
    """Issue 20, item 2: the receiving organisation opening a referral marks it received."""

    def test_the_receiver_opening_it_marks_it_received_once(self, scene, client):
        from maillage.access.enums import Reason
        from maillage.access.models import AccessEvent
        from maillage.referrals.enums import Party

        referral = send(scene)
        client.force_login(scene.receiver.user)
        url = reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})
        response = client.get(url)
        assert response.status_code == 200
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.RECEIVED and referral.status_changed_at is not None
        step = referral.transitions.get(to_status=ReferralStatus.RECEIVED)
        assert (step.from_status, step.actor, step.party) == (ReferralStatus.SENT, scene.receiver.user, Party.RECEIVER)
        assert step.organisation_id == scene.receiver_org.pk
        assert AccessEvent.objects.filter(
            actor_id=scene.receiver.user.pk,
            person_id=scene.network.person.pk,
            action="EDIT",
            reason=Reason.REFERRAL_RECEIVER,
            extra__to=ReferralStatus.RECEIVED,
        ).exists()
        client.get(url)
        assert referral.transitions.filter(to_status=ReferralStatus.RECEIVED).count() == 1

    def test_the_header_counter_clears_once_opened(self, scene, client):
        referral = send(scene)
        client.force_login(scene.receiver.user)
        assert '<span class="badge badge-warn">1</span>' in client.get(reverse("core:home")).content.decode()
        client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
        assert '<span class="badge badge-warn">1</span>' not in client.get(reverse("core:home")).content.decode()

    def test_the_sender_opening_it_moves_nothing(self, scene, client):
        referral = send(scene)
        client.force_login(scene.sender.user)
        client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT

    def test_an_answer_read_from_the_page_before_it_was_opened_still_wins(self, scene, client):
        """Opening bumps the version: a decline made from the page that opened it carries the new version."""
        referral = send(scene)
        client.force_login(scene.receiver.user)
        page = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
        referral.refresh_from_db()
        assert f'name="version" value="{referral.version}"' in page.content.decode()


def test_the_inbox_costs_the_same_per_row_whatever_the_number_of_rows(scene, client):
    """A 50-row inbox spent half its time per row on `{% url %}` and `get_FOO_display`: both are done once per
    page now, and each row still shows its link, urgency and status."""
    from unittest import mock

    import django.urls

    from maillage.referrals import services
    from maillage.referrals.enums import Agreement

    client.force_login(scene.receiver.user)
    url = reverse("referrals:inbox", kwargs={"organisation_id": scene.receiver_org.public_id})

    counted_calls: list = []

    def page() -> tuple[int, str]:
        # `{% url %}` imports `django.urls.reverse` as it renders: counting it counts the template's links.
        with mock.patch.object(django.urls, "reverse", wraps=django.urls.reverse) as counted:
            html = client.get(url, headers={"Accept-Language": "fr"}).content.decode()
        counted_calls[:] = counted.call_args_list
        return counted.call_count, html

    referrals = [send(scene)]
    page()  # the first request of a process reverses a few more URLs, once
    one, _html = page()
    for words in ("Un suivi budgétaire.", "Une aide au déménagement.", "Une caution."):
        referrals.append(
            services.referral_create(
                scene.sender,
                person=scene.network.person,
                life_domain=scene.network.housing,
                receiver_organisation=scene.receiver_org,
                expected=words,
                agreement=Agreement.ORALLY,
            )
        )
    many, html = page()
    assert many == one, [call.args[0] for call in counted_calls]
    assert all(f'href="/referrals/{r.public_id}/"' in html for r in referrals)
    assert html.count("Dans les jours à venir") == 1 and html.count("Dans les semaines à venir") == 3
    assert html.count(">Envoyée</td>") == 4
