"""The persons part of the demo: about 200 fictional persons across the demo organisations.

Each has needs in the directory's life domains (in their own words), a primary network (relations),
a secondary network (involvements of 1 to 5 organisations, with one referent and its history), the record
that they were informed, contact preferences, and consents: most have care-team sharing, some an explicit
consent for health, and some a revoked or expired basis or an objection. A few professionals broke the glass.
The audit chain gets the matching entries (opening of the files, sharing decisions, some views), in time order.

The fixed login `personne@demo.maillage.be` (kind PERSON) is the own-space login of the first person,
followed by the demo professional of the CPAS de Libramont-Chevigny. Sizes: `territory.size("persons")`.
"""

import datetime as dt
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from maillage.access import audit
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent, AuditChainHead, BreakGlassGrant
from maillage.accounts.enums import OrganisationStatus, Role, UserKind
from maillage.accounts.models import Membership, Organisation, User
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import Consent, Objection
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoTerritory, bulk_delete
from maillage.directory.models import TaxonomyTerm
from maillage.people.enums import (
    ContactChannel,
    InformationMethod,
    InvolvementEndReason,
    InvolvementRole,
    InvolvementStatus,
    NeedStatus,
    PersonAgreement,
    RelationKind,
    RelationQuality,
    SupportDirection,
)
from maillage.people.models import (
    ContactPreference,
    InformationRecord,
    Involvement,
    Need,
    Person,
    ReferentChange,
    Relation,
)

PERSON_LOGIN = f"personne@{DEMO_EMAIL_DOMAIN}"
PROFESSIONAL_LOGIN = f"professionnel@{DEMO_EMAIL_DOMAIN}"
PERSON_EMAIL_DOMAIN = f"personnes.{DEMO_EMAIL_DOMAIN}"
SHARED = [Category.IDENTITY, Category.SOCIAL, Category.HEALTH, Category.PROJECT, Category.COORDINATION]

OWN_WORDS = {
    "housing": ["Je dois quitter mon appartement à la fin du mois.", "Le logement est humide, les enfants toussent."],
    "employment": ["Je voudrais retrouver un travail à mi-temps.", "J'aimerais une formation de cariste."],
    "income": ["Les factures s'accumulent, je n'ose plus ouvrir le courrier.", "Mon allocation a été suspendue."],
    "health": ["J'ai mal au dos et je n'ai plus de médecin.", "Je dois suivre mon diabète."],
    "mental-health": ["Je dors mal depuis des mois.", "Je me sens seul et angoissé."],
    "addictions": ["Je voudrais boire moins.", "Je veux arrêter le cannabis."],
    "rights": ["Je ne comprends pas les papiers de la mutuelle.", "Mon titre de séjour arrive à échéance."],
    "family": ["Je voudrais revoir mes enfants plus souvent.", "C'est difficile avec mon ado."],
    "child-protection": ["Le SAJ est venu à la maison.", "Je veux garder le lien avec ma fille placée."],
    "justice": ["J'ai une audience au tribunal en mars.", "Je dois effectuer une peine de travail."],
    "mobility": ["Je n'ai pas de voiture et le bus passe deux fois par jour.", "Je dois repasser mon permis."],
    "daily-life": ["Les courses et le ménage deviennent difficiles.", "J'ai besoin d'aide pour mes repas."],
    "social-ties": ["Je ne vois plus personne depuis mon déménagement.", "J'aimerais participer à un groupe."],
    "food": ["Le frigo est vide en fin de mois.", "J'ai besoin d'un colis alimentaire."],
    "education": ["Je voudrais apprendre à lire mieux.", "Mon fils décroche à l'école."],
}
RELATION_DETAILS = {
    RelationKind.FAMILY: ["mère", "père", "sœur", "frère", "fille", "fils", "grand-mère", "oncle"],
    RelationKind.PARTNER: ["compagne", "compagnon", "épouse", "mari"],
    RelationKind.FRIEND: ["ami d'enfance", "amie", "collègue"],
    RelationKind.NEIGHBOUR: ["voisine", "voisin du dessus"],
    RelationKind.PEER_HELPER: ["pair-aidant", "parrain AA"],
    RelationKind.OTHER: ["ancien éducateur", "entraîneur de foot"],
}


AGREEMENTS = (PersonAgreement.ORALLY, PersonAgreement.ON_PAPER)
CARRIED_NEEDS = 0.93  # the share of open needs some involvement of the team carries (its life domains)


def clear() -> None:
    """Delete the demo persons (those opened by demo organisations) and the person login.

    The audit chain is append-only and holds ids only: its entries stay, and the chain stays valid.
    """
    demo_persons = Person.objects.filter(opened_by_organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
    bulk_delete(BreakGlassGrant.objects.filter(person__in=demo_persons))
    for model in (Consent, Objection):
        # Append-only rows: superseding rows first (they PROTECT the rows they supersede).
        rows = model.objects.filter(person__in=demo_persons)
        while rows.exists():
            heads = rows.filter(superseded_by__isnull=True)
            heads._raw_delete(heads.db)
    bulk_delete(demo_persons)
    User.objects.filter(email__iexact=PERSON_LOGIN).delete()


def generate(territory: DemoTerritory) -> None:
    _Generator(territory).run()


class _Generator:
    def __init__(self, territory: DemoTerritory) -> None:
        self.territory = territory
        self.random = territory.random
        self.faker = territory.faker
        self.now = timezone.now()
        organisations = territory.made.get("organisations") or list(
            Organisation.objects.filter(email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
        )
        self.organisations = [
            o for o in organisations if o.status == OrganisationStatus.VALIDATED and o.sector != "NETWORK"
        ]
        self.home = territory.made.get("home_organisation") or (self.organisations[0] if self.organisations else None)
        self.professionals: dict[int, list[User]] = defaultdict(list)
        for membership in Membership.objects.filter(
            organisation__in=self.organisations, role=Role.PROFESSIONAL, is_active=True
        ).select_related("user"):
            self.professionals[membership.organisation_id].append(membership.user)
        self.demo_professional = User.objects.filter(email__iexact=PROFESSIONAL_LOGIN).first()
        self.terms = list(TaxonomyTerm.objects.filter(taxonomy__is_builtin=True, level=1))
        self.communes = territory.made.get("communes") or []
        self.events: list[tuple[dt.datetime, audit.EventData]] = []

    def when(self, days_ago_max: int, days_ago_min: int = 0) -> dt.datetime:
        seconds = self.random.randint(days_ago_min * 86400, days_ago_max * 86400)
        return self.now - dt.timedelta(seconds=seconds)

    def professional_of(self, organisation: Organisation) -> User | None:
        people = self.professionals.get(organisation.pk) or []
        is_home = organisation.pk == getattr(self.home, "pk", None) and self.demo_professional is not None
        if is_home and (self.random.random() < 0.7 or not people):
            return self.demo_professional
        return self.random.choice(people) if people else None

    def event(self, at: dt.datetime, **fields) -> None:
        self.events.append((at, audit.EventData(**fields)))

    def run(self) -> None:
        if not self.organisations or not self.terms:
            return
        count = self.territory.size("persons")
        rnd = self.random
        with transaction.atomic():
            persons = []
            openers = []
            for index in range(count):
                opening = self.home if index < max(20, count // 8) else rnd.choice(self.organisations)
                opener = self.professional_of(opening)
                first, last = self.faker.first_name(), self.faker.last_name()
                opened_at = self.when(720, 10)
                persons.append(
                    Person(
                        public_id=self.territory.public_id(),
                        first_name=first,
                        last_name=last,
                        birth_date=dt.date(rnd.randint(1945, 2007), rnd.randint(1, 12), rnd.randint(1, 28)),
                        phone=self.faker.phone_number() if rnd.random() < 0.7 else "",
                        email=(
                            f"{first}.{last}.{index}@{PERSON_EMAIL_DOMAIN}".lower().replace(" ", "-")
                            if rnd.random() < 0.35
                            else ""
                        ),
                        preferred_language="en" if rnd.random() < 0.05 else "fr",
                        commune=rnd.choice(self.communes) if self.communes else None,
                        opened_by=opener,
                        opened_by_organisation=opening,
                        last_activity_at=self.when(60),
                    )
                )
                openers.append((opening, opener, opened_at))
            persons = self.territory.bulk_create(Person, persons, desc="persons")
            self.login(persons[0])
            self.networks(persons, openers)
            self.append_audit()

    def login(self, person: Person) -> None:
        user = User.objects.filter(email__iexact=PERSON_LOGIN).first() or User(email=PERSON_LOGIN)
        user.kind = UserKind.PERSON
        user.first_name, user.last_name = person.first_name, person.last_name
        user.password = make_password(DEMO_PASSWORD)
        user.preferred_language = person.preferred_language
        user.save()
        person.user = user
        person.email = PERSON_LOGIN
        person.save(update_fields=["user", "email"])

    def networks(self, persons: list[Person], openers: list) -> None:
        rnd = self.random
        involvements, domains, records, needs, relations, preferences = [], [], [], [], [], []
        consents, objections, grants = [], [], []
        referent_history = []
        for index, (person, (opening, opener, opened_at)) in enumerate(zip(persons, openers, strict=True)):
            first_person = index == 0
            chosen = [
                opening,
                *rnd.sample(
                    [o for o in self.organisations if o.pk != opening.pk],
                    k=rnd.randint(0, min(4, len(self.organisations) - 1)),
                ),
            ]
            person_involvements = []
            for position, organisation in enumerate(chosen):
                ended = position > 0 and rnd.random() < 0.15
                started = opened_at.date() + dt.timedelta(days=rnd.randint(0, 60) if position else 0)
                involvement = Involvement(
                    public_id=self.territory.public_id(),
                    person=person,
                    organisation=organisation,
                    professional=opener if position == 0 else self.professional_of(organisation),
                    role=InvolvementRole.REFERENT
                    if position == 0 and (first_person or rnd.random() < 0.9)
                    else (
                        rnd.choice(
                            [InvolvementRole.INTERVENING, InvolvementRole.INTERVENING, InvolvementRole.CONSULTED]
                        )
                    ),
                    started_on=started,
                    status=InvolvementStatus.ENDED if ended else InvolvementStatus.ACTIVE,
                    ended_on=started + dt.timedelta(days=rnd.randint(20, 200)) if ended else None,
                    end_reason=rnd.choice(InvolvementEndReason.values) if ended else "",
                    # Door rule 8c: every organisation added after the opening one records how the person agreed.
                    agreement=(PersonAgreement.ON_PAPER if position % 2 else PersonAgreement.ORALLY)
                    if position
                    else "",
                )
                person_involvements.append(involvement)
            involvements.extend(person_involvements)
            records.append(
                InformationRecord(
                    person=person,
                    informed_at=opened_at,
                    method=rnd.choice([InformationMethod.ORAL, InformationMethod.WRITTEN_NOTICE]),
                    informed_by=opener,
                    organisation=opening,
                )
            )
            for term in rnd.sample(self.terms, k=rnd.randint(1, 4)):
                status = rnd.choices(NeedStatus.values, weights=[4, 4, 2, 1])[0]
                needs.append(
                    Need(
                        public_id=self.territory.public_id(),
                        person=person,
                        term=term,
                        own_words=rnd.choice(OWN_WORDS.get(term.code, ["Besoin exprimé lors de l'accueil."])),
                        status=status,
                        weight=rnd.randint(1, 5),
                        opened_on=opened_at.date(),
                        closed_on=(self.now.date() - dt.timedelta(days=rnd.randint(1, 90)))
                        if status in (NeedStatus.MET, NeedStatus.NO_LONGER_RELEVANT)
                        else None,
                    )
                )
            for _ in range(rnd.randint(0, 6)):
                kind = rnd.choices(RelationKind.values, weights=[5, 2, 3, 2, 1, 1])[0]
                keep = rnd.random() < 0.4
                relations.append(
                    Relation(
                        public_id=self.territory.public_id(),
                        person=person,
                        name=self.faker.first_name() if rnd.random() < 0.5 else self.faker.name(),
                        kind=kind,
                        kind_detail=rnd.choice(RELATION_DETAILS[kind]),
                        quality=rnd.choices(RelationQuality.values, weights=[6, 2, 2])[0],
                        strength=rnd.randint(1, 3),
                        support_direction=rnd.choices(SupportDirection.values, weights=[5, 1, 3])[0],
                        keep_contact=keep,
                        phone=self.faker.phone_number() if keep else "",
                        takes_part=rnd.random() < 0.3,
                    )
                )
            channels = rnd.sample(ContactChannel.values, k=rnd.randint(1, 2))
            preferences.extend(
                ContactPreference(person=person, channel=channel, rank=rank)
                for rank, channel in enumerate(channels, 1)
            )
            consents.extend(self.person_consents(person, chosen, opener, opened_at, first_person, objections))
            self.event(opened_at, action=Action.CREATE, outcome=Outcome.ALLOWED, actor_id=getattr(opener, "pk", None),
                       organisation_id=opening.pk, person_id=person.pk, category=Category.IDENTITY,
                       purpose="person_create", reason=Reason.OPENED_FILE)  # fmt: skip
            for _ in range(rnd.randint(0, 5)):
                organisation = rnd.choice(chosen)
                viewer = self.professional_of(organisation)
                self.event(
                    self.when(60),
                    action=Action.VIEW,
                    outcome=Outcome.ALLOWED,
                    actor_id=getattr(viewer, "pk", None),
                    organisation_id=organisation.pk,
                    person_id=person.pk,
                    category=Category.IDENTITY,
                    purpose="person_page",
                    reason=Reason.CARE_TEAM_SHARING,
                )
            if index % 60 == 7:
                grants.append(self.break_glass(person, chosen))
        involvements = self.territory.bulk_create(Involvement, involvements, desc="involvements")
        through = Involvement.life_domains.through
        covered: dict[int, set[int]] = defaultdict(set)
        for involvement in involvements:
            for term in rnd.sample(self.terms, k=rnd.randint(1, 3)):
                covered[involvement.pk].add(term.pk)
        # Most open needs are carried by someone of the team: a network where they were not would flag nearly
        # every person as abandoned (analytics' attention signals), and the demo's planted situations would drown.
        team_of: dict[int, list[Involvement]] = defaultdict(list)
        for involvement in involvements:
            team_of[involvement.person_id].append(involvement)
        for need in needs:
            team = team_of.get(need.person_id)
            carried = team and any(need.term_id in covered[involvement.pk] for involvement in team)
            if need.closed_on is None and team and not carried and rnd.random() < CARRIED_NEEDS:
                covered[rnd.choice(team).pk].add(need.term_id)
        for involvement_id, term_ids in covered.items():
            domains.extend(through(involvement_id=involvement_id, taxonomyterm_id=pk) for pk in sorted(term_ids))
        self.territory.bulk_create(through, domains, desc="life domains covered")
        by_person: dict[int, list[Involvement]] = defaultdict(list)
        for involvement in involvements:
            by_person[involvement.person_id].append(involvement)
        for person_id, items in by_person.items():
            referent = next((i for i in items if i.role == InvolvementRole.REFERENT), None)
            if referent is not None:
                referent_history.append(
                    ReferentChange(
                        person_id=person_id,
                        to_involvement=referent,
                        changed_at=timezone.make_aware(dt.datetime.combine(referent.started_on, dt.time(10))),
                        reason="Ouverture du dossier, référent choisi avec la personne",
                        chosen_with_person=True,
                        recorded_by=referent.professional,
                    )
                )
        self.territory.bulk_create(InformationRecord, records, desc="information records")
        self.territory.bulk_create(Need, needs, desc="needs")
        self.territory.bulk_create(Relation, relations, desc="relations")
        self.territory.bulk_create(ContactPreference, preferences, desc="contact preferences")
        self.territory.bulk_create(ReferentChange, referent_history, desc="referent history")
        self.save_consents(consents)
        self.territory.bulk_create(Objection, objections, desc="objections")
        self.territory.bulk_create(BreakGlassGrant, [g for g in grants if g is not None], desc="break-the-glass")

    def person_consents(self, person, chosen, opener, opened_at, first_person, objections) -> list:
        """[(consent, revocation or None)] for one person, and their objections (appended)."""
        rnd = self.random
        rows = []
        draw = 0.0 if first_person else rnd.random()
        sharing = Consent(
            person=person,
            recipient_organisation=None,
            purpose="Coordination de l'accompagnement",
            categories=sorted(c.value for c in SHARED),
            legal_basis=LegalBasis.CARE_TEAM_SHARING,
            how_given=HowGiven.ORAL_RECORDED,
            recorded_by=opener,
            recorded_by_organisation=chosen[0],
            starts_at=opened_at,
            expires_at=self.now - dt.timedelta(days=rnd.randint(1, 30)) if 0.90 <= draw < 0.95 else None,
            created_at=opened_at,
        )
        revoked_at = self.when(30) if 0.85 <= draw < 0.90 else None
        rows.append((sharing, revoked_at))
        self.event(opened_at, action=Action.SHARE, outcome=Outcome.ALLOWED, actor_id=getattr(opener, "pk", None),
                   organisation_id=chosen[0].pk, person_id=person.pk, category=Category.IDENTITY,
                   purpose="consent_write", reason=Reason.INVOLVED)  # fmt: skip
        if len(chosen) > 1 and rnd.random() < 0.25:
            recipient = rnd.choice(chosen[1:])
            given_at = opened_at + dt.timedelta(days=rnd.randint(1, 60))
            rows.append(
                (
                    Consent(
                        person=person,
                        recipient_organisation=recipient,
                        purpose="Partage du suivi de santé",
                        categories=[Category.HEALTH.value, Category.DOCUMENTS.value],
                        legal_basis=LegalBasis.CONSENT,
                        how_given=rnd.choice([HowGiven.PAPER_SCANNED, HowGiven.ORAL_RECORDED]),
                        recorded_by=opener,
                        recorded_by_organisation=chosen[0],
                        starts_at=given_at,
                        expires_at=given_at + dt.timedelta(days=365),
                        created_at=given_at,
                    ),
                    None,
                )
            )
        if draw >= 0.95 and len(chosen) > 1:
            objections.append(
                Objection(
                    person=person,
                    organisation=rnd.choice(chosen[1:]),
                    category=rnd.choice([Category.SOCIAL, Category.HEALTH, Category.PROJECT]),
                    note="La personne ne souhaite pas ce partage.",
                    recorded_by=opener,
                    created_at=self.when(30),
                )
            )
        return rows

    def save_consents(self, rows) -> None:
        saved = self.territory.bulk_create(Consent, [consent for consent, _ in rows], desc="consents")
        revocations = []
        for consent, (_, revoked_at) in zip(saved, rows, strict=True):
            if revoked_at is None:
                continue
            revocations.append(
                Consent(
                    person_id=consent.person_id,
                    recipient_organisation_id=consent.recipient_organisation_id,
                    purpose=consent.purpose,
                    categories=consent.categories,
                    legal_basis=consent.legal_basis,
                    how_given=consent.how_given,
                    recorded_by=consent.recorded_by,
                    recorded_by_organisation_id=consent.recorded_by_organisation_id,
                    starts_at=consent.starts_at,
                    expires_at=consent.expires_at,
                    revoked_at=revoked_at,
                    revoked_by=consent.recorded_by,
                    supersedes=consent,
                    created_at=revoked_at,
                )
            )
            self.event(revoked_at, action=Action.SHARE, outcome=Outcome.ALLOWED,
                       actor_id=consent.recorded_by_id, organisation_id=consent.recorded_by_organisation_id,
                       person_id=consent.person_id, category=Category.IDENTITY, purpose="consent_write",
                       reason=Reason.INVOLVED)  # fmt: skip
        self.territory.bulk_create(Consent, revocations, desc="revocations")

    def break_glass(self, person: Person, chosen: list[Organisation]) -> BreakGlassGrant | None:
        outsiders = [
            o for o in self.organisations if o not in chosen and o.is_care_provider and self.professionals[o.pk]
        ]
        if not outsiders:
            return None
        organisation = self.random.choice(outsiders)
        actor = self.random.choice(self.professionals[organisation.pk])
        started = self.when(45, 2)
        self.event(started, action=Action.BREAK_GLASS, outcome=Outcome.ALLOWED, actor_id=actor.pk,
                   organisation_id=organisation.pk, person_id=person.pk, purpose="break_glass",
                   reason=Reason.BREAK_GLASS, break_glass=True)  # fmt: skip
        for category in (Category.IDENTITY, Category.HEALTH):
            self.event(started + dt.timedelta(minutes=2), action=Action.VIEW, outcome=Outcome.ALLOWED,
                       actor_id=actor.pk, organisation_id=organisation.pk, person_id=person.pk, category=category,
                       purpose="person_page", reason=Reason.BREAK_GLASS, break_glass=True)  # fmt: skip
        return BreakGlassGrant(
            actor=actor,
            organisation=organisation,
            person=person,
            reason="Admission aux urgences, la personne ne peut pas répondre.",
            started_at=started,
            expires_at=started + dt.timedelta(hours=4),
            alerts_sent_at=started,
        )

    def append_audit(self) -> None:
        """Append the demo's events to the chain in time order (after whatever the chain already holds)."""
        self.events.sort(key=lambda item: item[0])
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first() or AuditChainHead.objects.create(pk=1)
        seq, prev_hash = head.seq, head.hash
        rows = []
        for at, data in self.events:
            row = audit.build_events([data], seq=seq, prev_hash=prev_hash, now=at)[0]
            seq, prev_hash = row.seq, row.hash
            rows.append(row)
        if rows:
            self.territory.bulk_create(AccessEvent, rows, desc="audit entries")
            AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
