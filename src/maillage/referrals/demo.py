"""The referrals part of the demo: a few hundred referrals between the demo organisations, in every status.

Each comes from the referent of a demo person, for one of their open needs, to another validated organisation
(often one of the directory's services for that need): sent, received, accepted, declined (every reason, some
redirected to another partner), on a waiting list, first contact done, completed (need met or not), cancelled,
expired, obsolete, and some left waiting long enough for a reminder to be due. Each has its transitions. All
fictional, all in bulk; accepted referrals do not add involvements (the demo's networks stay as `people` made
them).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, bulk_delete
from maillage.people.enums import InvolvementRole, InvolvementStatus, NeedStatus
from maillage.people.models import Involvement, Need, Person
from maillage.referrals.enums import (
    Agreement,
    ContactPreference,
    DeclineReason,
    Outcome,
    Party,
    ReferralStatus,
    Urgency,
)
from maillage.referrals.models import Referral, ReferralTransition

S = ReferralStatus
# The path each status was reached by, from SENT (the receiver's moves, then the sender's or the system's).
PATHS = {
    S.SENT: [],
    S.RECEIVED: [(S.RECEIVED, Party.RECEIVER)],
    S.ACCEPTED: [(S.RECEIVED, Party.RECEIVER), (S.ACCEPTED, Party.RECEIVER)],
    S.DECLINED: [(S.RECEIVED, Party.RECEIVER), (S.DECLINED, Party.RECEIVER)],
    S.WAITING_LIST: [(S.RECEIVED, Party.RECEIVER), (S.WAITING_LIST, Party.RECEIVER)],
    S.FIRST_CONTACT_DONE: [(S.ACCEPTED, Party.RECEIVER), (S.FIRST_CONTACT_DONE, Party.RECEIVER)],
    S.COMPLETED: [(S.ACCEPTED, Party.RECEIVER), (S.FIRST_CONTACT_DONE, Party.RECEIVER), (S.COMPLETED, Party.RECEIVER)],
    S.CANCELLED: [(S.CANCELLED, Party.SENDER)],
    S.EXPIRED: [(S.EXPIRED, Party.SYSTEM)],
    S.OBSOLETE: [(S.RECEIVED, Party.RECEIVER), (S.OBSOLETE, Party.SYSTEM)],
}
WEIGHTS = {
    S.SENT: 12, S.RECEIVED: 10, S.ACCEPTED: 10, S.DECLINED: 12, S.WAITING_LIST: 8, S.FIRST_CONTACT_DONE: 10,
    S.COMPLETED: 18, S.CANCELLED: 5, S.EXPIRED: 5, S.OBSOLETE: 4,
}  # fmt: skip
EXPECTED = [
    "Un premier rendez-vous pour faire le point.",
    "Un accompagnement dans les démarches.",
    "Une place dès que possible.",
    "Un avis et, si possible, une prise en charge.",
]
MAX_REFERRALS = 400


def clear() -> None:
    demo_persons = Person.objects.filter(opened_by_organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
    bulk_delete(Referral.objects.filter(person__in=demo_persons))


def generate(territory: DemoTerritory) -> None:
    rnd, now = territory.random, timezone.now()
    persons = list(
        Person.objects.filter(
            opened_by_organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}", anonymised_at__isnull=True
        ).order_by("pk")
    )
    referents = {
        i.person_id: i
        for i in Involvement.objects.filter(
            person__in=persons, role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE
        ).select_related("organisation")
    }
    needs: dict[int, list[Need]] = {}
    for need in Need.objects.filter(person__in=persons, status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS]):
        needs.setdefault(need.person_id, []).append(need)
    organisations = list(Organisation.objects.filter(status=OrganisationStatus.VALIDATED).order_by("pk"))
    if len(organisations) < 2:
        return
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    plans = []
    for person in persons:
        referent = referents.get(person.pk)
        for need in needs.get(person.pk, [])[:2]:
            if referent is None or len(plans) >= MAX_REFERRALS:
                break
            receiver = rnd.choice([o for o in organisations[:40] if o.pk != referent.organisation_id])
            plans.append((person, referent, need, receiver, rnd.choices(statuses, weights)[0]))
    referrals = []
    for person, referent, need, receiver, status in plans:
        sent = now - dt.timedelta(days=rnd.randint(1, 90), hours=rnd.randint(0, 23))
        if status == S.EXPIRED:
            sent = now - dt.timedelta(days=rnd.randint(31, 60))
        elif status in (S.SENT, S.RECEIVED):
            # Still waiting for an answer, so younger than the 30 days after which Maillage expires it: most were
            # sent in the last fortnight (a reminder is due after 5 days); one in six waits past the 14 days that
            # put its person on the referent's attention list.
            days = rnd.randint(15, 25) if rnd.random() < 1 / 6 else rnd.randint(1, 12)
            sent = now - dt.timedelta(days=days, hours=rnd.randint(0, 23))
        referral = Referral(
            public_id=territory.public_id(),
            person=person,
            need=need,
            life_domain_id=need.term_id,
            sender_organisation_id=referent.organisation_id,
            sender_id=referent.professional_id,
            receiver_organisation=receiver,
            urgency=rnd.choice(list(Urgency)),
            expected=rnd.choice(EXPECTED),
            eligibility=f"{rnd.randint(19, 80)} ans",
            shared_categories=["IDENTITY", "SOCIAL"],
            agreement=rnd.choice([Agreement.ORALLY, Agreement.ON_PAPER]),
            contact_preference=rnd.choice(list(ContactPreference)),
            status=status,
            sent_at=sent,
            status_changed_at=sent,
            updated_by_id=referent.professional_id,
        )
        at = sent
        steps = []
        for to, party in PATHS[status]:
            at = min(now, at + dt.timedelta(days=rnd.randint(1, 6), hours=rnd.randint(0, 12)))
            steps.append((to, party, at))
            if to in (S.ACCEPTED, S.DECLINED, S.WAITING_LIST) and referral.answered_at is None:
                referral.answered_at = at
            if to == S.FIRST_CONTACT_DONE:
                referral.first_contact_at = at
            if to == S.COMPLETED:
                referral.completed_at = at
                referral.outcome = Outcome.NEED_MET if rnd.random() < 0.7 else Outcome.NOT_MET
                if referral.outcome == Outcome.NOT_MET:
                    referral.outcome_reason = "La personne a déménagé."
            if to == S.DECLINED:
                referral.decline_reason = rnd.choice(list(DeclineReason))
                if referral.decline_reason == DeclineReason.OTHER:
                    referral.decline_detail = "Service fermé pendant les travaux."
            if to == S.CANCELLED:
                referral.cancel_reason = "La personne a trouvé une solution."
        if steps:
            referral.status_changed_at = steps[-1][2]
        referrals.append((referral, steps))
    territory.bulk_create(Referral, [r for r, _ in referrals], desc="referrals")
    rows = []
    for referral, steps in referrals:
        rows.append(_row(referral, "", S.DRAFT, Party.SENDER, referral.sent_at))
        rows.append(_row(referral, S.DRAFT, S.SENT, Party.SENDER, referral.sent_at))
        previous = S.SENT
        for to, party, at in steps:
            rows.append(_row(referral, previous, to, party, at))
            previous = to
    territory.bulk_create(ReferralTransition, rows, desc="referral transitions")


def _row(referral: Referral, frm: str, to: str, party: str, at: dt.datetime) -> ReferralTransition:
    organisation = {Party.SENDER: referral.sender_organisation_id, Party.RECEIVER: referral.receiver_organisation_id}
    return ReferralTransition(
        referral=referral,
        person_id=referral.person_id,
        from_status=frm,
        to_status=to,
        actor_id=referral.sender_id if party == Party.SENDER else None,
        organisation_id=organisation.get(party),
        party=party,
        at=at,
        reason=referral.get_decline_reason_display() if to == S.DECLINED else "",
    )
