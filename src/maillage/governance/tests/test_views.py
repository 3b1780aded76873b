"""The pages: the network's public page shows the charter in force; members comment and sign through forms;
what an actor may not do is neither offered nor accepted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.core.tests.helpers import post_form
from maillage.governance import services
from maillage.governance.enums import AgreementKind, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter(network, coordinator):
    return services.agreement_create(
        coordinator, network, kind=AgreementKind.CHARTER, title="Charte du réseau", text="Article 1. Confiance."
    )


def url(name, obj):
    return reverse(f"governance:{name}", kwargs={"public_id": obj.public_id})


class TestNetworkPage:
    def test_public_page_shows_members_and_the_charter_in_force(self, client, network, coordinator, members, charter):
        version = charter.versions.get()
        page = client.get(url("network_detail", network)).content.decode()
        assert "Service de santé mentale d&#x27;Arlon" in page
        assert "Article 1. Confiance." not in page  # a draft is not public
        services.consultation_open(coordinator, version, ends_on=timezone.localdate() + dt.timedelta(days=3))
        version.refresh_from_db()
        services.version_adopt(coordinator, version, adopted_on=timezone.localdate(), adoption_record="CoPil")
        page = client.get(url("network_detail", network)).content.decode()
        assert "Article 1. Confiance." in page
        assert client.get(url("version_detail", version)).status_code == 200

    def test_a_draft_is_not_public(self, client, charter):
        response = client.get(url("version_detail", charter.versions.get()))
        assert response.status_code == 302 and "login" in response.url

    def test_an_outsider_cannot_open_members_pages(self, client, network, members):
        from maillage.accounts.tests.factories import MembershipFactory

        outsider = MembershipFactory()
        client.force_login(outsider.user)
        assert client.get(url("review_list", network)).status_code == 403
        assert client.get(url("member_add", network)).status_code == 403


class TestCharterThroughPages:
    def test_comment_adopt_and_sign(self, client, network, coordinator, members, charter):
        (arlon, arlon_admin), _ = members
        version = charter.versions.get()
        client.force_login(coordinator.user)
        ends = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        response = post_form(
            client, url("consultation_open", version), {"ends_on": ends}, page=url("version_detail", version)
        )
        assert response.status_code == 302
        version.refresh_from_db()
        assert version.status == VersionStatus.CONSULTATION

        client.force_login(arlon_admin.user)
        page = client.get(url("version_detail", version)).content.decode()
        assert "Send our comment" in page or "Envoyer" in page
        response = post_form(
            client, url("version_comment", version), {"text": "D'accord."}, page=url("version_detail", version)
        )
        assert response.status_code == 302
        assert version.comments.get().member == arlon

        client.force_login(coordinator.user)
        response = post_form(
            client,
            url("version_adopt", version),
            {"adopted_on": timezone.localdate().isoformat(), "adoption_record": "Comité de pilotage"},
            page=url("version_detail", version),
        )
        assert response.status_code == 302

        client.force_login(arlon_admin.user)
        response = post_form(client, url("version_sign", version), {}, page=url("version_detail", version))
        assert response.status_code == 302
        assert version.signatures.get().member == arlon
        page = client.get(url("version_detail", version)).content.decode()
        assert 'action="' + url("version_sign", version) not in page

    def test_the_diff_page_shows_what_changed(self, client, network, coordinator, members, charter):
        (_arlon, arlon_admin), _ = members
        v1 = charter.versions.get()
        services.consultation_open(coordinator, v1, ends_on=timezone.localdate() + dt.timedelta(days=3))
        v1.refresh_from_db()
        services.version_adopt(coordinator, v1, adopted_on=timezone.localdate(), adoption_record="x")
        v2 = services.version_draft(coordinator, charter, text="Article 1. Confiance mutuelle.", changes_summary="")
        client.force_login(arlon_admin.user)
        page = client.get(
            reverse("governance:version_compare", kwargs={"public_id": v2.public_id, "other_id": v1.public_id})
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert "<ins>" in html and "mutuelle" in html


class TestReviewPage:
    def test_a_flagged_review_shows_what_was_found(self, client, network, members):
        (_arlon, arlon_admin), _ = members
        client.force_login(arlon_admin.user)
        response = post_form(
            client,
            url("review_create", network),
            {
                "kind": "DIFFICULTY",
                "title": "Une attente",
                "what_happened": "Née le 14/02/1961, elle a attendu.",
                "what_we_learnt": "Appeler.",
            },
        )
        assert response.status_code == 302
        html = client.get(response.url).content.decode()
        assert "14/02/1961" in html and 'id="flags"' in html


class TestBodyMeetingCalendar:
    def test_a_body_meeting_downloads_as_a_valid_ics_for_members_only(self, client, network, coordinator, members):
        import icalendar

        from maillage.accounts.tests.factories import MembershipFactory
        from maillage.governance.enums import BodyKind

        (arlon, arlon_admin), _bastogne = members
        body = services.body_create(coordinator, network, kind=BodyKind.STEERING, name="Comité de pilotage")
        starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=9)
        meeting = services.meeting_record(
            coordinator, body, starts_at=starts, place="Maison communale, Arlon", agenda="Budget 2027", hosted_by=arlon
        )
        ics = reverse("governance:body_meeting_ics", kwargs={"public_id": meeting.public_id})
        client.force_login(arlon_admin.user)
        assert ics in client.get(url("body_detail", body)).text
        response = client.get(ics)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        (event,) = calendar.walk("VEVENT")
        assert "Comité de pilotage" in str(event["summary"])
        assert event.decoded("dtstart") == starts
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=2)
        assert str(event["location"]) == "Maison communale, Arlon" and "Budget 2027" in str(event["description"])
        assert str(event["url"]).endswith(url("body_detail", body))
        assert calendar.walk("VTIMEZONE")  # the time carries its zone
        # Someone outside the network gets nothing.
        client.force_login(MembershipFactory().user)
        assert client.get(ics).status_code in (403, 404)
