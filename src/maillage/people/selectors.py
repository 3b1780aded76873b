"""Reads of person data for views and the API, on top of the door.

The door (`maillage.access.door`) decides whether the actor may see the person at all. The `*_of` readers pick
one row of that person's file by its id, so that views never query the person-data models themselves (the lint
ban in pyproject.toml); each answers None for a row of another person, so the view answers 404.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import OuterRef, Q, QuerySet, Subquery

from maillage.access.door import categories_for_many, persons_visible_to
from maillage.access.enums import Category
from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.people.enums import EndProposalStatus, InvolvementStatus
from maillage.people.models import (
    Involvement,
    InvolvementEndProposal,
    Person,
    ReferentChange,
    Relation,
    SpaceMessage,
)
from maillage.people.presenters import professional_organisation_ids

SEARCH_LIMIT = 500


def person_search(actor: Any, query: str) -> list[Person]:
    """The persons `actor` may know whose first or last name holds every word of `query`, by name.

    A name matches only where the actor may see the identity: a masked name must not be findable. At most
    `SEARCH_LIMIT` candidates. Writes no audit entry: the caller audits the page it shows (`audit_list`, SEARCH).
    The words come in a request body, never in a URL (no name in access logs, history or proxies).
    """
    terms = Q()
    for word in query.split():
        terms &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    visible = persons_visible_to(actor).select_related("commune").by_name()
    candidates = list(visible.filter(terms)[:SEARCH_LIMIT])
    categories = categories_for_many(actor, candidates)
    return [person for person in candidates if Category.IDENTITY in categories[person.pk]]


def relation_of(person: Person, public_id: UUID) -> Relation | None:
    return Relation.objects.filter(person=person, public_id=public_id).first()


def involvement_of(person: Person, public_id: UUID) -> Involvement | None:
    return Involvement.objects.select_related("organisation").filter(person=person, public_id=public_id).first()


def involvement_active_of(person: Person, public_id: UUID) -> Involvement | None:
    """The person's active involvement with this id, if any."""
    return (
        Involvement.objects.active()
        .select_related("organisation", "person")
        .filter(person=person, public_id=public_id)
        .first()
    )


def end_proposal_awaiting(involvement: Involvement) -> InvolvementEndProposal | None:
    """The referent's proposal to end this involvement that still awaits the organisation's answer, if any."""
    return InvolvementEndProposal.objects.filter(involvement=involvement, status=EndProposalStatus.PENDING).first()


def involvement_active(person: Person, organisation) -> Involvement | None:
    """The organisation's active involvement with the person, if any."""
    return Involvement.objects.active().filter(person=person, organisation=organisation).first()


def addable_organisations(person: Person) -> QuerySet[Organisation]:
    """Validated organisations not involved with the person now: the only ones an addition can take."""
    involved = Involvement.objects.active().filter(person=person).values("organisation_id")
    return Organisation.objects.filter(status=OrganisationStatus.VALIDATED).exclude(pk__in=involved)


def end_answers_awaited(actor: Any, persons: Iterable[Person]) -> set[int]:
    """Of these persons, those for whom the referent proposed to end one of the actor's organisations'
    involvements and the organisation has not answered yet (door rule 8b): the list flags them."""
    organisations = professional_organisation_ids(actor)
    ids = [person.pk for person in persons]
    if not organisations or not ids:
        return set()
    return set(
        InvolvementEndProposal.objects.filter(
            status=EndProposalStatus.PENDING,
            person_id__in=ids,
            involvement__organisation_id__in=organisations,
            involvement__status=InvolvementStatus.ACTIVE,
        ).values_list("person_id", flat=True)
    )


def referent_change_latest(person: Person) -> ReferentChange | None:
    """The latest row of the person's referent history: the version a referent form is read at (ADR 5)."""
    return ReferentChange.objects.filter(person=person).order_by("-pk").first()


def persons_recently_changed(visible: QuerySet[Person], since: datetime) -> QuerySet[Person]:
    """Of the persons the door lets the actor know (`visible`, from `persons_visible_to`), those whose file
    changed since `since`, the latest change first."""
    return visible.filter(last_activity_at__gte=since).order_by("-last_activity_at", "-pk")


def persons_awaiting_end_answer(actor: Any, visible: QuerySet[Person]) -> QuerySet[Person]:
    """Of the persons the door lets the actor know, those for whom the referent proposed to end one of the
    actor's organisations' involvements and the organisation has not answered yet (door rule 8b), the oldest
    proposal first."""
    organisations = professional_organisation_ids(actor)
    pending = InvolvementEndProposal.objects.filter(
        status=EndProposalStatus.PENDING,
        involvement__organisation_id__in=organisations,
        involvement__status=InvolvementStatus.ACTIVE,
    )
    first_asked = pending.filter(person_id=OuterRef("pk")).order_by("proposed_at").values("proposed_at")[:1]
    return (
        visible.filter(pk__in=pending.values("person_id"))
        .annotate(end_proposed_at=Subquery(first_asked))
        .order_by("end_proposed_at", "pk")
    )


def network_changes_since(person: Person, since: date) -> list[Involvement]:
    """The organisations that joined or left the person's network since `since`, the latest first."""
    changes = Involvement.objects.filter(person=person).filter(Q(started_on__gte=since) | Q(ended_on__gte=since))
    rows = list(changes.select_related("organisation"))
    return sorted(rows, key=lambda i: (max(d for d in (i.started_on, i.ended_on) if d), i.pk), reverse=True)


def space_messages_to(person: Person, organisation_ids: Iterable[int], *, limit: int = 20) -> list[SpaceMessage]:
    """The latest messages the person wrote to one of these organisations (the caller checked it is the referent)."""
    return list(SpaceMessage.objects.filter(person=person, organisation_id__in=list(organisation_ids))[:limit])


def space_messages_of(person: Person, *, limit: int = 20) -> list[SpaceMessage]:
    """The latest messages the person wrote, for their own space."""
    return list(SpaceMessage.objects.filter(person=person).select_related("organisation")[:limit])


def care_team(person: Person) -> QuerySet[Involvement]:
    """The person's active involvements with their organisation, professional and life domains (the team)."""
    return (
        Involvement.objects.active()
        .filter(person_id=person.pk)
        .select_related("organisation", "professional")
        .prefetch_related("life_domains")
        .order_by("pk")
    )
