"""Asking to join a person's network from outside it (issue 18 item 2), after an existence check said a file exists.

The requester never sees the file: the request names the file by its public id only. The referent sees the
pending requests on the file and accepts (`services.involvement_start`, with how the person agreed: door rule 8c)
or declines; the referent is told of the request and the requester of the answer by e-mail, with the file's
public id and no person data.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.access import audit, existence
from maillage.access.door import is_own_involvement
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.people import purposes
from maillage.people.enums import InvolvementRole, JoinRequestStatus
from maillage.people.models import Involvement, JoinRequest, Person
from maillage.people.notifications import tell_referent_of_join_request, tell_requester_of_join_answer
from maillage.people.services import involvement_start


def join_target(actor: Any, public_id: UUID | str) -> Person:
    """The file a professional may ask to join: one an existence check of theirs found in the last 24 hours,
    outside their network. `Http404` otherwise, the same for an unknown id."""
    if not getattr(actor, "is_professional", False):
        raise Http404
    person = Person.objects.not_anonymised().filter(public_id=public_id).first() if _is_uuid(public_id) else None
    if person is None or not existence.checked_recently(actor, person):
        raise Http404
    return person


def _is_uuid(value: Any) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def join_request_create(actor: Any, *, public_id: UUID | str, reason: str) -> JoinRequest:
    """Ask the referent of the file with `public_id` to let the actor's organisation join the network."""
    person = join_target(actor, public_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why your organisation would join the network.")})
    organisation = actor.organisation
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one request at a time per person
        if Involvement.objects.active().filter(person=person, organisation=organisation).exists():
            raise ValidationError({"reason": _("Your organisation already takes part in this network.")})
        if JoinRequest.objects.filter(
            person=person, organisation=organisation, status=JoinRequestStatus.PENDING
        ).exists():
            raise ValidationError({"reason": _("Your organisation already asked to join this network.")})
        request = JoinRequest.objects.create(
            person=person, organisation=organisation, requested_by=actor.user, reason=reason, updated_by=actor.user
        )
        audit.record(
            actor=actor,
            action=Action.SHARE,
            outcome=Outcome.ALLOWED,
            person=person,
            category=Category.COORDINATION,
            purpose=purposes.JOIN_REQUEST,
            reason=Reason.EXISTENCE_CHECK,
            extra={"join_request": request.pk},
        )
        request_id = request.pk
        transaction.on_commit(lambda: tell_referent_of_join_request.enqueue(request_id))
    return request


def _is_referent(actor: Any, person: Person) -> bool:
    referent = Involvement.objects.active().filter(person=person, role=InvolvementRole.REFERENT).first()
    return referent is not None and is_own_involvement(actor, referent)


def join_requests_pending(actor: Any, person: Person) -> list[JoinRequest]:
    """The requests awaiting an answer, for the referent (nobody else sees them)."""
    return join_requests_waiting(person) if _is_referent(actor, person) else []


def join_requests_waiting(person: Person) -> list[JoinRequest]:
    """The person's requests awaiting an answer; the caller shows them to the referent only."""
    return list(
        JoinRequest.objects.filter(person=person, status=JoinRequestStatus.PENDING)
        .select_related("organisation", "requested_by")
        .order_by("created_at")
    )


def join_request_of(person: Person, public_id: UUID) -> JoinRequest | None:
    return (
        JoinRequest.objects.select_related("organisation", "requested_by")
        .filter(person=person, public_id=public_id, status=JoinRequestStatus.PENDING)
        .first()
    )


def join_request_answer(actor: Any, *, join_request: JoinRequest, accept: bool, agreement: str = "") -> JoinRequest:
    """The referent accepts (the organisation joins, with how the person agreed) or declines; the requester is
    told. Anybody else is refused (`PermissionDenied`)."""
    person = join_request.person
    if not _is_referent(actor, person):
        raise PermissionDenied(_("Only the person's referent answers a request to join the network."))
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if locked.status != JoinRequestStatus.PENDING:
            raise ValidationError(_("This request was already answered."))
        if accept:
            professional = locked.requested_by
            if (
                professional is not None
                and not professional.memberships.active().filter(organisation=locked.organisation).exists()
            ):
                professional = None
            locked.involvement = involvement_start(
                actor,
                person=person,
                organisation=locked.organisation,
                professional=professional,
                agreement=agreement,
                purpose=purposes.JOIN_REQUEST,
            )
        else:
            audit.record(
                actor=actor,
                action=Action.SHARE,
                outcome=Outcome.ALLOWED,
                person=person,
                category=Category.COORDINATION,
                purpose=purposes.JOIN_REQUEST,
                reason=Reason.REFERENT,
                extra={"join_request": locked.pk},
            )
        locked.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.DECLINED
        locked.answered_by, locked.answered_at, locked.updated_by = actor.user, timezone.now(), actor.user
        locked.save()
        request_id = locked.pk
        transaction.on_commit(lambda: tell_requester_of_join_answer.enqueue(request_id))
    return locked
