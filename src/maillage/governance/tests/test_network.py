"""The network as an object, set up and run from the pages: its territory, the rights of its colleges, conventions
renewed before they end, and what each member brought, shown as recognition and never as a ranking."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from maillage.accounts.enums import Sector
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.core.tests.helpers import post_form
from maillage.governance import contributions, selectors, services
from maillage.governance.dashboard import governance_cards
from maillage.governance.enums import AgreementKind, BodyKind, College, ReviewKind
from maillage.governance.models import CollegeRights, Network
from maillage.governance.tests.factories import NetworkMemberFactory, admin_of
from maillage.territories.models import Level, Territory

pytestmark = pytest.mark.django_db


def url(name, obj, **kwargs):
    return reverse(f"governance:{name}", kwargs={"public_id": obj.public_id, **kwargs})


class TestSetUp:
    def test_platform_staff_sets_a_network_up_from_the_page(self, client):
        coordination = OrganisationFactory(sector=Sector.NETWORK, name="Coordination Sud-Luxembourg")
        province = Territory.objects.create(level=Level.PROVINCE, name="Province de Luxembourg", code="80000x")
        client.force_login(UserFactory(is_staff=True))
        assert f'href="{reverse("governance:network_create")}"' in client.get(reverse("governance:network_list")).text
        response = post_form(
            client,
            reverse("governance:network_create"),
            {
                "organisation": coordination.pk,
                "name": "Réseau Sud-Luxembourg",
                "mission": "Travailler ensemble autour de la personne.",
                "openness": "Ouvert aux élus locaux.",
                "territories": [province.pk],
            },
        )
        assert response.status_code == 302
        network = Network.objects.get()
        assert network.organisation == coordination and list(network.territories.all()) == [province]
        # The non-professional colleges start with their rights, without signing.
        assert set(network.college_rights.values_list("college", "may_sign")) == {
            (College.PUBLIC_AUTHORITY, False),
            (College.USERS_ASSOCIATION, False),
            (College.RESIDENTS, False),
        }
        assert response.url == url("network_detail", network)

    def test_an_empty_form_answers_field_errors_and_a_professional_cannot_set_up(self, client):
        client.force_login(UserFactory(is_staff=True))
        response = post_form(client, reverse("governance:network_create"), {"name": "", "mission": ""})
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.text or "errorlist" in response.text
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("governance:network_create")).status_code == 403


class TestCollegeRights:
    def test_the_coordinator_lets_users_associations_sign(self, client, network, coordinator):
        CollegeRights.objects.create(network=network, college=College.USERS_ASSOCIATION, may_sign=False)
        client.force_login(coordinator.user)
        page = client.get(url("network_detail", network)).text
        edit = url("college_rights_edit", network, college=College.USERS_ASSOCIATION)
        assert f'href="{edit}"' in page
        response = post_form(client, edit, {"may_comment": "on", "may_sign": "on", "may_sit": "on"})
        assert response.status_code == 302
        row = CollegeRights.objects.get(network=network, college=College.USERS_ASSOCIATION)
        assert (row.may_comment, row.may_sign, row.may_sit, row.may_attend_events) == (True, True, True, False)
        assert row.version == 2

    def test_professionals_keep_every_right_and_members_do_not_change_rights(
        self, client, network, coordinator, members
    ):
        with pytest.raises(ValidationError):
            services.college_rights_update(coordinator, network, college=College.PROFESSIONAL, may_sign=False)
        assert client.get(url("college_rights_edit", network, college="NOPE")).status_code in (302, 404)
        client.force_login(members[0][1].user)
        edit = url("college_rights_edit", network, college=College.RESIDENTS)
        assert client.get(edit).status_code == 403
        with pytest.raises(PermissionDenied):
            services.college_rights_update(members[0][1], network, college=College.RESIDENTS, may_sign=True)


class TestConventionRenewal:
    @pytest.fixture
    def convention(self, network, coordinator, members):
        today = timezone.localdate()
        agreement = services.agreement_create(
            coordinator,
            network,
            kind=AgreementKind.CONVENTION,
            title="Convention logement",
            text="Engagements",
            parties=[m for m, _actor in members],
            starts_on=today - dt.timedelta(days=700),
            ends_on=today + dt.timedelta(days=30),
            renewal_notice_days=60,
        )
        return agreement

    def test_a_convention_ending_soon_is_on_the_cards_until_renewed(
        self, client, network, coordinator, members, convention
    ):
        (_arlon, arlon_admin), _ = members
        outsider = NetworkMemberFactory(network=network)
        assert selectors.conventions_to_renew(network, timezone.localdate()) == [convention]
        assert selectors.conventions_to_renew(network, timezone.localdate(), outsider) == []
        for actor in (coordinator, arlon_admin):
            card = next(c for c in governance_cards(actor) if c.key == "conventions-to-renew")
            assert card.count == 1 and card.urgent
        assert not [c for c in governance_cards(admin_of_actor(outsider)) if c.key == "conventions-to-renew"]

        client.force_login(coordinator.user)
        new_end = (timezone.localdate() + dt.timedelta(days=730)).isoformat()
        page = client.get(url("agreement_detail", convention)).text
        read = convention.ends_on.isoformat()
        assert f'name="read_ends_on" value="{read}"' in page
        response = post_form(
            client,
            url("agreement_renew", convention),
            {"ends_on": new_end, "read_ends_on": read},
            page=url("agreement_detail", convention),
        )
        assert response.status_code == 302
        convention.refresh_from_db()
        assert convention.ends_on.isoformat() == new_end
        assert selectors.conventions_to_renew(network, timezone.localdate()) == []

    def test_a_renewal_from_an_outdated_page_or_to_an_earlier_date_is_refused(self, coordinator, convention):
        with pytest.raises(ValidationError):
            services.agreement_renew(
                coordinator,
                convention,
                ends_on=convention.ends_on + dt.timedelta(days=365),
                read_ends_on=convention.ends_on - dt.timedelta(days=1),
            )
        with pytest.raises(ValidationError):
            services.agreement_renew(
                coordinator, convention, ends_on=convention.ends_on, read_ends_on=convention.ends_on
            )


def admin_of_actor(member):
    from maillage.accounts.actors import actor_for

    membership = admin_of(member)
    return actor_for(membership.user, membership.organisation_id)


class TestContributions:
    def test_each_member_is_thanked_for_what_it_brought_in_alphabetical_order(
        self, client, network, coordinator, members
    ):
        (arlon, arlon_admin), (bastogne, bastogne_admin) = members
        body = services.body_create(coordinator, network, kind=BodyKind.STEERING, name="Comité de pilotage")
        services.mandate_add(
            coordinator, body, member=arlon, holder=None, role="CHAIR", starts_on=timezone.localdate()
        )
        for day in (10, 20):
            services.meeting_record(
                coordinator,
                body,
                starts_at=timezone.now() - dt.timedelta(days=day),
                hosted_by=bastogne,
                present=[arlon, bastogne],
            )
        review = services.review_save(
            arlon_admin,
            network,
            kind=ReviewKind.SUCCESS,
            title="Une sortie préparée",
            what_happened="Une sortie préparée trois semaines avant.",
            what_we_learnt="Préparer tôt.",
        )
        services.review_share(arlon_admin, review)
        services.practice_sheet_save(bastogne_admin, network, title="Préparer tôt", text="Trois semaines avant.")

        with translation.override("en"):
            rows = contributions.recognitions(network, selectors.current_members(network))
        assert [row.member for row in rows] == [bastogne, arlon]  # "CPAS de Bastogne" < "Service de santé…"
        words = {row.member.pk: row.items for row in rows}
        assert words[arlon.pk] == ["1 experience review shared", "1 seat held on the network's bodies"]
        assert words[bastogne.pk] == ["2 meetings and visits hosted", "1 practice sheet contributed"]

        client.force_login(arlon_admin.user)
        page = client.get(url("contributions", network)).text
        assert "classement" in page and "2 réunions et visites accueillies" in page
        assert "1 fiche pratique apportée" in page


class TestReferralContributions:
    def test_referrals_sent_and_taken_up_are_counted_per_member_without_any_person(
        self, client, network, coordinator, members
    ):
        from maillage.people.tests.factories import PersonFactory, TaxonomyTermFactory
        from maillage.referrals.enums import ReferralStatus
        from maillage.referrals.models import Referral

        (arlon, arlon_admin), (bastogne, _bastogne_admin) = members
        outsider = OrganisationFactory(name="Hors réseau")
        domain = TaxonomyTermFactory()
        person = PersonFactory(first_name="Zoé", last_name="Quenotte")
        sent = timezone.now() - dt.timedelta(days=3)
        rows = [
            (arlon, bastogne.organisation, ReferralStatus.ACCEPTED, sent),
            (arlon, bastogne.organisation, ReferralStatus.COMPLETED, sent),
            (arlon, outsider, ReferralStatus.DECLINED, sent),
            (arlon, outsider, ReferralStatus.DRAFT, None),  # never sent: not counted
            (bastogne, arlon.organisation, ReferralStatus.SENT, sent),  # not answered yet: not taken up
        ]
        for sender, receiver, status, sent_at in rows:
            Referral.objects.create(
                person=person,
                life_domain=domain,
                sender_organisation=sender.organisation,
                receiver_organisation=receiver if not hasattr(receiver, "organisation") else receiver.organisation,
                expected="Un logement",
                agreement="ORALLY",
                status=status,
                sent_at=sent_at,
            )
        with translation.override("en"):
            rows = contributions.recognitions(network, selectors.current_members(network))
        words = {row.member.pk: row.items for row in rows}
        assert "3 referrals sent" in words[arlon.pk]
        assert not any("taken up" in item for item in words[arlon.pk])
        assert "1 referral sent" in words[bastogne.pk] and "2 referrals taken up" in words[bastogne.pk]

        client.force_login(arlon_admin.user)
        page = client.get(url("contributions", network)).text
        assert "3 orientations envoyées" in page and "2 orientations acceptées" in page
        assert "Quenotte" not in page and "Zoé" not in page
