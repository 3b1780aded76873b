import datetime as dt

import factory

from maillage.accounts.enums import Sector
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.governance.enums import College, MemberStatus
from maillage.governance.models import Network, NetworkMember


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    organisation = factory.SubFactory(OrganisationFactory, sector=Sector.NETWORK)
    name = factory.Sequence(lambda n: f"Réseau {n}")
    mission = "Coordonner l'aide autour de la personne."


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    college = College.PROFESSIONAL
    status = MemberStatus.MEMBER
    joined_on = dt.date(2025, 1, 6)


def coordinator_of(network: Network):
    return MembershipFactory(organisation=network.organisation, coordinator=True)


def admin_of(member: NetworkMember):
    return MembershipFactory(organisation=member.organisation, admin=True)
