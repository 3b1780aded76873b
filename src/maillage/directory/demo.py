"""The directory part of the demo: about `size("services")` services across the demo organisations.

Each organisation gets services that fit its sector (French descriptions, needs, criteria, OSM opening
hours, capacity), a location in its commune, and service areas (its commune, or the whole province for
provincial services). About one listing in seven was last updated more than six months ago, so the
stale flag and the reminder have something to show. Everything is drawn from the demo's seed and
inserted in bulk; the search index is built once at the end.
"""

from datetime import timedelta

from django.utils import timezone

from maillage.accounts.models import Organisation
from maillage.core.demo import DemoTerritory
from maillage.directory.enums import CapacityStatus, MobilisationMeans, Mobiliser, ServiceKind, Situation
from maillage.directory.models import (
    Location,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from maillage.directory.search_index import index_services, remove_services
from maillage.directory.taxonomy import load_builtin_taxonomy
from maillage.territories.models import Level, Territory

S = Situation
WEEKDAYS = "Mo-Fr 08:30-12:00,13:00-16:30"
HOURS = [
    WEEKDAYS,
    "Mo-Fr 09:00-17:00",
    "Mo-Th 08:00-16:00; Fr 08:00-12:00",
    "Mo,We,Fr 09:00-12:00",
    "Tu,Th 13:30-17:00",
    "Mo-Fr 09:00-12:00; We 14:00-18:00",
    "Mo-Sa 09:00-18:00",
]

KIND_WORDS = [
    (ServiceKind.WORKSHOP, ("atelier", "groupe de parole")),
    (ServiceKind.TRAINING, ("formation", "apprentissage", "cours")),
    (ServiceKind.FINANCIAL_AID, ("aide financière", "aides ponctuelles", "allocation", "prêt", "revenu")),
    (ServiceKind.INFORMATION, ("information", "permanence", "orientation", "conseil")),
]
REMOTE_WORDS = ("écoute", "téléphon", "en ligne", "ligne d")


def demo_kinds(name: str, description: str) -> list[str]:
    """The kinds a demo service's words suggest; support otherwise (what most of the sector does)."""
    text = f"{name} {description}".lower()
    kinds = [str(kind) for kind, words in KIND_WORDS if any(word in text for word in words)]
    return kinds or [str(ServiceKind.SUPPORT)]


def demo_delivery(name: str, description: str, draw: float) -> tuple[bool, bool]:
    """(remote, on_site): listening lines only remotely, one service in ten also remotely."""
    text = f"{name} {description}".lower()
    if any(word in text for word in REMOTE_WORDS):
        return True, False
    return draw < 0.1, True


# (name, description, needs, options). Options: situations, min/max age, self (self-referral), pro (professional
# referral only), rdv (appointment), hours (OSM), area ("commune" | "province"), languages, free.
TEMPLATES: dict[str, list[tuple[str, str, list[str], dict]]] = {
    "SOCIAL_ACTION": [
        (
            "Service social général",
            "Accueil, information et accompagnement social : ouverture des droits, revenu "
            "d'intégration, aides ponctuelles, orientation vers les partenaires du réseau.",
            ["income.minimum-income", "rights.access-to-rights", "income.financial-aid"],
            {"self": True, "area": "commune", "situations": [S.LOW_INCOME]},
        ),
        (
            "Service de médiation de dettes",
            "Analyse de la situation budgétaire, négociation de plans de paiement "
            "avec les créanciers, introduction d'un règlement collectif de dettes.",
            ["income.debt-mediation", "income.budget"],
            {"rdv": True, "area": "commune", "situations": [S.DEBTS]},
        ),
        (
            "Cellule logement",
            "Aide à la recherche d'un logement, garantie locative, prévention des expulsions et "
            "accompagnement à l'installation.",
            ["housing.find-housing", "housing.keep-housing"],
            {"area": "commune", "situations": [S.POORLY_HOUSED, S.HOMELESS]},
        ),
        (
            "Épicerie sociale",
            "Produits alimentaires et d'hygiène à prix réduits pour les ménages orientés par le "
            "service social, avec un accompagnement budgétaire.",
            ["food.social-grocery", "income.budget"],
            {"pro": True, "hours": "Tu,Th 13:00-17:00; Sa 09:00-12:00", "situations": [S.LOW_INCOME]},
        ),
        (
            "Service énergie",
            "Guidance énergétique, fonds social chauffage, aide au paiement des factures de gaz et d'électricité.",
            ["income.energy-bills", "housing.unfit-housing"],
            {"area": "commune"},
        ),
        (
            "Article 60 - mise à l'emploi",
            "Contrat de travail pour les bénéficiaires du revenu d'intégration afin "
            "d'ouvrir le droit au chômage et d'acquérir une expérience.",
            ["employment.supported-employment"],
            {"pro": True, "min": 18, "situations": [S.LOW_INCOME, S.JOBSEEKER]},
        ),
    ],
    "MENTAL_HEALTH": [
        (
            "Consultations psychologiques",
            "Consultations pour adultes, couples et familles en souffrance psychique ; "
            "premier rendez-vous sous quinze jours.",
            ["mental-health.psychological-support"],
            {"rdv": True, "min": 18, "situations": [S.MENTAL_ILLNESS]},
        ),
        (
            "Équipe mobile de crise",
            "Intervention à domicile dans les 48 heures pour les personnes en crise "
            "psychique, en lien avec le médecin traitant.",
            ["mental-health.crisis", "mental-health.outreach-team"],
            {"pro": True, "area": "province", "hours": "Mo-Fr 08:00-20:00; Sa,Su 10:00-18:00"},
        ),
        (
            "Consultations enfants et adolescents",
            "Bilans et suivis psychologiques, logopédie et guidance parentale pour les jeunes de 0 à 18 ans.",
            ["mental-health.psychological-support", "family.parenting-support"],
            {"rdv": True, "max": 18},
        ),
        (
            "Groupe de parole",
            "Un groupe de parole mensuel pour les proches de personnes souffrant de troubles psychiques.",
            ["mental-health.peer-support", "family.carers"],
            {"self": True, "hours": "We 18:00-20:00"},
        ),
    ],
    "PSYCHIATRIC_HOSPITAL": [
        (
            "Hospitalisation psychiatrique",
            "Unité d'admission pour adultes : soins psychiatriques intensifs, sevrages, stabilisation.",
            ["mental-health.psychiatric-care", "addictions.residential"],
            {"pro": True, "min": 18, "area": "province", "hours": "24/7"},
        ),
        (
            "Hôpital de jour psychiatrique",
            "Programme de soins et d'activités thérapeutiques en journée pour favoriser le rétablissement.",
            ["mental-health.day-centre"],
            {"pro": True, "min": 18, "area": "province"},
        ),
        (
            "Initiative d'habitation protégée",
            "Logements accompagnés pour des personnes stabilisées souffrant de troubles psychiques.",
            ["housing.temporary-housing", "mental-health.psychiatric-care"],
            {"pro": True, "situations": [S.MENTAL_ILLNESS]},
        ),
    ],
    "GENERAL_HOSPITAL": [
        (
            "Service social hospitalier",
            "Préparation de la sortie d'hospitalisation, aides à domicile, couverture santé et orientation.",
            ["health.access-to-care", "health.health-coverage"],
            {"pro": True},
        ),
        (
            "Consultation de tabacologie et alcoologie",
            "Bilan et suivi des consommations d'alcool et de tabac, sevrage ambulatoire.",
            ["addictions.alcohol", "addictions.prevention"],
            {"rdv": True, "min": 16},
        ),
        ("Urgences", "Service d'urgences ouvert jour et nuit.", ["health.access-to-care"], {"hours": "24/7"}),
    ],
    "ADDICTION": [
        (
            "Centre de consultation en assuétudes",
            "Accueil anonyme et gratuit des personnes confrontées à une "
            "consommation d'alcool, de drogues ou aux jeux, et de leurs proches.",
            ["addictions"],
            {"self": True, "min": 16, "free": True, "situations": [S.ADDICTION]},
        ),
        (
            "Comptoir de réduction des risques",
            "Échange de matériel stérile, information et dépistage, sans rendez-vous.",
            ["addictions.harm-reduction", "health.prevention"],
            {"self": True, "free": True, "hours": "Mo,We,Fr 13:00-17:00"},
        ),
        (
            "Traitement de substitution",
            "Prescription et suivi de traitements de substitution aux opiacés (méthadone, buprénorphine).",
            ["addictions.substitution"],
            {"rdv": True, "min": 18},
        ),
        (
            "Prévention des assuétudes en milieu scolaire",
            "Animations de prévention dans les écoles et formation des équipes éducatives.",
            ["addictions.prevention", "education.schooling"],
            {"pro": True, "area": "province"},
        ),
    ],
    "HOME_CARE": [
        (
            "Aide familiale à domicile",
            "Aides familiales pour les courses, les repas, l'entretien et "
            "l'accompagnement des personnes en perte d'autonomie.",
            ["daily-life.home-help", "daily-life.elderly"],
            {"self": True, "area": "commune"},
        ),
        (
            "Soins infirmiers à domicile",
            "Soins infirmiers 7 jours sur 7 sur prescription médicale.",
            ["health.home-care"],
            {"hours": "Mo-Su 07:00-20:00", "area": "commune"},
        ),
        (
            "Transport de personnes à mobilité réduite",
            "Transport adapté vers les rendez-vous médicaux et administratifs.",
            ["mobility.adapted-transport"],
            {"rdv": True, "situations": [S.DISABILITY]},
        ),
    ],
    "HOUSING": [
        (
            "Abri de nuit",
            "Hébergement d'urgence pour personnes sans abri : lit, douche et petit-déjeuner, accueil inconditionnel.",
            ["housing.emergency-shelter", "daily-life.hygiene"],
            {"self": True, "free": True, "min": 18, "hours": "Mo-Su 19:00-24:00", "situations": [S.HOMELESS]},
        ),
        (
            "Maison d'accueil",
            "Hébergement temporaire avec accompagnement social pour adultes et familles en difficulté de logement.",
            ["housing.temporary-housing", "housing.housing-support"],
            {"pro": True, "situations": [S.HOMELESS, S.VIOLENCE_VICTIM]},
        ),
        (
            "Agence immobilière sociale",
            "Logements à loyer modéré gérés pour des propriétaires privés, avec un accompagnement des locataires.",
            ["housing.find-housing", "housing.housing-support"],
            {"area": "province", "situations": [S.LOW_INCOME, S.POORLY_HOUSED]},
        ),
        (
            "Capteur logement - Housing First",
            "Accès direct à un logement pour des personnes sans abri de longue "
            "durée, avec un suivi intensif à domicile.",
            ["housing.keep-housing", "housing.housing-support"],
            {"pro": True, "situations": [S.HOMELESS]},
        ),
    ],
    "DEBT_MEDIATION": [
        (
            "Médiation de dettes",
            "Médiation amiable et judiciaire, règlement collectif de dettes, information "
            "sur les droits face aux huissiers.",
            ["income.debt-mediation"],
            {"rdv": True, "situations": [S.DEBTS]},
        ),
        (
            "Atelier budget",
            "Ateliers collectifs pour apprendre à gérer son budget et prévenir le surendettement.",
            ["income.budget"],
            {"self": True, "free": True, "hours": "Th 14:00-16:00"},
        ),
    ],
    "EMPLOYMENT": [
        (
            "Accompagnement vers l'emploi",
            "Aide à la rédaction du CV, préparation aux entretiens et recherche d'offres d'emploi.",
            ["employment.job-search"],
            {"self": True, "min": 18, "situations": [S.JOBSEEKER]},
        ),
        (
            "Formation qualifiante en horticulture",
            "Formation par le travail de 18 mois avec stage en entreprise.",
            ["employment.vocational-training", "employment.supported-employment"],
            {"min": 18, "pro": True},
        ),
        (
            "Orientation professionnelle",
            "Bilan de compétences et construction d'un projet professionnel.",
            ["employment.career-guidance"],
            {"rdv": True},
        ),
        (
            "Cours de français langue étrangère",
            "Cours de FLE de tous niveaux en journée et en soirée.",
            ["education.french-classes"],
            {"self": True, "situations": [S.MIGRANT], "hours": "Mo-Th 09:00-12:00,18:00-20:00"},
        ),
    ],
    "GENERAL_PRACTICE": [
        (
            "Maison médicale",
            "Médecine générale, soins infirmiers et kinésithérapie au forfait, sans frais pour le patient inscrit.",
            ["health.access-to-care", "health.prevention"],
            {"self": True, "area": "commune"},
        ),
        (
            "Consultation sans rendez-vous",
            "Consultations de médecine générale sans rendez-vous le matin.",
            ["health.access-to-care"],
            {"self": True, "hours": "Mo-Fr 08:00-10:00"},
        ),
    ],
    "YOUTH_PROTECTION": [
        (
            "Service d'aide à la jeunesse",
            "Aide aux jeunes en difficulté ou en danger et à leur famille, à leur "
            "demande ou à celle d'un professionnel.",
            ["child-protection.youth-aid", "child-protection.child-at-risk"],
            {"max": 18, "area": "province"},
        ),
        (
            "Service d'aide en milieu ouvert",
            "Accueil libre, gratuit et anonyme des jeunes de 0 à 22 ans : écoute, aide scolaire, travail de rue.",
            ["child-protection.youth-outreach", "education.homework-help"],
            {"self": True, "max": 22, "free": True, "hours": "Mo-Fr 13:00-18:00; We 10:00-18:00"},
        ),
        (
            "Service d'accueil familial",
            "Sélection et accompagnement des familles d'accueil.",
            ["child-protection.foster-care"],
            {"pro": True, "area": "province"},
        ),
    ],
    "JUSTICE_ASSISTANCE": [
        (
            "Service d'aide aux justiciables",
            "Aide psychosociale aux personnes ayant eu affaire à la justice, préparation de la sortie de prison.",
            ["justice.prison-release", "justice.detainees"],
            {"self": True, "situations": [S.RELEASED_FROM_PRISON]},
        ),
        (
            "Aide aux victimes",
            "Accueil, information et soutien des victimes d'infractions et de leurs proches.",
            ["justice.victim-support", "family.domestic-violence"],
            {"self": True, "free": True, "situations": [S.VIOLENCE_VICTIM]},
        ),
        (
            "Bureau d'aide juridique",
            "Première consultation juridique gratuite et désignation d'un avocat pro deo.",
            ["justice.legal-aid", "rights.legal-advice"],
            {"rdv": True, "hours": "Tu 09:00-12:00"},
        ),
    ],
    "DISABILITY": [
        (
            "Service d'accompagnement",
            "Accompagnement à domicile des adultes en situation de handicap pour leur autonomie.",
            ["health.disability", "daily-life.home-help"],
            {"min": 18, "situations": [S.DISABILITY]},
        ),
        (
            "Centre de jour pour adultes",
            "Activités de jour adaptées, ateliers et sorties.",
            ["social-ties.isolation", "health.disability"],
            {"min": 18, "pro": True, "situations": [S.DISABILITY]},
        ),
    ],
    "FAMILY": [
        (
            "Consultations ONE pour enfants",
            "Suivi préventif de la santé des enfants de 0 à 6 ans, vaccinations.",
            ["family.pregnancy", "health.prevention"],
            {"self": True, "max": 6, "free": True, "hours": "We 13:30-16:30"},
        ),
        (
            "Médiation familiale",
            "Médiation en cas de séparation, pour organiser l'hébergement des enfants.",
            ["family.separation"],
            {"rdv": True, "situations": [S.FAMILY, S.SINGLE_PARENT]},
        ),
        (
            "Halte-accueil",
            "Accueil occasionnel des enfants de 0 à 3 ans pour soulager les parents.",
            ["family.childcare"],
            {"self": True, "max": 3, "hours": "Mo-Fr 07:30-18:00"},
        ),
        (
            "Service d'aide aux aidants proches",
            "Écoute, information et solutions de répit pour les aidants.",
            ["family.carers", "family.dependent-relative"],
            {"self": True, "situations": [S.CARER]},
        ),
    ],
    "ASSOCIATION": [
        (
            "Restaurant social",
            "Repas chauds à prix démocratique, midi, du lundi au vendredi, dans un lieu convivial.",
            ["food.meals", "social-ties.isolation"],
            {"self": True, "hours": "Mo-Fr 11:30-14:00"},
        ),
        (
            "Distribution de colis alimentaires",
            "Colis alimentaires mensuels pour les ménages orientés par un service social.",
            ["food.food-parcels"],
            {"pro": True, "hours": "Th 09:00-12:00", "free": True},
        ),
        (
            "Vestiboutique",
            "Vêtements de seconde main pour toute la famille à petits prix.",
            ["daily-life.clothing"],
            {"self": True, "hours": "We,Sa 09:30-12:30"},
        ),
        (
            "École de devoirs",
            "Soutien scolaire après l'école pour les enfants du primaire.",
            ["education.homework-help"],
            {"self": True, "max": 12, "hours": "Mo,Tu,Th 15:30-17:30"},
        ),
        (
            "Alphabétisation",
            "Apprendre à lire et à écrire en petits groupes, pour adultes.",
            ["education.literacy"],
            {"self": True, "min": 18, "free": True},
        ),
        (
            "Taxi social",
            "Transport à la demande pour les personnes sans véhicule, sur réservation.",
            ["mobility.adapted-transport", "mobility.mobility-support"],
            {"rdv": True},
        ),
        (
            "Maison de quartier",
            "Activités, permanences et accueil pour rompre l'isolement.",
            ["social-ties.community-centre", "social-ties.isolation"],
            {"self": True, "free": True},
        ),
    ],
    "NETWORK": [
        (
            "Coordination du réseau",
            "Animation du réseau psycho-médico-social, concertations et répertoire des partenaires.",
            ["rights.access-to-rights"],
            {"pro": True, "area": "province"},
        ),
    ],
    "OTHER": [
        (
            "Permanence d'écrivain public",
            "Aide à la rédaction de courriers et de formulaires administratifs.",
            ["rights.paperwork", "rights.digital-access"],
            {"self": True, "free": True, "hours": "Fr 09:00-12:00"},
        ),
        (
            "Espace public numérique",
            "Ordinateurs en accès libre et accompagnement aux démarches en ligne.",
            ["rights.digital-access", "daily-life.digital-equipment"],
            {"self": True, "hours": "Mo-Fr 13:00-17:00"},
        ),
    ],
}


def _organisations(territory: DemoTerritory) -> list[Organisation]:
    organisations = territory.made.get("organisations")
    if organisations is None:
        organisations = list(Organisation.objects.order_by("id"))
    return [organisation for organisation in organisations if organisation.pk]


def clear() -> None:
    from maillage.accounts.demo import ORGANISATION_EMAIL_SUFFIX

    services = Service.objects.filter(organisation__email__iendswith=ORGANISATION_EMAIL_SUFFIX)
    ids = list(services.values_list("id", flat=True))
    remove_services(ids)
    for start in range(0, len(ids), 5000):
        Service.objects.filter(id__in=ids[start : start + 5000]).delete()
    Location.objects.filter(organisation__email__iendswith=ORGANISATION_EMAIL_SUFFIX).delete()


def generate(territory: DemoTerritory) -> None:
    if not TaxonomyTerm.objects.filter(taxonomy__is_builtin=True).exists():
        load_builtin_taxonomy()
    terms = dict(TaxonomyTerm.objects.filter(taxonomy__is_builtin=True).values_list("code", "id"))
    organisations = _organisations(territory)
    if not organisations:
        return
    rnd = territory.random
    now = timezone.now()
    coordinates = territory.made.get("organisation_coordinates", {})
    communes = {t.id: t for t in Territory.objects.filter(level=Level.COMMUNE)}
    province = territory.made.get("province")
    wanted = territory.size("services")

    # One location per organisation, in its commune.
    locations = []
    for organisation in organisations:
        commune = communes.get(organisation.territory_id)
        lat, lon = coordinates.get(organisation.pk, (None, None))
        if lat is None and commune is not None and commune.latitude is not None:
            lat = commune.latitude + rnd.uniform(-0.01, 0.01)
            lon = commune.longitude + rnd.uniform(-0.015, 0.015)
        locations.append(
            Location(
                public_id=territory.public_id(),
                organisation=organisation,
                name=organisation.name,
                address_1=organisation.street_address or territory.faker.street_address(),
                postcode=organisation.postcode,
                city=organisation.locality or (commune.name if commune else ""),
                country=commune.country if commune else "BE",
                commune=commune,
                latitude=lat,
                longitude=lon,
                opening_hours=WEEKDAYS,
                accessibility=rnd.choice(
                    ["Accès de plain-pied, toilettes adaptées.", "Bâtiment à étage sans ascenseur.", ""]
                ),
                wheelchair_accessible=rnd.choice([True, True, False, None]),
                transportation=rnd.choice(["Arrêt de bus à 200 m.", "Gare à 10 minutes à pied.", ""]),
            )
        )
    locations = territory.bulk_create(Location, locations, desc="directory locations")
    location_of = {location.organisation_id: location for location in locations}

    # Services: round-robin over the organisations, drawing from their sector's templates.
    plan = []
    counters: dict[int, int] = {}
    index = 0
    while len(plan) < wanted:
        organisation = organisations[index % len(organisations)]
        index += 1
        templates = TEMPLATES.get(organisation.sector) or TEMPLATES["OTHER"]
        used = counters.get(organisation.pk, 0)
        if used >= len(templates) and index < len(organisations) * 50:
            continue
        counters[organisation.pk] = used + 1
        plan.append((organisation, templates[used % len(templates)]))

    services, needs_rows = [], []
    for organisation, (name, description, needs, options) in plan:
        days_ago = rnd.randint(200, 420) if rnd.random() < 0.15 else rnd.randint(0, 150)
        capacity = rnd.choices(
            [CapacityStatus.AVAILABLE, CapacityStatus.WAITING_LIST, CapacityStatus.FULL, ""], [5, 3, 2, 1]
        )[0]
        self_referral = options.get("self", not options.get("pro", False))
        # Capacities are mostly confirmed within the month; a few have gone past it (`CAPACITY_FRESH_FOR`).
        capacity_days = rnd.randint(35, 120) if rnd.random() < 0.2 else rnd.randint(0, 25)
        remote, on_site = demo_delivery(name, description, rnd.random())
        means = [MobilisationMeans.PHONE, MobilisationMeans.EMAIL]
        if self_referral:
            means.append(MobilisationMeans.WALK_IN)
        mobilisers = [Mobiliser.PROFESSIONALS] + ([Mobiliser.PERSON, Mobiliser.CARERS] if self_referral else [])
        service = Service(
            public_id=territory.public_id(),
            organisation=organisation,
            name=name,
            description=description,
            email=organisation.email,
            url=organisation.website,
            minimum_age=options.get("min"),
            maximum_age=options.get("max"),
            situations=[str(s) for s in options.get("situations", [])],
            residence_required=options.get("area") == "commune",
            eligibility_description=(
                "Réservé aux habitants de la commune." if options.get("area") == "commune" else ""
            ),
            languages=["fr"] + (["nl", "en"] if rnd.random() < 0.2 else []),
            self_referral=self_referral,
            professional_referral=options.get("pro", False) or rnd.random() < 0.5,
            appointment_required=options.get("rdv", False),
            mobilisable_by=[str(m) for m in mobilisers],
            mobilisation_means=[str(m) for m in means],
            opening_hours=options.get("hours") or rnd.choice(HOURS),
            is_free=options.get("free") if "free" in options else rnd.choice([True, True, False, None]),
            kinds=demo_kinds(name, description),
            remote=remote,
            on_site=on_site,
            fees_description="Gratuit."
            if options.get("free")
            else rnd.choice(["", "Participation selon les revenus."]),
            capacity_status=capacity,
            capacity_updated_at=(now - timedelta(days=min(days_ago, capacity_days))) if capacity else None,
            waiting_time_days=rnd.choice([7, 14, 30, 60]) if capacity == CapacityStatus.WAITING_LIST else None,
        )
        service._demo_needs = [terms[code] for code in needs if code in terms]  # type: ignore[attr-defined]
        service._demo_days_ago = days_ago  # type: ignore[attr-defined]
        service._demo_area = options.get("area")  # type: ignore[attr-defined]
        services.append(service)
    services = territory.bulk_create(Service, services, desc="directory services")

    links, areas, phones = [], [], []
    through = Service.needs.through
    for service in services:
        needs_rows += [through(service_id=service.id, taxonomyterm_id=term_id) for term_id in service._demo_needs]
        location = location_of.get(service.organisation_id)
        if location is not None:
            links.append(ServiceAtLocation(public_id=territory.public_id(), service=service, location=location))
        area = service._demo_area
        target = province if area == "province" else communes.get(service.organisation.territory_id)
        if area and target is not None:
            areas.append(
                ServiceArea(public_id=territory.public_id(), service=service, territory=target, name=target.name)
            )
        if service.organisation.phone:
            phones.append(Phone(public_id=territory.public_id(), service=service, number=service.organisation.phone))
    territory.bulk_create(through, needs_rows, desc="directory needs")
    territory.bulk_create(ServiceAtLocation, links, desc="directory services at locations")
    territory.bulk_create(ServiceArea, areas, desc="directory service areas")
    territory.bulk_create(Phone, phones, desc="directory phones")

    # Freshness: backdate in bulk (auto_now only applies to save()).
    by_age: dict[int, list[int]] = {}
    for service in services:
        by_age.setdefault(service._demo_days_ago, []).append(service.id)
    for days_ago, ids in by_age.items():
        Service.objects.filter(id__in=ids).update(updated_at=now - timedelta(days=days_ago))
    index_services([service.id for service in services])
    territory.made["services"] = services
