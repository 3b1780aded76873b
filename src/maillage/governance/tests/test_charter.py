"""A charter version is drafted, commented, adopted and signed by members; a new version asks them again."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory
from maillage.governance import selectors, services
from maillage.governance.dashboard import governance_cards
from maillage.governance.enums import AgreementKind, College, VersionStatus
from maillage.governance.models import CollegeRights
from maillage.governance.tests.factories import NetworkMemberFactory, admin_of

pytestmark = pytest.mark.django_db

TEXT_V1 = "Article 1. La personne est au centre.\n\nArticle 2. Nous nous rencontrons hors des crises."
TEXT_V2 = (
    "Article 1. La personne est au centre et membre du réseau.\n\nArticle 2. Nous nous rencontrons hors des crises."
)


def adopt(coordinator, version):
    services.consultation_open(coordinator, version, ends_on=timezone.localdate() + dt.timedelta(days=14))
    version.refresh_from_db()
    return services.version_adopt(
        coordinator, version, adopted_on=timezone.localdate(), adoption_record="Comité de pilotage, unanimité"
    )


class TestCharterLife:
    def test_drafted_commented_adopted_signed_then_asked_again(self, network, coordinator, members):
        (arlon, arlon_admin), (bastogne, bastogne_admin) = members
        charter = services.agreement_create(
            coordinator, network, kind=AgreementKind.CHARTER, title="Charte du réseau", text=TEXT_V1
        )
        v1 = charter.versions.get()
        assert v1.status == VersionStatus.DRAFT

        # Comments only during the consultation.
        with pytest.raises(ValidationError):
            services.version_comment(arlon_admin, v1, text="Trop tôt ?")
        services.consultation_open(coordinator, v1, ends_on=timezone.localdate() + dt.timedelta(days=10))
        v1.refresh_from_db()
        comment = services.version_comment(arlon_admin, v1, text="Ajouter la place de la personne.")
        assert comment.member == arlon

        services.version_adopt(coordinator, v1, adopted_on=timezone.localdate(), adoption_record="CoPil")
        v1.refresh_from_db()
        assert v1.status == VersionStatus.ADOPTED
        assert selectors.adopted_version(charter) == v1
        assert [line.signature for line in selectors.signature_lines(v1)] == [None, None]

        services.version_sign(arlon_admin, v1)
        services.version_sign(bastogne_admin, v1)
        assert {s.member for s in v1.signatures.all()} == {arlon, bastogne}
        assert v1.signatures.get(member=arlon).signed_by == arlon_admin.user
        assert selectors.versions_awaiting_signature(arlon) == []

        # A new version: once adopted, it replaces v1 and asks every member again.
        v2 = services.version_draft(coordinator, charter, text=TEXT_V2, changes_summary="Article 1 précisé")
        assert v2.number == 2
        adopt(coordinator, v2)
        v1.refresh_from_db()
        assert v1.status == VersionStatus.SUPERSEDED
        assert selectors.adopted_version(charter).pk == v2.pk
        assert selectors.versions_awaiting_signature(arlon) == [v2]
        assert selectors.versions_awaiting_signature(bastogne) == [v2]
        card = next(c for c in governance_cards(arlon_admin) if c.key == "to-sign")
        assert card.count == 1 and card.urgent

        services.version_sign(arlon_admin, v2)
        assert selectors.versions_awaiting_signature(arlon) == []
        assert selectors.versions_awaiting_signature(bastogne) == [v2]

    def test_signing_twice_is_refused(self, network, coordinator, members):
        (_arlon, arlon_admin), _ = members
        charter = services.agreement_create(coordinator, network, kind=AgreementKind.CHARTER, title="C", text="A")
        adopt(coordinator, charter.versions.get())
        version = charter.versions.get()
        services.version_sign(arlon_admin, version)
        with pytest.raises(ValidationError):
            services.version_sign(arlon_admin, version)
        assert version.signatures.count() == 1

    def test_only_the_authorised_person_signs(self, network, coordinator, members):
        (arlon, arlon_admin), _ = members
        charter = services.agreement_create(coordinator, network, kind=AgreementKind.CHARTER, title="C", text="A")
        version = adopt(coordinator, charter.versions.get())
        colleague = MembershipFactory(organisation=arlon.organisation)
        with pytest.raises(PermissionDenied):
            services.version_sign(actor_for(colleague.user, arlon.organisation_id), version)
        # The coordinator does not sign for a member.
        with pytest.raises(PermissionDenied):
            services.version_sign(coordinator, version)
        # Once the admin names a colleague, that colleague signs, and the admin no longer does.
        services.signatory_set(arlon_admin, arlon, user=colleague.user, version=arlon.version)
        arlon.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.version_sign(arlon_admin, version)
        services.version_sign(actor_for(colleague.user, arlon.organisation_id), version)
        assert version.signatures.get().signed_by == colleague.user

    def test_a_college_without_the_right_does_not_sign(self, network, coordinator):
        charter = services.agreement_create(coordinator, network, kind=AgreementKind.CHARTER, title="C", text="A")
        version = adopt(coordinator, charter.versions.get())
        association = NetworkMemberFactory(network=network, college=College.USERS_ASSOCIATION)
        CollegeRights.objects.create(network=network, college=College.USERS_ASSOCIATION, may_sign=False)
        admin = admin_of(association)
        with pytest.raises(PermissionDenied):
            services.version_sign(actor_for(admin.user, association.organisation_id), version)

    def test_only_coordinators_run_the_charter(self, network, members):
        (_arlon, arlon_admin), _ = members
        with pytest.raises(PermissionDenied):
            services.agreement_create(arlon_admin, network, kind=AgreementKind.CHARTER, title="C", text="A")

    def test_one_version_in_preparation_at_a_time(self, network, coordinator):
        charter = services.agreement_create(coordinator, network, kind=AgreementKind.CHARTER, title="C", text="A")
        with pytest.raises(ValidationError):
            services.version_draft(coordinator, charter, text="B", changes_summary="")

    def test_adopting_twice_is_refused(self, network, coordinator):
        charter = services.agreement_create(coordinator, network, kind=AgreementKind.CHARTER, title="C", text="A")
        version = adopt(coordinator, charter.versions.get())
        with pytest.raises(ValidationError):
            services.version_adopt(coordinator, version, adopted_on=timezone.localdate(), adoption_record="x")


class TestConvention:
    def test_parties_only_sign_and_renewal_reminder(self, network, coordinator, members):
        (arlon, arlon_admin), (bastogne, _bastogne_admin) = members
        third = NetworkMemberFactory(network=network)
        third_admin = admin_of(third)
        today = timezone.localdate()
        convention = services.agreement_create(
            coordinator,
            network,
            kind=AgreementKind.CONVENTION,
            title="Convention logement",
            text="Engagements",
            parties=[arlon, bastogne],
            starts_on=today - dt.timedelta(days=300),
            ends_on=today + dt.timedelta(days=30),
            renewal_notice_days=60,
        )
        version = adopt(coordinator, convention.versions.get())
        with pytest.raises(PermissionDenied):
            services.version_sign(actor_for(third_admin.user, third.organisation_id), version)
        services.version_sign(arlon_admin, version)
        assert selectors.versions_awaiting_signature(third) == []
        assert selectors.versions_awaiting_signature(bastogne) == [version]


class TestRenewalReminder:
    """A convention nearing its end is reminded by e-mail: at its own notice period, then a week before; once per
    convention, end date and threshold, however often the daily command runs; a renewal asks again."""

    def test_reminders_go_once_per_threshold_and_again_after_a_renewal(
        self, network, coordinator, members, mailoutbox, monkeypatch
    ):
        from django.core.management import call_command

        from maillage.governance.models import RenewalReminder

        (arlon, arlon_admin), (bastogne, bastogne_admin) = members
        today = timezone.localdate()
        convention = services.agreement_create(
            coordinator,
            network,
            kind=AgreementKind.CONVENTION,
            title="Convention logement",
            text="Engagements",
            parties=[arlon, bastogne],
            starts_on=today - dt.timedelta(days=300),
            ends_on=today + dt.timedelta(days=45),
            renewal_notice_days=60,
        )
        far = services.agreement_create(
            coordinator,
            network,
            kind=AgreementKind.CONVENTION,
            title="Convention lointaine",
            text="Engagements",
            parties=[arlon, bastogne],
            ends_on=today + dt.timedelta(days=200),
        )
        call_command("governance_remind_renewals")
        recipients = {m.to[0] for m in mailoutbox}
        assert recipients == {coordinator.user.email, arlon_admin.user.email, bastogne_admin.user.email}
        assert all("Convention logement" in m.subject for m in mailoutbox)
        assert not any("lointaine" in m.subject for m in mailoutbox)
        french = next(m for m in mailoutbox if m.to == [arlon_admin.user.email])
        assert "45 jours" in french.body and str(convention.public_id) in french.body
        # The next days: nothing more until the last week.
        call_command("governance_remind_renewals")
        assert len(mailoutbox) == 3
        assert RenewalReminder.objects.filter(agreement=convention).count() == 1
        # Six days before the end: the last reminder, once.
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=39))
        call_command("governance_remind_renewals")
        call_command("governance_remind_renewals")
        assert len(mailoutbox) == 6
        assert sorted(RenewalReminder.objects.values_list("days_before", flat=True)) == [7, 60]
        # Renewed: the new end date is reminded again in its time.
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
        convention.refresh_from_db()
        services.agreement_renew(
            coordinator, convention, ends_on=today + dt.timedelta(days=50), read_ends_on=convention.ends_on
        )
        call_command("governance_remind_renewals")
        assert len(mailoutbox) == 9
        assert not RenewalReminder.objects.filter(agreement=far).exists()

    def test_the_periodic_scheduler_sends_the_reminders_once_a_day(self, network, coordinator, members, mailoutbox):
        from maillage.core import periodic

        (arlon, _), (bastogne, _) = members
        today = timezone.localdate()
        services.agreement_create(
            coordinator,
            network,
            kind=AgreementKind.CONVENTION,
            title="Convention logement",
            text="Engagements",
            parties=[arlon, bastogne],
            ends_on=today + dt.timedelta(days=5),
        )
        nine = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
        assert f"convention_renewals@{today.isoformat()}" in periodic.run_due(nine, worker="a")
        reminders = [m for m in mailoutbox if "Convention logement" in m.subject]
        assert len(reminders) == 3
        later = periodic.run_due(nine + dt.timedelta(hours=1), worker="b")
        assert not any(run.startswith("convention_renewals") for run in later)
        assert len([m for m in mailoutbox if "Convention logement" in m.subject]) == 3
