"""Reads for the person pages that are not person data themselves."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.people.enums import EndProposalStatus, InvolvementStatus
from maillage.people.models import Involvement, InvolvementEndProposal, Person
from maillage.people.presenters import professional_organisation_ids


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
