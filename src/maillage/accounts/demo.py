"""The accounts part of the demo: fictional organisations of the Province of Luxembourg, their users.

By default about 60 organisations across every `Sector`, in the real communes imported by the
territories part. Public bodies take the generic name of their institution and their commune ("CPAS
de Bastogne"); associations and private services have invented names. Everyone is fictional, and
every address is on the demo domain (`@demo.maillage.be`, organisations `@<name>.demo.maillage.be`),
which is also how `clear()` finds what to delete.

Fixed logins (see `maillage.core.demo.DEMO_LOGINS`) share `DEMO_PASSWORD`: an admin and a
professional of the CPAS de Libramont-Chevigny (the seed talk was given in Libramont), the network
coordinator, and platform staff. The password is hashed once and the hash reused, so that thousands
of users do not cost thousands of Argon2 rounds.

Leaves for the later parts: `made["organisations"]`, `made["memberships"]`, `made["users"]`,
`made["network"]` (the network-coordination organisation), `made["home_organisation"]` (the CPAS de
Libramont-Chevigny), `made["staff"]`, `made["demo_users"]` (email -> user) and
`made["organisation_coordinates"]` (organisation pk -> (latitude, longitude), near its commune).
The CPAS also has a former colleague whose membership is deactivated.
"""

import bisect
import itertools
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils.text import slugify

from maillage.accounts.enums import IdentifierScheme, OrganisationStatus, Role, Sector, UserKind
from maillage.accounts.models import Membership, Organisation, User
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, STREETS, DemoTerritory, bulk_delete
from maillage.territories.models import Territory

ORGANISATION_EMAIL_SUFFIX = f".{DEMO_EMAIL_DOMAIN}"
USER_EMAIL_SUFFIX = f"@{DEMO_EMAIL_DOMAIN}"
HOME_COMMUNE_CODE = "84077"  # Libramont-Chevigny
HOME_ORGANISATION_NAME = "CPAS de Libramont-Chevigny"
NETWORK_NAME = "Coordination Maillage — réseau psycho-médico-social du Luxembourg belge"
VALIDATION_START = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))

CARE_SECTORS = frozenset(
    {
        Sector.MENTAL_HEALTH,
        Sector.PSYCHIATRIC_HOSPITAL,
        Sector.GENERAL_HOSPITAL,
        Sector.ADDICTION,
        Sector.HOME_CARE,
        Sector.GENERAL_PRACTICE,
    }
)

# Relative share of each sector among the generated organisations (the network organisation is extra).
SECTOR_WEIGHTS = {
    Sector.SOCIAL_ACTION: 10,
    Sector.MENTAL_HEALTH: 6,
    Sector.PSYCHIATRIC_HOSPITAL: 2,
    Sector.GENERAL_HOSPITAL: 2,
    Sector.ADDICTION: 3,
    Sector.HOME_CARE: 5,
    Sector.HOUSING: 4,
    Sector.DEBT_MEDIATION: 3,
    Sector.EMPLOYMENT: 4,
    Sector.GENERAL_PRACTICE: 7,
    Sector.YOUTH_PROTECTION: 4,
    Sector.JUSTICE_ASSISTANCE: 2,
    Sector.DISABILITY: 3,
    Sector.FAMILY: 3,
    Sector.ASSOCIATION: 5,
    Sector.OTHER: 1,
}

# Name patterns: "{de_commune}" ("de Bastogne", "d'Arlon") marks a public body named after its commune,
# "{de_chief_town}" one named after the main town of its arrondissement; "{word}" an invented name.
NAME_PATTERNS = {
    Sector.SOCIAL_ACTION: ["CPAS {de_commune}"],
    Sector.MENTAL_HEALTH: [
        "Service de santé mentale {de_commune}",
        "Centre de santé mentale {word}",
        "Équipe mobile psychiatrique {word}",
    ],
    Sector.PSYCHIATRIC_HOSPITAL: [
        "Clinique psychiatrique {word}",
        "Maison de soins psychiatriques {word}",
        "Habitations protégées {word}",
    ],
    Sector.GENERAL_HOSPITAL: ["Clinique {word}", "Centre hospitalier {word}"],
    Sector.ADDICTION: [
        "Service d'aide en assuétudes {word}",
        "Centre d'accueil pour usagers de drogues {word}",
        "Comptoir de réduction des risques {word}",
    ],
    Sector.HOME_CARE: [
        "Service d'aide aux familles et aux aînés {de_commune}",
        "Soins infirmiers à domicile {word}",
        "Centre de coordination de soins à domicile {word}",
    ],
    Sector.HOUSING: ["Agence immobilière sociale {de_commune}", "Maison d'accueil {word}", "Abri de nuit {word}"],
    Sector.DEBT_MEDIATION: ["Service de médiation de dettes {de_commune}", "Médiation de dettes {word}"],
    Sector.EMPLOYMENT: [
        "Maison de l'emploi {de_commune}",
        "Centre d'insertion socioprofessionnelle {word}",
        "Entreprise de formation par le travail {word}",
    ],
    Sector.GENERAL_PRACTICE: [
        "Maison médicale {word}",
        "Maison médicale {de_commune}",
        "Association de médecins généralistes {de_commune}",
    ],
    Sector.YOUTH_PROTECTION: [
        "Service d'aide en milieu ouvert {word}",
        "Maison de jeunes {de_commune}",
        "Service d'accrochage scolaire {word}",
    ],
    Sector.JUSTICE_ASSISTANCE: [
        "Maison de justice {de_chief_town}",
        "Service d'aide aux justiciables {word}",
        "Service d'aide aux détenus {word}",
    ],
    Sector.DISABILITY: [
        "Service d'accompagnement pour personnes handicapées {word}",
        "Centre de jour {word}",
        "Service résidentiel pour adultes {word}",
    ],
    Sector.FAMILY: [
        "Centre de planning familial {word}",
        "Espace parents-enfants {word}",
        "Service de médiation familiale {word}",
    ],
    Sector.ASSOCIATION: [
        "ASBL {word}",
        "Épicerie sociale {word}",
        "Restaurant social {word}",
        "Groupe d'entraide {word}",
    ],
    Sector.OTHER: ["Plan de cohésion sociale {de_commune}", "Service de transport social {word}"],
}

INVENTED_WORDS = [
    "Les Tilleuls",
    "Le Fil d'Ariane",
    "La Passerelle",
    "L'Escale",
    "Le Trait d'Union",
    "Les Sources",
    "La Traversée",
    "Le Tremplin",
    "La Bouée",
    "Le Phare",
    "Les Hirondelles",
    "L'Étape",
    "Le Relais",
    "La Boussole",
    "L'Ancrage",
    "Les Genêts",
    "L'Envol",
    "Le Sentier",
    "Les Myrtilles",
    "La Sapinière",
    "Le Colibri",
    "La Maison ouverte",
    "Le Pont",
    "Le Carrefour",
    "L'Oasis",
    "Les Bruyères",
    "La Lanterne",
    "Le Nid",
    "La Ruche",
    "L'Horizon",
    "Le Sablier",
    "Les Quatre Vents",
    "La Main tendue",
    "L'Entre-deux",
    "Le Fil rouge",
    "La Rencontre",
    "Le Gué",
    "Les Fougères",
    "La Halte",
    "Le Sureau",
    "Les Noisetiers",
    "La Source vive",
    "Le Moulin",
    "L'Accueil",
    "Les Coteaux",
    "La Clé",
    "Le Bivouac",
    "Les Épis",
]

DESCRIPTIONS = {
    Sector.SOCIAL_ACTION: "Aide sociale générale, revenu d'intégration, aide au logement et à l'énergie.",
    Sector.MENTAL_HEALTH: "Consultations psychologiques et psychiatriques ambulatoires, accompagnement social.",
    Sector.PSYCHIATRIC_HOSPITAL: "Soins psychiatriques résidentiels et de jour, réhabilitation psychosociale.",
    Sector.GENERAL_HOSPITAL: "Hospitalisation, urgences et service social hospitalier.",
    Sector.ADDICTION: "Accueil, réduction des risques et accompagnement des personnes dépendantes.",
    Sector.HOME_CARE: "Soins infirmiers, aide familiale et aide ménagère à domicile.",
    Sector.HOUSING: "Recherche de logement, hébergement d'urgence et accompagnement à l'habiter.",
    Sector.DEBT_MEDIATION: "Médiation amiable et judiciaire de dettes, guidance budgétaire.",
    Sector.EMPLOYMENT: "Orientation, formation et insertion socioprofessionnelle.",
    Sector.GENERAL_PRACTICE: "Médecine générale de première ligne, soins infirmiers et accueil.",
    Sector.YOUTH_PROTECTION: "Aide aux jeunes et à leur famille, prévention et accompagnement éducatif.",
    Sector.JUSTICE_ASSISTANCE: "Aide juridique de première ligne, accompagnement des justiciables et des victimes.",
    Sector.DISABILITY: "Accompagnement et accueil de jour des personnes en situation de handicap.",
    Sector.FAMILY: "Soutien à la parentalité, planning familial et médiation familiale.",
    Sector.ASSOCIATION: "Association de terrain : accueil, entraide et activités collectives.",
    Sector.NETWORK: "Coordination du réseau : concertations, charte, cartographie et évaluation.",
    Sector.OTHER: "Cohésion sociale, mobilité et services de proximité.",
}

# (masculine, feminine) job titles.
ADMIN_TITLES = [("directeur", "directrice"), ("coordinateur", "coordinatrice"), ("responsable de service",) * 2]
JOB_TITLES: dict[str, list[tuple[str, str]]] = {
    Sector.SOCIAL_ACTION: [
        ("assistant social", "assistante sociale"),
        ("agent d'insertion", "agente d'insertion"),
        ("juriste", "juriste"),
    ],
    Sector.MENTAL_HEALTH: [
        ("psychologue", "psychologue"),
        ("psychiatre", "psychiatre"),
        ("assistant social", "assistante sociale"),
        ("infirmier psychiatrique", "infirmière psychiatrique"),
    ],
    Sector.PSYCHIATRIC_HOSPITAL: [
        ("psychiatre", "psychiatre"),
        ("infirmier psychiatrique", "infirmière psychiatrique"),
        ("éducateur", "éducatrice"),
        ("ergothérapeute", "ergothérapeute"),
    ],
    Sector.GENERAL_HOSPITAL: [
        ("assistant social", "assistante sociale"),
        ("infirmier de liaison", "infirmière de liaison"),
        ("médecin", "médecin"),
    ],
    Sector.ADDICTION: [
        ("éducateur de rue", "éducatrice de rue"),
        ("psychologue", "psychologue"),
        ("infirmier", "infirmière"),
    ],
    Sector.HOME_CARE: [
        ("infirmier", "infirmière"),
        ("aide familial", "aide familiale"),
        ("aide-soignant", "aide-soignante"),
    ],
    Sector.HOUSING: [
        ("assistant social", "assistante sociale"),
        ("éducateur", "éducatrice"),
        ("gestionnaire locatif", "gestionnaire locative"),
    ],
    Sector.DEBT_MEDIATION: [("médiateur de dettes", "médiatrice de dettes"), ("juriste", "juriste")],
    Sector.EMPLOYMENT: [
        ("conseiller emploi", "conseillère emploi"),
        ("formateur", "formatrice"),
        ("job coach", "job coach"),
    ],
    Sector.GENERAL_PRACTICE: [("médecin généraliste", "médecin généraliste"), ("infirmier", "infirmière")],
    Sector.YOUTH_PROTECTION: [("éducateur", "éducatrice"), ("assistant social", "assistante sociale")],
    Sector.JUSTICE_ASSISTANCE: [("assistant de justice", "assistante de justice"), ("juriste", "juriste")],
    Sector.DISABILITY: [("éducateur", "éducatrice"), ("ergothérapeute", "ergothérapeute")],
    Sector.FAMILY: [
        ("psychologue", "psychologue"),
        ("médiateur familial", "médiatrice familiale"),
        ("conseiller conjugal", "conseillère conjugale"),
    ],
    Sector.ASSOCIATION: [("animateur", "animatrice"), ("éducateur", "éducatrice")],
    Sector.NETWORK: [("chargé de projet", "chargée de projet")],
    Sector.OTHER: [("agent de proximité", "agente de proximité"), ("animateur", "animatrice")],
}

# Telephone zones of the five arrondissements (district code -> zone).
PHONE_ZONES = {"81000": "063", "82000": "061", "83000": "084", "84000": "061", "85000": "063"}
# Towns with more services than villages: drawn four times as often.
HUB_COMMUNES = {"81001", "81004", "82003", "83012", "83034", "84009", "84043", "84077", "85045"}

ELIDED_H = {"Herbeumont"}
PROFESSIONALS_PER_ORGANISATION = 3  # on average, besides the admin
SECOND_MEMBERSHIP_SHARE = 0.05


def clear() -> None:
    """Delete the demo organisations and users (those on the demo domain), with their memberships."""
    bulk_delete(
        Membership.objects.filter(
            Q(user__email__iendswith=USER_EMAIL_SUFFIX) | Q(organisation__email__iendswith=ORGANISATION_EMAIL_SUFFIX)
        )
    )
    bulk_delete(Organisation.objects.filter(email__iendswith=ORGANISATION_EMAIL_SUFFIX))
    bulk_delete(User.objects.filter(email__iendswith=USER_EMAIL_SUFFIX))


def generate(territory: DemoTerritory) -> None:
    _Generator(territory).run()


class _Generator:
    def __init__(self, territory: DemoTerritory) -> None:
        self.territory = territory
        self.random = territory.random
        self.password = make_password(DEMO_PASSWORD)
        self.communes: list[Territory] = territory.made.get("communes") or self._load_communes()
        self.commune_weights = list(
            itertools.accumulate(4 if commune.code in HUB_COMMUNES else 1 for commune in self.communes)
        )
        person = next(p for p in territory.faker["fr_BE"].providers if type(p).__module__.endswith("person.fr_BE"))
        self.female_names = _pool(person.first_names_female)
        self.male_names = _pool(person.first_names_male)
        self.last_names = _pool(person.last_names)
        self.chief_towns = _chief_towns(self.communes)
        self.names: set[str] = set()
        self.emails: set[str] = set()
        self.identifiers: set[str] = set()
        self.coordinates: dict[int, tuple[float, float]] = {}

    @staticmethod
    def _load_communes() -> list[Territory]:
        from maillage.territories.demo import demo_province
        from maillage.territories.selectors import communes_in

        province = demo_province()
        if province is None:
            raise RuntimeError("The territories part of the demo must run first.")
        return list(communes_in(province).select_related("parent").prefetch_related("postal_codes").order_by("code"))

    # Drawing helpers -------------------------------------------------------------------------------

    def _commune(self) -> Territory:
        point = self.random.random() * self.commune_weights[-1]
        return self.communes[bisect.bisect_right(self.commune_weights, point)]

    def _person_name(self) -> tuple[str, str, bool]:
        female = self.random.random() < 0.62  # the sector employs more women than men
        first = _draw(self.random, self.female_names if female else self.male_names)
        return first, _draw(self.random, self.last_names), female

    def _email(self, first: str, last: str) -> str:
        base = f"{slugify(first)}.{slugify(last)}".replace("-", "")
        email, number = f"{base}{USER_EMAIL_SUFFIX}", 1
        while email in self.emails:
            number += 1
            email = f"{base}{number}{USER_EMAIL_SUFFIX}"
        self.emails.add(email)
        return email

    def _identifier(self) -> str:
        while True:
            base = f"0{self.random.randint(2_000_000, 9_999_999)}"
            digits = f"{base}{97 - int(base) % 97:02d}"
            identifier = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
            if identifier not in self.identifiers:
                self.identifiers.add(identifier)
                return identifier

    def _phone(self, commune: Territory) -> str:
        zone = PHONE_ZONES.get(commune.parent.code if commune.parent_id else "", "061")
        number = self.random.randint(200_000, 699_999)
        return f"{zone} {number // 10000:02d} {number // 100 % 100:02d} {number % 100:02d}"

    def _name(self, sector: str, commune: Territory) -> tuple[str, Territory]:
        """A name not used yet, and the commune it belongs in (an arrondissement's body sits in its main town).

        Patterns first, then "… — antenne de <locality>", then a number.
        """
        patterns = NAME_PATTERNS[sector]
        name, place = "", commune
        for _attempt in range(8):
            pattern = self.random.choice(patterns)
            place = self.chief_towns.get(commune.parent_id, commune) if "{de_chief_town}" in pattern else commune
            name = pattern.format(
                de_commune=_de(commune.name), de_chief_town=_de(place.name), word=self.random.choice(INVENTED_WORDS)
            )
            if name not in self.names:
                break
        else:
            localities = [postcode.locality for postcode in place.postal_codes.all()] or [place.name]
            base = f"{name} — antenne {_de(self.random.choice(localities))}"
            name, number = base, 1
            while name in self.names:
                number += 1
                name = f"{base} {number}"
        self.names.add(name)
        return name, place

    def _sectors(self, count: int) -> list[str]:
        """`count` sectors in the proportions of SECTOR_WEIGHTS (largest remainder), in a seeded order."""
        total = sum(SECTOR_WEIGHTS.values())
        shares = {sector: count * weight / total for sector, weight in SECTOR_WEIGHTS.items()}
        counts = {sector: int(share) for sector, share in shares.items()}
        by_remainder = sorted(shares, key=lambda sector: (-(shares[sector] - counts[sector]), sector))
        for sector in by_remainder[: count - sum(counts.values())]:
            counts[sector] += 1
        sectors = [sector for sector, number in counts.items() for _ in range(number)]
        self.random.shuffle(sectors)
        return sectors

    # Building -------------------------------------------------------------------------------------

    def _organisation(self, name: str, sector: str, commune: Territory, status: str) -> Organisation:
        postcodes = sorted(commune.postal_codes.all(), key=lambda postcode: postcode.pk)  # the main locality first
        postcode = postcodes[0] if not postcodes or self.random.random() < 0.6 else self.random.choice(postcodes)
        slug = slugify(name)[:50].strip("-")
        organisation = Organisation(
            public_id=self.territory.public_id(),
            name=name,
            description=DESCRIPTIONS[sector],
            sector=sector,
            identifier_scheme=IdentifierScheme.BCE,
            identifier=self._identifier(),
            street_address=f"{self.random.choice(STREETS)} {self.random.randint(1, 120)}",
            postcode=postcode.code if postcode else "",
            locality=postcode.locality if postcode else commune.name,
            territory=commune,
            email=f"accueil@{slug}{ORGANISATION_EMAIL_SUFFIX}",
            phone=self._phone(commune),
            is_care_provider=sector in CARE_SECTORS,
            status=status,
        )
        if status == OrganisationStatus.VALIDATED:
            organisation.validated_at = VALIDATION_START + timedelta(minutes=self.random.randint(0, 60 * 24 * 300))
        latitude = (postcode.latitude if postcode else None) or commune.latitude
        longitude = (postcode.longitude if postcode else None) or commune.longitude
        if latitude is not None and longitude is not None:
            organisation._demo_coordinates = (  # type: ignore[attr-defined]
                round(latitude + self.random.uniform(-0.012, 0.012), 5),
                round(longitude + self.random.uniform(-0.018, 0.018), 5),
            )
        return organisation

    def _user(self, first: str, last: str, *, email: str | None = None, is_staff: bool = False) -> User:
        if email is None:
            email = self._email(first, last)
        else:
            self.emails.add(email)
        user = User(
            public_id=self.territory.public_id(),
            email=email,
            first_name=first,
            last_name=last,
            kind=UserKind.PROFESSIONAL,
            password=self.password,
            is_staff=is_staff,
        )
        return user

    def run(self) -> None:
        territory = self.territory
        count = max(territory.size("organisations"), 2)
        home_commune = next((c for c in self.communes if c.code == HOME_COMMUNE_CODE), self.communes[0])

        # Organisations: the CPAS de Libramont-Chevigny and the network first, then the others.
        self.names.update({HOME_ORGANISATION_NAME, NETWORK_NAME})
        home = self._organisation(
            HOME_ORGANISATION_NAME, Sector.SOCIAL_ACTION, home_commune, OrganisationStatus.VALIDATED
        )
        network = self._organisation(NETWORK_NAME, Sector.NETWORK, home_commune, OrganisationStatus.VALIDATED)
        network.alternate_name = "Coordination Maillage"
        organisations = [home, network]
        cpas_communes = {home_commune.pk}
        pending = max(2, count // 30) if count >= 10 else 0
        sectors = self._sectors(count - 2)
        for index, sector in enumerate(sectors):
            commune = self._commune()
            if sector == Sector.SOCIAL_ACTION:
                # One CPAS per commune while communes remain.
                free = [c for c in self.communes if c.pk not in cpas_communes]
                if free:
                    commune = self.random.choice(free)
                    cpas_communes.add(commune.pk)
            status = OrganisationStatus.PENDING if index >= len(sectors) - pending else OrganisationStatus.VALIDATED
            name, commune = self._name(sector, commune)
            organisations.append(self._organisation(name, sector, commune, status))

        # Users: fixed logins, then an admin and some professionals per organisation.
        staff = self._user("Thomas", "Renard", email=f"staff{USER_EMAIL_SUFFIX}", is_staff=True)
        admin = self._user("Marc", "Thiry", email=f"admin{USER_EMAIL_SUFFIX}")
        professional = self._user("Sophie", "Lejeune", email=f"professionnel{USER_EMAIL_SUFFIX}")
        coordinator = self._user("Isabelle", "Collard", email=f"coordination{USER_EMAIL_SUFFIX}")
        users = [staff, admin, professional, coordinator]
        planned: list[tuple[User, Organisation, str, str]] = [
            (admin, home, Role.ORGANISATION_ADMIN, "directeur général"),
            (professional, home, Role.PROFESSIONAL, "assistante sociale"),
            (coordinator, network, Role.NETWORK_COORDINATOR, "coordinatrice du réseau"),
        ]
        # A former colleague of the CPAS, whose membership the admin deactivated.
        first, last, female = self._person_name()
        former = self._user(first, last)
        users.append(former)
        planned.append(
            (former, home, Role.PROFESSIONAL, _title(self.random, JOB_TITLES[Sector.SOCIAL_ACTION], female))
        )
        for organisation in organisations:
            if organisation is not home:
                first, last, female = self._person_name()
                user = self._user(first, last)
                users.append(user)
                planned.append(
                    (user, organisation, Role.ORGANISATION_ADMIN, _title(self.random, ADMIN_TITLES, female))
                )
            for _index in range(self.random.randint(1, 2 * PROFESSIONALS_PER_ORGANISATION - 1)):
                first, last, female = self._person_name()
                user = self._user(first, last)
                users.append(user)
                role = Role.NETWORK_COORDINATOR if organisation is network else Role.PROFESSIONAL
                title = _title(self.random, JOB_TITLES[organisation.sector], female)
                planned.append((user, organisation, role, title))
        # A few professionals also work part-time for a second organisation.
        professionals = [item for item in planned if item[2] == Role.PROFESSIONAL and item[0] is not professional]
        for user, organisation, _role, title in self.random.sample(
            professionals, int(len(professionals) * SECOND_MEMBERSHIP_SHARE)
        ):
            other = self.random.choice(organisations)
            if other is not organisation and other.sector == organisation.sector:
                planned.append((user, other, Role.PROFESSIONAL, title))

        users = territory.bulk_create(User, users, desc="users")
        for organisation in organisations:
            if organisation.status == OrganisationStatus.VALIDATED:
                organisation.validated_by = staff
        organisations = territory.bulk_create(Organisation, organisations, desc="organisations")
        for organisation in organisations:
            if coordinates := getattr(organisation, "_demo_coordinates", None):
                self.coordinates[organisation.pk] = coordinates
        seen: set[tuple[int, int]] = set()
        memberships = []
        for user, organisation, role, title in planned:
            if (user.pk, organisation.pk) not in seen:
                seen.add((user.pk, organisation.pk))
                membership = Membership(user=user, organisation=organisation, role=role, job_title=title)
                if user is former:
                    membership.is_active = False
                    membership.deactivated_at = VALIDATION_START + timedelta(days=200)
                    membership.deactivated_by = admin
                memberships.append(membership)
        memberships = territory.bulk_create(Membership, memberships, desc="memberships")

        made = territory.made
        made["organisations"] = organisations
        made["memberships"] = memberships
        made["users"] = users
        made["network"] = network
        made["home_organisation"] = home
        made["staff"] = staff
        made["demo_users"] = {user.email: user for user in (staff, admin, professional, coordinator)}
        made["organisation_coordinates"] = self.coordinates
        made["organisations_by_sector"] = Counter(organisation.sector for organisation in organisations)


def _de(name: str) -> str:
    """French elision: "de Bastogne", "d'Arlon"; before an h, only where usage elides ("d'Herbeumont")."""
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêâîôûœ" or name in ELIDED_H else f"de {name}"


def _chief_towns(communes: list[Territory]) -> dict[int, Territory]:
    """District id -> the commune its name refers to ("Arrondissement de Marche-en-Famenne" -> Marche-en-Famenne)."""
    towns: dict[int, Territory] = {}
    for commune in communes:
        district = commune.parent
        if district is not None and district.name.endswith(commune.name):
            towns[district.pk] = commune
    return towns


def _pool(weighted: dict[str, float] | list[str] | tuple[str, ...]) -> tuple[list[str], list[float]]:
    """Names and cumulative weights, for fast seeded draws."""
    if isinstance(weighted, dict):
        names, weights = list(weighted), list(weighted.values())
    else:
        names, weights = list(weighted), [1.0] * len(weighted)
    return names, list(itertools.accumulate(weights))


def _draw(random, pool: tuple[list[str], list[float]]) -> str:
    names, cumulative = pool
    return names[bisect.bisect_right(cumulative, random.random() * cumulative[-1])]


def _title(random, titles: list[tuple[str, ...]], female: bool) -> str:
    choice = random.choice(titles)
    return choice[1] if female else choice[0]
