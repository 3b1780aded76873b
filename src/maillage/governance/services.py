"""Writes of the network's life: one function per use case, `actor` first, atomic, checked, logged.

A refusal that is not the actor's to make raises PermissionDenied with the reason in words; a rule of the
domain raises ValidationError; an edit from an older version raises StaleWrite (core.versioning).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.core.sites import absolute_url
from maillage.governance import indicators, permissions, privacy_check
from maillage.governance.enums import (
    AgreementKind,
    College,
    MemberStatus,
    ReviewStatus,
    VersionStatus,
)
from maillage.governance.models import (
    Agreement,
    AgreementVersion,
    Body,
    BodyMeeting,
    CollegeRights,
    Decision,
    EventRegistration,
    ExperienceReview,
    GovernanceEvent,
    Mandate,
    Measurement,
    MemberPresentation,
    Network,
    NetworkMember,
    Objective,
    PartnerEvent,
    PracticeSheet,
    PracticeSheetVersion,
    ReviewComment,
    Signature,
    VersionComment,
)


def log_event(actor: Any, network: Network, kind: str, obj: Any = None) -> None:
    """One line of the network's governance log: what kind of change, by whom, for which organisation."""
    organisation = getattr(actor, "organisation", None)
    GovernanceEvent.objects.create(
        network=network,
        kind=kind,
        actor=getattr(actor, "user", None),
        organisation=organisation,
        object_id=getattr(obj, "pk", None),
    )


def _require_coordinator(actor: Any, network: Network) -> None:
    if not permissions.can_manage(actor, network):
        raise PermissionDenied(_("Only the network's coordinators can do this."))


def _require_member(actor: Any, network: Network) -> NetworkMember:
    member = permissions.acting_member(actor, network)
    if member is None:
        raise PermissionDenied(_("Only a member organisation of the network can do this."))
    return member


def _apply(instance: Any, version: int | None, fields: dict[str, Any]) -> None:
    if version is not None:
        instance.version = version
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()


# The network and its members ----------------------------------------------------------------------------------


def network_create(
    actor: Any,
    *,
    organisation: Organisation,
    name: str,
    mission: str,
    openness: str = "",
    territories=(),
    founded_on: dt.date | None = None,
) -> Network:
    if not permissions.can_set_up_network(actor):
        raise PermissionDenied(_("Only platform staff or a network coordinator can set up a network."))
    with transaction.atomic():
        network = Network(
            organisation=organisation,
            name=name,
            mission=mission,
            openness=openness,
            founded_on=founded_on,
            updated_by=getattr(actor, "user", None),
        )
        network.full_clean()
        network.save()
        network.territories.set(territories)
        for college in College.values:
            if college != College.PROFESSIONAL:
                CollegeRights.objects.create(network=network, college=college, may_sign=False)
        log_event(actor, network, "network_create", network)
    return network


def network_update(actor: Any, network: Network, *, version: int | None, territories=None, **fields: Any) -> Network:
    _require_coordinator(actor, network)
    with transaction.atomic():
        _apply(network, version, {**fields, "updated_by": actor.user})
        network.save()
        if territories is not None:
            network.territories.set(territories)
        log_event(actor, network, "network_update", network)
    return network


def college_rights_update(
    actor: Any, network: Network, *, college: str, version: int | None = None, **rights: bool
) -> CollegeRights:
    """The coordinators set what a non-professional college may do (seed 004: the network is open)."""
    _require_coordinator(actor, network)
    if college == College.PROFESSIONAL or college not in College.values:
        raise ValidationError(_("Professional organisations have every right."))
    with transaction.atomic():
        row, created = CollegeRights.objects.get_or_create(network=network, college=college)
        _apply(row, None if created else version, rights)
        row.save()
        log_event(actor, network, "college_rights_update", row)
    return row


def member_add(
    actor: Any,
    network: Network,
    *,
    organisation: Organisation,
    college: str = College.PROFESSIONAL,
    joined_on: dt.date | None = None,
    status: str = MemberStatus.MEMBER,
) -> NetworkMember:
    _require_coordinator(actor, network)
    with transaction.atomic():
        if NetworkMember.objects.filter(network=network, organisation=organisation).exists():
            raise ValidationError({"organisation": _("This organisation is already a member of the network.")})
        member = NetworkMember(
            network=network,
            organisation=organisation,
            college=college,
            status=status,
            joined_on=joined_on or timezone.localdate(),
            updated_by=actor.user,
        )
        member.full_clean()
        member.save()
        log_event(actor, network, "member_add", member)
    return member


def member_update(actor: Any, member: NetworkMember, *, version: int | None, **fields: Any) -> NetworkMember:
    _require_coordinator(actor, member.network)
    if fields.get("status") == MemberStatus.LEFT and not fields.get("left_on"):
        fields["left_on"] = timezone.localdate()
    with transaction.atomic():
        _apply(member, version, {**fields, "updated_by": actor.user})
        member.save()
        log_event(actor, member.network, "member_update", member)
    return member


def signatory_set(actor: Any, member: NetworkMember, *, user: User | None, version: int | None) -> NetworkMember:
    """The organisation's admin names who signs for it (rule 4: only its own organisation)."""
    if not permissions.can_name_signatory(actor, member):
        raise PermissionDenied(_("Only an admin of the organisation names who signs for it."))
    if user is not None and not user.memberships.active().filter(organisation=member.organisation).exists():
        raise ValidationError({"signatory": _("Choose an active member of your organisation.")})
    with transaction.atomic():
        _apply(member, version, {"signatory": user, "updated_by": actor.user})
        member.save()
        log_event(actor, member.network, "signatory_set", member)
    return member


def presentation_save(actor: Any, member: NetworkMember, *, version: int | None, **fields: Any) -> MemberPresentation:
    """A member presents itself; only its own professionals write it."""
    if permissions.acting_member(actor, member.network) != member:
        raise PermissionDenied(_("Only the organisation itself writes its presentation."))
    with transaction.atomic():
        presentation = MemberPresentation.objects.filter(member=member).first()
        if presentation is None:
            presentation = MemberPresentation(member=member, **fields)
            presentation.full_clean()
            presentation.save()
        else:
            _apply(presentation, version, fields)
            presentation.save()
        log_event(actor, member.network, "presentation_save", presentation)
    return presentation


# Charter and conventions ----------------------------------------------------------------------------------------


def agreement_create(
    actor: Any,
    network: Network,
    *,
    kind: str,
    title: str,
    text: str,
    scope: str = "",
    parties=(),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    renewal_notice_days: int = 60,
) -> Agreement:
    """A charter (one per network) or a convention, with its first version as a draft."""
    _require_coordinator(actor, network)
    if kind == AgreementKind.CONVENTION and len(list(parties)) < 2:
        raise ValidationError({"parties": _("A convention binds at least two member organisations.")})
    if starts_on and ends_on and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("A convention ends after it starts.")})
    with transaction.atomic():
        if kind == AgreementKind.CHARTER and network.agreements.filter(kind=AgreementKind.CHARTER).exists():
            raise ValidationError(_("The network already has a charter: draft a new version of it."))
        agreement = Agreement(
            network=network,
            kind=kind,
            title=title,
            scope=scope,
            starts_on=starts_on,
            ends_on=ends_on,
            renewal_notice_days=renewal_notice_days,
            updated_by=actor.user,
        )
        agreement.full_clean()
        agreement.save()
        if parties:
            agreement.parties.set(parties)
        version = AgreementVersion(agreement=agreement, number=1, text=text, updated_by=actor.user)
        version.full_clean()
        version.save()
        log_event(actor, network, "agreement_create", agreement)
    return agreement


def version_draft(actor: Any, agreement: Agreement, *, text: str, changes_summary: str) -> AgreementVersion:
    """A new version, drafted from the current one; one version in preparation at a time."""
    _require_coordinator(actor, agreement.network)
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        if agreement.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.CONSULTATION]).exists():
            raise ValidationError(_("A version is already being prepared: finish it first."))
        number = (agreement.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = AgreementVersion(
            agreement=agreement, number=number, text=text, changes_summary=changes_summary, updated_by=actor.user
        )
        version.full_clean()
        version.save()
        log_event(actor, agreement.network, "version_draft", version)
    return version


def version_edit(
    actor: Any, version: AgreementVersion, *, read_version: int | None, text: str, changes_summary: str
) -> AgreementVersion:
    _require_coordinator(actor, version.agreement.network)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; open a new version instead."))
    with transaction.atomic():
        _apply(version, read_version, {"text": text, "changes_summary": changes_summary, "updated_by": actor.user})
        version.save()
        log_event(actor, version.agreement.network, "version_edit", version)
    return version


def _transition(version: AgreementVersion, read_version: int | None, allowed: tuple[str, ...]) -> AgreementVersion:
    """Lock the version and check its state: of two clicks, the second sees the new state and is refused."""
    current = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if read_version is not None and current.version != read_version:
        raise ValidationError(_("This version changed meanwhile: look at it again before going on."))
    if current.status not in allowed:
        raise ValidationError(
            _("This version is now “%(status)s”: nothing was changed.") % {"status": current.get_status_display()}
        )
    return current


def consultation_open(
    actor: Any, version: AgreementVersion, *, ends_on: dt.date, read_version: int | None = None
) -> AgreementVersion:
    _require_coordinator(actor, version.agreement.network)
    if ends_on <= timezone.localdate():
        raise ValidationError({"ends_on": _("The consultation closes after today.")})
    with transaction.atomic():
        current = _transition(version, read_version, (VersionStatus.DRAFT,))
        current.status = VersionStatus.CONSULTATION
        current.consultation_ends_on = ends_on
        current.updated_by = actor.user
        current.save(update_fields=["status", "consultation_ends_on", "updated_by", "updated_at"])
        log_event(actor, version.agreement.network, "consultation_open", current)
    return current


def version_comment(actor: Any, version: AgreementVersion, *, text: str) -> VersionComment:
    """A member organisation comments while the consultation is open (conventions: their parties)."""
    agreement = version.agreement
    member = _require_member(actor, agreement.network)
    if not permissions.college_allows(member, "may_comment"):
        raise PermissionDenied(_("Your organisation's college does not comment on drafts."))
    if agreement.kind == AgreementKind.CONVENTION and not agreement.parties.filter(pk=member.pk).exists():
        raise PermissionDenied(_("Only the parties to this convention comment on it."))
    if version.status != VersionStatus.CONSULTATION or (
        version.consultation_ends_on and version.consultation_ends_on < timezone.localdate()
    ):
        raise ValidationError(_("Comments are closed for this version."))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    with transaction.atomic():
        comment = VersionComment.objects.create(version=version, member=member, author=actor.user, text=text.strip())
        log_event(actor, agreement.network, "version_comment", comment)
    return comment


def version_adopt(
    actor: Any,
    version: AgreementVersion,
    *,
    adopted_on: dt.date,
    adoption_record: str,
    read_version: int | None = None,
) -> AgreementVersion:
    """Record the adoption (by the body that adopts it): the version replaces the previous adopted one, and
    every member organisation is asked to sign it again."""
    _require_coordinator(actor, version.agreement.network)
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("Record an adoption once it has taken place.")})
    with transaction.atomic():
        current = _transition(version, read_version, (VersionStatus.CONSULTATION,))
        current.agreement.versions.filter(status=VersionStatus.ADOPTED).update(status=VersionStatus.SUPERSEDED)
        current.status = VersionStatus.ADOPTED
        current.adopted_on = adopted_on
        current.adopted_by = actor.user
        current.adoption_record = adoption_record
        current.updated_by = actor.user
        current.save(
            update_fields=["status", "adopted_on", "adopted_by", "adoption_record", "updated_by", "updated_at"]
        )
        log_event(actor, version.agreement.network, "version_adopt", current)
    return current


def version_sign(actor: Any, version: AgreementVersion) -> Signature:
    """The authorised person of a member organisation signs the adopted version for it, once."""
    agreement = version.agreement
    member = _require_member(actor, agreement.network)
    if not permissions.is_authorised_signatory(actor, member):
        raise PermissionDenied(_("Only the person authorised to sign for your organisation can sign."))
    if not permissions.college_allows(member, "may_sign"):
        raise PermissionDenied(_("Your organisation's college does not sign the charter."))
    if agreement.kind == AgreementKind.CONVENTION and not agreement.parties.filter(pk=member.pk).exists():
        raise PermissionDenied(_("Only the parties to this convention sign it."))
    membership = actor.membership
    try:
        with transaction.atomic():
            # The state as it is now, not as the page showed it: a version replaced meanwhile is not signed.
            version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
            if version.status != VersionStatus.ADOPTED:
                raise ValidationError(_("Only the version in force is signed."))
            signature = Signature.objects.create(
                version=version,
                member=member,
                signed_by=actor.user,
                signer_name=actor.user.get_full_name() or actor.user.email,
                signer_title=membership.job_title,
            )
            log_event(actor, agreement.network, "version_sign", signature)
    except IntegrityError:
        raise ValidationError(_("Your organisation has already signed this version.")) from None
    return signature


def agreement_renew(actor: Any, agreement: Agreement, *, ends_on: dt.date, read_ends_on: dt.date | None) -> Agreement:
    """Renew a convention until a later date, as its parties agreed; its reminder is asked again before then.

    `read_ends_on` is the end date the coordinator saw: if someone renewed it meanwhile, nothing is changed."""
    _require_coordinator(actor, agreement.network)
    if agreement.kind != AgreementKind.CONVENTION:
        raise ValidationError(_("Only a convention is renewed; the charter changes by new versions."))
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if current.ends_on != read_ends_on:
            raise ValidationError(_("This convention was changed meanwhile: look at it again before going on."))
        if current.ends_on and ends_on <= current.ends_on:
            raise ValidationError({"ends_on": _("A renewal ends after the current end date.")})
        if ends_on <= timezone.localdate():
            raise ValidationError({"ends_on": _("A renewal ends after today.")})
        current.ends_on = ends_on
        current.renewal_reminded_at = None
        current.updated_by = actor.user
        current.save(update_fields=["ends_on", "renewal_reminded_at", "updated_by", "updated_at"])
        log_event(actor, agreement.network, "agreement_renew", current)
    return current


# Bodies ------------------------------------------------------------------------------------------------------


def body_create(actor: Any, network: Network, *, kind: str, name: str, purpose: str = "") -> Body:
    _require_coordinator(actor, network)
    with transaction.atomic():
        body = Body(network=network, kind=kind, name=name, purpose=purpose, updated_by=actor.user)
        body.full_clean()
        body.save()
        log_event(actor, network, "body_create", body)
    return body


def mandate_add(
    actor: Any,
    body: Body,
    *,
    member: NetworkMember,
    holder: User | None,
    role: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Mandate:
    _require_coordinator(actor, body.network)
    if member.network_id != body.network_id:
        raise ValidationError({"member": _("Choose a member organisation of this network.")})
    if not permissions.college_allows(member, "may_sit"):
        raise ValidationError({"member": _("This organisation's college does not sit on the network's bodies.")})
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A mandate ends after it starts.")})
    if holder is not None and not holder.memberships.active().filter(organisation=member.organisation).exists():
        raise ValidationError({"holder": _("The holder acts for the member organisation.")})
    with transaction.atomic():
        mandate = Mandate(body=body, member=member, holder=holder, role=role, starts_on=starts_on, ends_on=ends_on)
        mandate.full_clean()
        mandate.save()
        log_event(actor, body.network, "mandate_add", mandate)
    return mandate


def meeting_record(
    actor: Any,
    body: Body,
    *,
    starts_at: dt.datetime,
    place: str = "",
    agenda: str = "",
    record: str = "",
    hosted_by: NetworkMember | None = None,
    present=(),
    decisions: list[str] | tuple[str, ...] = (),
) -> BodyMeeting:
    _require_coordinator(actor, body.network)
    with transaction.atomic():
        meeting = BodyMeeting(
            body=body,
            starts_at=starts_at,
            place=place,
            agenda=agenda,
            record=record,
            hosted_by=hosted_by,
            updated_by=actor.user,
        )
        meeting.full_clean()
        meeting.save()
        meeting.present.set(present)
        for position, text in enumerate((d.strip() for d in decisions if d.strip()), start=1):
            Decision.objects.create(meeting=meeting, text=text, position=position)
        log_event(actor, body.network, "meeting_record", meeting)
    return meeting


BODY_MEETING_LENGTH = dt.timedelta(hours=2)  # a body meeting has no recorded end: calendars get two hours


def body_meeting_ics(meeting: BodyMeeting) -> bytes:
    """The body meeting as an iCalendar file, through coordination's builder: the body, the place, the agenda
    (a network body's agenda names no person), and the address of the body's page."""
    from maillage.coordination import ical

    body = meeting.body
    return ical.single_event(
        uid=f"{meeting.public_id}@maillage-governance",
        summary=_("%(body)s: meeting") % {"body": body.name},
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + BODY_MEETING_LENGTH,
        zone=timezone.get_default_timezone(),
        location=meeting.place,
        url=absolute_url(reverse("governance:body_detail", kwargs={"public_id": body.public_id})),
        description=meeting.agenda,
    )


# Objectives --------------------------------------------------------------------------------------------------


def objective_create(actor: Any, network: Network, **fields: Any) -> Objective:
    _require_coordinator(actor, network)
    key, label = fields.get("indicator_key", ""), fields.get("indicator_label", "")
    if key and indicators.get(key) is None:
        raise ValidationError({"indicator_key": _("Choose an indicator of the list.")})
    if not key and not label.strip():
        raise ValidationError({"indicator_label": _("Choose an indicator, or name the one you will measure.")})
    with transaction.atomic():
        objective = Objective(network=network, updated_by=actor.user, **fields)
        objective.full_clean()
        objective.save()
        log_event(actor, network, "objective_create", objective)
    return objective


def measurement_take(actor: Any, objective: Objective, *, on: dt.date | None = None) -> Measurement:
    """Measure an objective tied to a registry indicator today (or on `on`); hidden under 5 persons."""
    on = on or timezone.localdate()
    value = indicators.measure(objective.network, objective.indicator_key, on)
    if value is None:
        raise ValidationError(_("This objective is measured by hand: enter its value."))
    with transaction.atomic():
        measurement, _created = Measurement.objects.update_or_create(
            objective=objective,
            measured_on=on,
            defaults={
                "value": None if value.value is None else Decimal(value.value),
                "suppressed": value.suppressed,
                "computed": True,
                "recorded_by": getattr(actor, "user", None),
            },
        )
        log_event(actor, objective.network, "measurement_take", measurement)
    return measurement


def measurement_enter(actor: Any, objective: Objective, *, on: dt.date, value: Decimal, note: str = "") -> Measurement:
    _require_coordinator(actor, objective.network)
    if on > timezone.localdate():
        raise ValidationError({"on": _("A measurement is dated today or earlier.")})
    with transaction.atomic():
        measurement, _created = Measurement.objects.update_or_create(
            objective=objective,
            measured_on=on,
            defaults={"value": value, "suppressed": False, "computed": False, "note": note, "recorded_by": actor.user},
        )
        log_event(actor, objective.network, "measurement_enter", measurement)
    return measurement


# Learning loops ---------------------------------------------------------------------------------------------


def _flags(actor: Any, *texts: str) -> list[dict[str, str]]:
    return [finding.as_json() for finding in privacy_check.check_text(actor, *texts)]


def review_save(
    actor: Any,
    network: Network,
    *,
    review: ExperienceReview | None = None,
    read_version: int | None = None,
    kind: str,
    title: str,
    what_happened: str,
    what_we_learnt: str,
) -> ExperienceReview:
    """Write or rewrite a review (its organisation only); the privacy check runs on every save."""
    member = _require_member(actor, network)
    fields = {"kind": kind, "title": title, "what_happened": what_happened, "what_we_learnt": what_we_learnt}
    with transaction.atomic():
        if review is None:
            review = ExperienceReview(
                network=network, member=member, author=actor.user, updated_by=actor.user, **fields
            )
        else:
            if review.member_id != member.pk:
                raise PermissionDenied(_("Only the organisation that wrote a review changes it."))
            _apply(review, read_version, fields)
        review.flags = _flags(actor, title, what_happened, what_we_learnt)
        review.flags_dismissed = False
        review.updated_by = actor.user
        review.full_clean()
        review.save()
        log_event(actor, network, "review_save", review)
    return review


def review_share(actor: Any, review: ExperienceReview, *, flags_checked: bool = False) -> ExperienceReview:
    """Share a review with the network: refused while the check flags something the author did not clear."""
    member = _require_member(actor, review.network)
    if review.member_id != member.pk:
        raise PermissionDenied(_("Only the organisation that wrote a review shares it."))
    if review.flags and not flags_checked:
        raise ValidationError(
            _(
                "The check found what may be personal data. Rewrite the review, or confirm that what it found is "
                "not about a person."
            )
        )
    with transaction.atomic():
        current = ExperienceReview.objects.select_for_update().get(pk=review.pk)
        if current.status == ReviewStatus.SHARED:
            return current
        current.status = ReviewStatus.SHARED
        current.shared_at = timezone.now()
        current.flags_dismissed = bool(current.flags)
        current.save(update_fields=["status", "shared_at", "flags_dismissed", "updated_at"])
        log_event(actor, review.network, "review_share", current)
    return current


def review_comment(actor: Any, review: ExperienceReview, *, text: str) -> tuple[ReviewComment, list[dict]]:
    member = _require_member(actor, review.network)
    if review.status != ReviewStatus.SHARED and review.member_id != member.pk:
        raise PermissionDenied(_("This review is not shared yet."))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    flags = _flags(actor, text)
    if flags:
        raise ValidationError(
            {"text": [_("The check found what may be personal data:"), *privacy_check.describe(flags)]}
        )
    with transaction.atomic():
        comment = ReviewComment.objects.create(review=review, member=member, author=actor.user, text=text.strip())
        log_event(actor, review.network, "review_comment", comment)
    return comment, flags


def practice_sheet_save(
    actor: Any,
    network: Network,
    *,
    sheet: PracticeSheet | None = None,
    title: str,
    text: str,
    changes_summary: str = "",
    domains=None,
    from_review: ExperienceReview | None = None,
) -> PracticeSheet:
    """A new sheet, or a new version of one (any member may improve a sheet; every version is kept)."""
    member = _require_member(actor, network)
    flags = _flags(actor, title, text)
    if flags:
        raise ValidationError(
            {"text": [_("The check found what may be personal data:"), *privacy_check.describe(flags)]}
        )
    with transaction.atomic():
        if sheet is None:
            sheet = PracticeSheet(
                network=network, member=member, title=title, from_review=from_review, updated_by=actor.user
            )
            sheet.full_clean()
            sheet.save()
            number = 1
        else:
            locked = PracticeSheet.objects.select_for_update().get(pk=sheet.pk)
            locked.title = title
            locked.updated_by = actor.user
            locked.save(update_fields=["title", "updated_by", "updated_at"])
            sheet = locked
            number = (sheet.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        if domains is not None:  # None: the new version keeps the sheet's domains
            sheet.domains.set(domains)
        PracticeSheetVersion.objects.create(
            sheet=sheet, number=number, text=text, changes_summary=changes_summary, author=actor.user
        )
        log_event(actor, network, "practice_sheet_save", sheet)
    return sheet


# Knowing each other ----------------------------------------------------------------------------------------


def event_create(actor: Any, network: Network, **fields: Any) -> PartnerEvent:
    """A member organisation invites the others to meet it (or the coordination does, for a member)."""
    host = fields.pop("host", None)
    member = permissions.acting_member(actor, network)
    if host is None:
        host = member
    if host is None or (host != member and not permissions.can_manage(actor, network)):
        raise PermissionDenied(_("A member organisation invites others to meet it."))
    with transaction.atomic():
        event = PartnerEvent(network=network, host=host, updated_by=actor.user, **fields)
        event.full_clean()
        event.save()
        log_event(actor, network, "event_create", event)
    return event


def event_register(actor: Any, event: PartnerEvent) -> EventRegistration:
    member = _require_member(actor, event.network)
    if member.pk == event.host_id:
        raise ValidationError(_("Your organisation hosts this event."))
    if not permissions.college_allows(member, "may_attend_events"):
        raise PermissionDenied(_("Your organisation's college does not take part in these events."))
    if event.starts_at <= timezone.now():
        raise ValidationError(_("This event has already taken place."))
    with transaction.atomic():
        PartnerEvent.objects.select_for_update().filter(pk=event.pk).first()
        if EventRegistration.objects.filter(event=event, user=actor.user).exists():
            raise ValidationError(_("You are already registered."))
        if event.registrations.count() >= event.capacity:
            raise ValidationError(_("This event is full."))
        registration = EventRegistration.objects.create(event=event, member=member, user=actor.user)
        log_event(actor, event.network, "event_register", registration)
    return registration


def event_unregister(actor: Any, event: PartnerEvent) -> None:
    with transaction.atomic():
        deleted, _rows = EventRegistration.objects.filter(event=event, user=actor.user).delete()
        if deleted:
            log_event(actor, event.network, "event_unregister", event)
