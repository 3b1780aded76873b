"""Reads for the person pages that are not person data themselves."""

from django.db.models import QuerySet

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.people.models import Involvement, Person


def addable_organisations(person: Person) -> QuerySet[Organisation]:
    """Validated organisations not involved with the person now: the only ones an addition can take."""
    involved = Involvement.objects.active().filter(person=person).values("organisation_id")
    return Organisation.objects.filter(status=OrganisationStatus.VALIDATED).exclude(pk__in=involved)
