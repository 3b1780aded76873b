"""The invitation to the person's own space, sent by the django.tasks worker after the commit.

The task receives the login's id only and computes the link itself, so the secret never sits in the
task queue. (Alerts about sharing changes and break-the-glass are sent by `maillage.access.tasks`.)
Below it, the alerts about the secondary network (door rule 8): an organisation added, a proposal to end
an involvement and its answer. Like every alert, each goes through `door.notify` first.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.access import door
from maillage.access.enums import Recipient
from maillage.access.tasks import contact_of, own_address, referent_of, referent_opens_file
from maillage.accounts.models import User
from maillage.core.sites import absolute_url
from maillage.people import invitations, purposes
from maillage.people.enums import EndProposalStatus, JoinRequestStatus
from maillage.people.models import Involvement, InvolvementEndProposal, JoinRequest, SpaceMessage


def _tell_referent(person: Any, *, purpose: str, extra: dict, subject: str, body: str, organisation: str) -> None:
    """Mail the person's referent about an organisation of the network, once the door let Maillage notify them.

    The mail names the organisation and the file's id, never the person, and links to the file only when the
    referent can still open it."""
    referent = referent_of(person)
    if referent is None or not door.notify(person, recipient=Recipient.REFERENT, purpose=purpose, extra=extra):
        return
    values = {"organisation": organisation, "id": person.public_id}
    _mail(referent.address, referent.language, subject, body, values, referent_opens_file(person, referent))


@task()
def send_space_invitation(user_id: int) -> None:
    """The link to the person's own space; the token is computed here, never queued."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {
        "activate_url": absolute_url(reverse("people:space_activate", kwargs={"token": invitations.link_token(user)})),
        "days": invitations.invitation_days(),
    }
    if user.email.endswith(".invalid"):
        return
    with translation.override(user.preferred_language):
        subject = render_to_string("people/email/space_invitation_subject.txt", context).strip()
        body = render_to_string("people/email/space_invitation.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email]).send()


# --- the secondary network (door rule 8): ids only in the queue, no person's name or typed text in a mail ---


def _mail(address: str, language: str, subject: str, body: str, values: dict[str, object], opens: bool = True) -> None:
    """Send one alert. A reader who cannot open the file now (`opens` False) gets a version without a pointer to it:
    never a mail sending someone to a file that answers "not found"."""
    with translation.override(language):
        text = _(body) % values if opens else _(CANNOT_OPEN) % {"id": values["id"]}
        EmailMessage(subject=_(subject), body=text, to=[address]).send()


@task()
def tell_of_involvement_added(involvement_id: int, by_organisation_id: int | None) -> None:
    """Tell the person (unless they added it themselves) and the referent (unless their own organisation
    added it) that an organisation joined the person's network, and how the person agreed."""
    involvement = Involvement.objects.select_related("organisation", "person", "person__user").get(pk=involvement_id)
    person = involvement.person
    values = {
        "organisation": involvement.organisation.name,
        "how": involvement.get_agreement_display(),
        "id": person.public_id,
    }
    extra = {"involvement": involvement.pk}
    referent = referent_of(person)
    told_referent = referent is not None and referent.involvement_id != involvement.pk
    if told_referent and by_organisation_id is not None:
        told_referent = not Involvement.objects.filter(
            pk=referent.involvement_id, organisation_id=by_organisation_id
        ).exists()
    if told_referent and door.notify(
        person, recipient=Recipient.REFERENT, purpose=purposes.NETWORK_ALERT, extra=extra
    ):
        opens = referent_opens_file(person, referent)
        _mail(referent.address, referent.language, ADDED_SUBJECT, ADDED_TO_REFERENT, values, opens)
    address = own_address(person) if by_organisation_id is not None else ""
    if address and door.notify(person, recipient=Recipient.PERSON, purpose=purposes.NETWORK_ALERT, extra=extra):
        _mail(address, person.preferred_language, ADDED_SUBJECT, ADDED_TO_PERSON, values)


@task()
def tell_organisation_of_end_proposal(proposal_id: int) -> None:
    """Tell the affected organisation that the referent proposes to end its involvement (not the reason:
    it may hold personal data; the organisation reads it in the file)."""
    proposal = InvolvementEndProposal.objects.select_related(
        "involvement__organisation", "involvement__professional", "person"
    ).get(pk=proposal_id)
    contact = contact_of(proposal.involvement)
    extra = {"involvement": proposal.involvement_id, "end_proposal": proposal.pk}
    if contact is not None and door.notify(
        proposal.person, recipient=Recipient.ORGANISATION, purpose=purposes.NETWORK_ALERT, extra=extra
    ):
        opens = door.organisation_opens_file(proposal.person, proposal.involvement.organisation_id)
        values = {"id": proposal.person.public_id}
        _mail(contact.address, contact.language, PROPOSAL_SUBJECT, PROPOSAL_BODY, values, opens)


@task()
def tell_referent_of_end_answer(proposal_id: int) -> None:
    """Tell the referent how the organisation answered (agreed or objected; its comment is read in the file)."""
    proposal = InvolvementEndProposal.objects.select_related("involvement__organisation", "person").get(pk=proposal_id)
    body = ANSWER_AGREED if proposal.status == EndProposalStatus.AGREED else ANSWER_OBJECTED
    _tell_referent(
        proposal.person,
        purpose=purposes.NETWORK_ALERT,
        extra={"involvement": proposal.involvement_id, "end_proposal": proposal.pk},
        subject=ANSWER_SUBJECT,
        body=body,
        organisation=proposal.involvement.organisation.name,
    )


@task()
def tell_referent_of_involvement_ended(involvement_id: int) -> None:
    """Tell the referent that the person ended an organisation's involvement from their own space."""
    involvement = Involvement.objects.select_related("organisation", "person").get(pk=involvement_id)
    _tell_referent(
        involvement.person,
        purpose=purposes.NETWORK_ALERT,
        extra={"involvement": involvement.pk},
        subject=ENDED_SUBJECT,
        body=ENDED_BY_PERSON,
        organisation=involvement.organisation.name,
    )


@task()
def tell_referent_of_join_request(request_id: int) -> None:
    """Tell the referent that an organisation asks to join the network (not the reason: they read it in the file)."""
    request = JoinRequest.objects.select_related("organisation", "person").get(pk=request_id)
    _tell_referent(
        request.person,
        purpose=purposes.JOIN_REQUEST,
        extra={"join_request": request.pk},
        subject=JOIN_SUBJECT,
        body=JOIN_TO_REFERENT,
        organisation=request.organisation.name,
    )


@task()
def tell_requester_of_join_answer(request_id: int) -> None:
    """Tell the professional who asked how the referent answered. The mail points to the file only when its reader
    can open it now (an accepted request whose sharing covers the identity for their organisation)."""
    request = JoinRequest.objects.select_related("organisation", "person", "requested_by").get(pk=request_id)
    user = request.requested_by
    if user is None or not user.is_active or not user.email:
        return
    person = request.person
    if not door.notify(
        person, recipient=Recipient.ORGANISATION, purpose=purposes.JOIN_REQUEST, extra={"join_request": request.pk}
    ):
        return
    values = {"organisation": request.organisation.name, "id": person.public_id}
    if request.status == JoinRequestStatus.DECLINED:
        body = JOIN_DECLINED
    elif door.organisation_opens_file(person, request.organisation_id):
        body = JOIN_ACCEPTED
    else:
        body = JOIN_ACCEPTED_NOT_SHARED
    _mail(user.email, user.preferred_language, JOIN_ANSWER_SUBJECT, body, values)


CANNOT_OPEN = gettext_noop(
    "There is news about file %(id)s in Maillage, but the person's sharing does not let your organisation open "
    "the file now. Talk it over with the person, or their referent, if you need it."
)
JOIN_SUBJECT = gettext_noop("Maillage: an organisation asks to join a person's network")
JOIN_TO_REFERENT = gettext_noop(
    "The organisation %(organisation)s asks to join the network of a person you are referent for. Nothing changes "
    "until you answer.\nOpen the file in Maillage to read why, talk it over with the person, then accept or "
    "decline: file %(id)s."
)
JOIN_ANSWER_SUBJECT = gettext_noop("Maillage: answer to your request to join a network")
JOIN_ACCEPTED = gettext_noop(
    "The referent accepted your request: %(organisation)s now takes part in the network of file %(id)s. "
    "Open it in Maillage."
)
JOIN_ACCEPTED_NOT_SHARED = gettext_noop(
    "The referent accepted your request: %(organisation)s now takes part in the network of file %(id)s. "
    "The person's sharing does not cover your organisation yet: the referent will tell you when you can open it."
)
JOIN_DECLINED = gettext_noop(
    "The referent declined your request to join the network of file %(id)s for %(organisation)s."
)
ENDED_SUBJECT = gettext_noop("Maillage: a person ended an organisation's involvement")
ENDED_BY_PERSON = gettext_noop(
    "A person you are referent for ended the involvement of %(organisation)s from their own space. "
    "It applies now.\nOpen their file in Maillage to see their network: file %(id)s."
)
ADDED_SUBJECT = gettext_noop("Maillage: an organisation joined a person's network")
ADDED_TO_REFERENT = gettext_noop(
    "The organisation %(organisation)s was added to the network of a person you are referent for "
    "(how the person agreed: %(how)s).\nOpen their file in Maillage to see it: file %(id)s."
)
ADDED_TO_PERSON = gettext_noop(
    "The organisation %(organisation)s now takes part in your network in Maillage (how you agreed: %(how)s). "
    "It sees your file as your consents allow.\nIf you did not agree, end it from your own space or tell your "
    "referent."
)
PROPOSAL_SUBJECT = gettext_noop("Maillage: the referent proposes to end your organisation's involvement")
PROPOSAL_BODY = gettext_noop(
    "The referent of a person your organisation supports proposes to end your organisation's involvement.\n"
    "Nothing has ended yet. Open the file in Maillage to read the reason, then agree or object: file %(id)s."
)
ANSWER_SUBJECT = gettext_noop("Maillage: answer to your proposal to end an involvement")
ANSWER_AGREED = gettext_noop(
    "The organisation %(organisation)s agreed to your proposal: its involvement with file %(id)s has ended."
)
ANSWER_OBJECTED = gettext_noop(
    "The organisation %(organisation)s disagrees with your proposal: its involvement with file %(id)s stays "
    "open. Read its comment in the file."
)


MESSAGE_SUBJECT = gettext_noop("Maillage: a message waits for you")
MESSAGE_TO_REFERENT = gettext_noop(
    "A person you are referent for wrote you a message in Maillage.\nIt waits for you in their file: file %(id)s."
)


@task()
def tell_referent_of_message(message_id: int) -> None:
    """Tell the referent that a message from the person waits in Maillage: no text, no name, in the mail."""
    message = SpaceMessage.objects.select_related("person").filter(pk=message_id).first()
    if message is None:
        return
    person = message.person
    referent = referent_of(person)
    if referent is None:
        return
    if door.notify(
        person, recipient=Recipient.REFERENT, purpose=purposes.SPACE_MESSAGE, extra={"message": message_id}
    ):
        _mail(referent.address, referent.language, MESSAGE_SUBJECT, MESSAGE_TO_REFERENT, {"id": person.public_id})
