"""The analytics part of the demo: the fruit net's situations planted in the demo network, then its snapshots.

Runs last. A coordinator (`coordination@…`) opening the dashboard finds each situation of DOMAIN.md's fruit net at
least once, each alert saying why; the demo professional (`professionnel@…`, referent at the CPAS de
Libramont-Chevigny) finds the two persons who need attention in their list:

- declared capacities for every member, one of them short of its caseload and declining referrals for lack of
  capacity (an overloaded organisation);
- two new members of Gouvy who work together and with no one else (a silo);
- two night-shelter services of Bastogne hanging off the CPAS de Libramont-Chevigny (brokers), which meet each
  other only in crises (a crisis-only link), one of them passing a person on the day a crisis began (a hot
  potato);
- a person followed by six organisations with contacts every few days (over-solicited), and a person nobody has
  seen for months, whose housing referrals were declined one after the other (abandoned);
- five persons of one commune whose need has no service with capacity nearby (an unmet need).

Then three monthly snapshots (the trends) and one of the last 90 days. Drawn from `territory.random`.
"""

import datetime as dt

from django.utils import timezone

from maillage.access.enums import Category
from maillage.accounts.enums import OrganisationStatus, Sector
from maillage.accounts.models import Organisation
from maillage.analytics import compute, gaps
from maillage.analytics.models import DeclaredCapacity, Snapshot
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import Consent
from maillage.coordination.enums import ContactKind, CrisisKind, ParticipantKind
from maillage.coordination.models import Contact, CrisisEpisode, Meeting, Participant
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, bulk_delete
from maillage.directory.enums import CapacityStatus, ServiceStatus
from maillage.directory.models import Service
from maillage.directory.selectors import life_domains
from maillage.governance.enums import College, MemberStatus
from maillage.governance.models import Network, NetworkMember
from maillage.people import aggregates
from maillage.people.enums import InformationMethod, InvolvementRole, NeedStatus
from maillage.people.models import InformationRecord, Involvement, Need, Person
from maillage.territories.models import Territory

SUFFIX = f".{DEMO_EMAIL_DOMAIN}"
SILO = ("Épicerie sociale de Gouvy", "Maison de quartier de Gouvy")
SHELTERS = ("Abri de nuit de Bastogne", "Relais social urbain de Bastogne")
UNMET_PERSONS = 5
MONTHS = 3


def clear() -> None:
    bulk_delete(Snapshot.objects.filter(network__organisation__email__iendswith=SUFFIX))
    bulk_delete(DeclaredCapacity.objects.filter(organisation__email__iendswith=SUFFIX))


def generate(territory: DemoTerritory) -> None:
    network = territory.made.get("governance_network")
    if network is None:
        network = Network.objects.filter(organisation__email__iendswith=SUFFIX).order_by("pk").first()
    if network is None:
        return
    _Situations(territory, network).run()
    today = timezone.localdate()
    snapshots = [compute.take(network, start, end) for start, end in compute.last_months(today, MONTHS)]
    snapshots.append(compute.take(network, today - dt.timedelta(days=89), today))
    territory.made["analytics_snapshot"] = snapshots[-1]


class _Situations:
    def __init__(self, territory: DemoTerritory, network: Network) -> None:
        self.territory = territory
        self.random = territory.random
        self.network = network
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.home: Organisation = territory.made.get("home_organisation") or self._members()[0]
        self.professional = territory.made.get("demo_users", {}).get(f"professionnel@{DEMO_EMAIL_DOMAIN}")
        self.communes = list(Territory.objects.filter(pk__in=self._commune_ids()).order_by("pk"))

    def run(self) -> None:
        members = self._members()
        others = [o for o in members if o.pk != self.home.pk]
        if len(others) < 5:
            return
        silo = [self._organisation(name, Sector.SOCIAL_ACTION) for name in SILO]
        for _ in range(3):
            self._person(silo, contacts_days=(3,))
        shelter, relay = (self._organisation(name, Sector.HOUSING) for name in SHELTERS)
        self._person([relay, self.home], contacts_days=(5,))
        self._person([self.home, relay], contacts_days=(8,))
        self._crisis(shelter, relay)
        self._over_solicited(others[:5])
        self._abandoned(others[0], others[1])
        self._unmet(others[2])
        self._capacities([*members, *silo, shelter, relay], others)

    # --- helpers ---------------------------------------------------------------------------------------------

    def _members(self) -> list[Organisation]:
        rows = NetworkMember.objects.filter(network=self.network, status=MemberStatus.MEMBER).select_related(
            "organisation"
        )
        return sorted((m.organisation for m in rows), key=lambda o: o.pk)

    def _commune_ids(self) -> list[int]:
        return list(Person.objects.filter(commune__isnull=False).values_list("commune_id", flat=True).distinct()[:200])

    def _organisation(self, name: str, sector: str) -> Organisation:
        slug = name.lower().replace(" ", "-").replace("é", "e").replace("'", "")
        organisation = Organisation.objects.create(
            name=name,
            sector=sector,
            status=OrganisationStatus.VALIDATED,
            email=f"contact@{slug}{SUFFIX}",
            locality=name.rsplit(" de ", 1)[-1],
        )
        NetworkMember.objects.create(
            network=self.network,
            organisation=organisation,
            college=College.PROFESSIONAL,
            status=MemberStatus.MEMBER,
            joined_on=self.today - dt.timedelta(days=400),
        )
        return organisation

    def _person(
        self, organisations: list[Organisation], *, days: int = 45, contacts_days=(), commune=None, referent=True
    ) -> Person:
        """A person followed by `organisations` (the first as referent) for `days` days, sharing with the care team."""
        faker = self.territory.faker
        started = self.today - dt.timedelta(days=days)
        opened_at = self.now - dt.timedelta(days=days)
        person = Person.objects.create(
            public_id=self.territory.public_id(),
            first_name=faker.first_name(),
            last_name=faker.last_name(),
            birth_date=dt.date(
                self.random.randint(1950, 2004), self.random.randint(1, 12), self.random.randint(1, 28)
            ),
            commune=commune or (self.random.choice(self.communes) if self.communes else None),
            opened_by_organisation=organisations[0],
            opened_by=self.professional if organisations[0] == self.home else None,
            last_activity_at=opened_at,
        )
        for index, organisation in enumerate(organisations):
            Involvement.objects.create(
                person=person,
                organisation=organisation,
                professional=self.professional if organisation == self.home else None,
                role=InvolvementRole.REFERENT if index == 0 and referent else InvolvementRole.INTERVENING,
                started_on=started,
            )
        InformationRecord.objects.create(
            person=person, method=InformationMethod.ORAL, organisation=organisations[0], informed_at=opened_at
        )
        Consent.objects.create(
            person=person,
            recipient_organisation=None,
            purpose="Coordination de l'accompagnement",
            categories=sorted(
                c.value for c in (Category.IDENTITY, Category.SOCIAL, Category.PROJECT, Category.COORDINATION)
            ),
            legal_basis=LegalBasis.CARE_TEAM_SHARING,
            how_given=HowGiven.ORAL_RECORDED,
            recorded_by_organisation=organisations[0],
            starts_at=opened_at,
        )
        for index, ago in enumerate(contacts_days):
            organisation = organisations[index % len(organisations)]
            Contact.objects.create(
                person=person,
                organisation=organisation,
                professional=self.professional if organisation == self.home else None,
                kind=self.random.choice(ContactKind.values),
                happened_at=self.now - dt.timedelta(days=ago, hours=self.random.randint(0, 6)),
            )
        return person

    def _refer(self, person, sender, receiver, *, domain, status, days_ago, **fields):
        from maillage.referrals.enums import Agreement, Party
        from maillage.referrals.models import Referral, ReferralTransition

        sent = self.now - dt.timedelta(days=days_ago)
        referral = Referral.objects.create(
            public_id=self.territory.public_id(),
            person=person,
            life_domain=domain,
            sender_organisation=sender,
            receiver_organisation=receiver,
            expected="Un relais pour la suite de l'accompagnement.",
            agreement=Agreement.ORALLY,
            status=status,
            sent_at=sent,
            answered_at=sent + dt.timedelta(days=2) if status not in ("SENT", "RECEIVED") else None,
            status_changed_at=sent,
            **fields,
        )
        # Its history, as every referral has one: sent, then the answer it got (when it got one).
        moves = [("DRAFT", "SENT", Party.SENDER, sender, sent)]
        if referral.answered_at:
            moves.append(("SENT", status, Party.RECEIVER, receiver, referral.answered_at))
        ReferralTransition.objects.bulk_create(
            ReferralTransition(
                referral=referral,
                person_id=person.pk,
                from_status=frm,
                to_status=to,
                organisation=organisation,
                party=party,
                at=at,
                reason=referral.get_decline_reason_display() if to == "DECLINED" else "",
            )
            for frm, to, party, organisation, at in moves
        )
        return referral

    # --- the situations --------------------------------------------------------------------------------------

    def _capacities(self, members: list[Organisation], others: list[Organisation]) -> None:
        """Capacities with room to spare, but the busiest partner is short of its caseload and says so."""
        caseload, _heavy, _persons = aggregates.caseloads([o.pk for o in members], self.today)
        busiest = max(others, key=lambda o: (caseload.get(o.pk, 0), -o.pk))
        domain = self._domains()[0]
        for ago in (4, 11, 19):
            person = self._person([self.home, busiest], contacts_days=(2,))
            self._refer(
                person,
                self.home,
                busiest,
                domain=domain,
                status="DECLINED",
                days_ago=ago,
                decline_reason="NO_CAPACITY",
            )
        caseload, _heavy, _persons = aggregates.caseloads([o.pk for o in members], self.today)
        for organisation in members:
            load = caseload.get(organisation.pk, 0)
            persons = max(1, load * 2 // 3) if organisation == busiest else max(10, load + load // 2)
            DeclaredCapacity.objects.update_or_create(organisation=organisation, defaults={"persons": persons})

    def _crisis(self, shelter: Organisation, relay: Organisation) -> None:
        """The shelter and the relay meet only in crises; the relay passes the person on the day one began."""
        person = self._person([shelter, relay], contacts_days=(1, 2))
        episode = CrisisEpisode.objects.create(
            person=person, kind=CrisisKind.HOUSING, started_at=self.now - dt.timedelta(days=6), organisation=shelter
        )
        for ago in (6, 5):
            meeting = Meeting.objects.create(
                person=person,
                organisation=shelter,
                purpose="Mise à l'abri",
                starts_at=self.now - dt.timedelta(days=ago),
                crisis=episode,
            )
            Participant.objects.create(meeting=meeting, kind=ParticipantKind.PROFESSIONAL, organisation=relay)
        self._refer(
            person, relay, self.home, domain=self._domains()[0], status="ACCEPTED", days_ago=5.5, urgency="CRISIS"
        )

    def _over_solicited(self, partners: list[Organisation]) -> None:
        """Six organisations around one person, a contact every few days, no action carried by the person."""
        self._person([self.home, *partners], days=120, contacts_days=(1, 3, 5, 8, 11, 14, 18, 22, 26))

    def _abandoned(self, first: Organisation, second: Organisation) -> None:
        """Followed for five months, no contact since, a housing need no one carries, declined twice in a row."""
        person = self._person([self.home], days=150)
        housing = self._domains()[0]
        Need.objects.create(
            person=person,
            term=housing,
            own_words="Je dois quitter mon logement et personne ne me rappelle.",
            status=NeedStatus.OPEN,
            weight=4,
            opened_on=self.today - dt.timedelta(days=140),
        )
        self._refer(
            person, self.home, first, domain=housing, status="DECLINED", days_ago=40, decline_reason="OUT_OF_CRITERIA"
        )
        self._refer(
            person,
            self.home,
            second,
            domain=housing,
            status="DECLINED",
            days_ago=25,
            decline_reason="NOT_RIGHT_SERVICE",
        )

    def _unmet(self, follower: Organisation) -> None:
        """Five persons of one commune whose need no service with capacity offers nearby (`gaps` rules)."""
        found = self._uncovered()
        if found is None:
            return
        commune, domain = found
        for _ in range(UNMET_PERSONS):
            person = self._person([follower], contacts_days=(4,), commune=commune)
            Need.objects.create(
                person=person,
                term=domain,
                status=NeedStatus.OPEN,
                weight=3,
                opened_on=self.today - dt.timedelta(days=20),
            )
            person.involvements.get().life_domains.add(domain)

    def _domains(self) -> list:
        domains = list(life_domains())
        housing = [d for d in domains if d.code == "housing"]
        return housing + [d for d in domains if d.code != "housing"]

    def _uncovered(self):
        """A (commune, life domain) with no service of the domain with capacity nearby, or None."""
        communes = {c.pk: c for c in self.communes}
        for domain in self._domains():
            offering = gaps._services_by_domain({domain.pk}).get(domain.pk, set())
            with_capacity = set(
                Service.objects.filter(
                    pk__in=offering, status=ServiceStatus.ACTIVE, capacity_status=CapacityStatus.AVAILABLE
                ).values_list("pk", flat=True)
            )
            covered = gaps._nearby(set(communes), with_capacity) if with_capacity else {}
            for pk, commune in communes.items():
                if not covered.get(pk):
                    return commune, domain
        return None
