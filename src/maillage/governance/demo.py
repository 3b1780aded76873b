# ruff: noqa: E501
"""The governance part of the demo: the life of the demo territory's network.

The network is run by the coordination organisation of the accounts part (`made["network"]`, whose
coordinator logs in as `coordination@…`). About fifteen organisations are members, the CPAS de
Libramont-Chevigny first; a patients' and users' association sits in its own college. The network has:

- a charter in two adopted versions (the first replaced, signed by every member of the time; the second in
  force, signed by most: the CPAS de Libramont-Chevigny has not signed it yet, so `admin@…` is asked to), and a
  third version open for comments; a convention between two members that ends soon (renewal reminder);
- bodies: a steering committee, a regulation and ethics body and two working groups, with mandates, meetings
  (hosted by members, members present, record, decisions) and one meeting to come;
- three objectives: two measured by Maillage from the indicator registry, one entered by hand, each with a
  measurement per quarter since the baseline;
- experience reviews (shared and commented; a draft of the CPAS flagged for a birth date) and practice sheets
  drawn from them, in versions, tagged by life domain;
- member presentations with their admission criteria explained, and meet-a-partner events (past ones with the
  members who came, future ones open for registration), which feed the map of who has met whom.

Nothing here is person data. Everything is drawn from `territory.random`, so one seed gives one network.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from maillage.accounts.enums import OrganisationStatus, Role, Sector
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, bulk_delete
from maillage.directory.selectors import life_domains
from maillage.governance import indicators, privacy_check
from maillage.governance.enums import (
    AgreementKind,
    BodyKind,
    College,
    EventKind,
    MemberStatus,
    ReviewKind,
    ReviewStatus,
    SeatRole,
    VersionStatus,
)
from maillage.governance.models import (
    Agreement,
    AgreementVersion,
    Body,
    BodyMeeting,
    CollegeRights,
    Decision,
    EventRegistration,
    ExperienceReview,
    Mandate,
    Measurement,
    MemberPresentation,
    Network,
    NetworkMember,
    Objective,
    PartnerEvent,
    PracticeSheet,
    PracticeSheetVersion,
    ReviewComment,
    Signature,
    VersionComment,
)

MEMBERS = 15
NETWORK_TITLE = "Réseau psycho-médico-social du Luxembourg belge"
FOUNDED_ON = dt.date(2019, 3, 15)

CHARTER_V1 = """Article 1. La personne au centre
La personne accompagnée est actrice de son projet. Les membres du réseau construisent l'aide avec elle, à partir de ses choix de vie, de ses besoins et de ses savoirs.

Article 2. Pas de hiérarchie, pas de concurrence
Chaque organisation membre garde ses missions et ses règles. Aucune n'est au-dessus des autres ; le réseau n'est pas un lieu de concurrence.

Article 3. Le partage d'informations
Les membres ne partagent que ce qui est nécessaire, avec l'accord de la personne, dans le cadre du secret professionnel partagé.

Article 4. Les passages de relais
Une orientation n'est close que lorsque le partenaire a pris le relais. Personne n'est « renvoyé » sans qu'un contact ait été pris.

Article 5. Se connaître hors des crises
Les membres se rencontrent en dehors des situations difficiles : journées d'immersion, visites, groupes de travail."""

CHARTER_V2 = """Article 1. La personne au centre
La personne accompagnée est actrice de son projet et membre à part entière de son réseau. Les membres du réseau construisent l'aide avec elle, à partir de ses choix de vie, de ses besoins et de ses savoirs ; elle voit qui l'entoure et ce qui est partagé.

Article 2. Pas de hiérarchie, pas de concurrence
Chaque organisation membre garde ses missions et ses règles. Aucune n'est au-dessus des autres ; le réseau n'est pas un lieu de concurrence.

Article 3. Le partage d'informations
Les membres ne partagent que ce qui est nécessaire, avec l'accord de la personne, dans le cadre du secret professionnel partagé. Chaque consultation d'un dossier est tracée et la personne peut la voir.

Article 4. Les passages de relais
Une orientation n'est close que lorsque le partenaire a pris le relais. Personne n'est « renvoyé » sans qu'un contact ait été pris.

Article 5. Se connaître hors des crises
Les membres se rencontrent en dehors des situations difficiles : journées d'immersion, visites, groupes de travail. Chaque membre accueille au moins une rencontre par an.

Article 6. Les désaccords
Les désaccords entre membres sont dits et consignés, puis portés devant l'instance de régulation et d'éthique lorsqu'ils persistent."""

CHARTER_V3 = CHARTER_V2.replace(
    "Chaque membre accueille au moins une rencontre par an.",
    "Chaque membre accueille au moins une rencontre par an et présente ses critères d'admission aux autres.",
) + (
    "\n\nArticle 7. L'ouverture\n"
    "Le réseau est ouvert aux élus locaux, aux associations de patients et d'usagers et aux habitants, selon les "
    "droits de leur collège."
)

CONVENTION_TEXT = """Objet
Les deux services s'engagent à faciliter l'accès au logement des personnes suivies en santé mentale.

Engagements
Un contact direct et nommé dans chaque service ; une réponse à toute demande de l'autre service dans les cinq jours ouvrables ; une réunion de suivi par trimestre.

Durée
La convention court deux ans et peut être renouvelée par accord écrit des deux parties."""

ADMISSION = {
    Sector.SOCIAL_ACTION: (
        "Toute personne domiciliée sur la commune, ou qui y réside sans domicile.",
        "Nous ne pouvons pas suivre une personne domiciliée ailleurs : nous l'orientons vers le CPAS de sa commune "
        "et nous l'appelons avec elle.",
    ),
    Sector.MENTAL_HEALTH: (
        "Adultes en souffrance psychique, sur rendez-vous, avec ou sans diagnostic.",
        "Nous ne faisons pas d'hospitalisation ni d'urgence : en crise, nous orientons vers les urgences "
        "psychiatriques et reprenons le suivi ensuite.",
    ),
    Sector.HOUSING: (
        "Ménages à revenus modestes inscrits auprès de notre service.",
        "Les listes d'attente sont longues : nous expliquons le délai et proposons un accompagnement en attendant.",
    ),
    Sector.ADDICTION: (
        "Toute personne concernée par une consommation, et ses proches, sans condition d'abstinence.",
        "Pas de sevrage résidentiel chez nous : nous préparons la demande avec l'hôpital partenaire.",
    ),
    Sector.HOME_CARE: (
        "Personnes qui vivent chez elles et ont besoin d'aide pour les actes de la vie quotidienne.",
        "Nous intervenons sur évaluation de l'autonomie, dans notre zone de soins.",
    ),
}
DEFAULT_ADMISSION = (
    "Toute personne du territoire, sur demande ou orientée par un partenaire.",
    "Nous expliquons toujours un refus et proposons un autre partenaire.",
)

REVIEWS = [
    (
        ReviewKind.DIFFICULTY,
        "Une orientation perdue entre trois services",
        "Un homme d'une cinquantaine d'années a été orienté successivement vers trois services pour une question "
        "de logement. Chaque service a estimé que la demande relevait d'un autre. Après deux mois, personne ne "
        "l'avait rappelé et il a perdu son logement.",
        "Une orientation n'est pas un envoi : appeler le partenaire avant, convenir de qui reprend contact, et "
        "vérifier une semaine plus tard que le relais est pris.",
    ),
    (
        ReviewKind.SUCCESS,
        "Une sortie d'hospitalisation préparée ensemble",
        "Une jeune femme sortait d'une hospitalisation psychiatrique sans logement. L'hôpital, le CPAS et le service "
        "de santé mentale se sont réunis avec elle trois semaines avant la sortie. Elle a choisi son référent.",
        "Préparer la sortie avant la date, avec la personne, et nommer un référent choisi par elle : la sortie "
        "s'est faite sans rupture.",
    ),
    (
        ReviewKind.DIFFICULTY,
        "Trop d'intervenants autour d'une famille",
        "Une famille avec trois enfants recevait la visite de sept professionnels différents chaque semaine. La "
        "mère a fini par ne plus ouvrir la porte.",
        "Faire le point régulièrement sur qui intervient, et laisser la famille dire ce qui est trop : moins "
        "d'intervenants, mieux coordonnés.",
    ),
]
FLAGGED_DRAFT = (
    ReviewKind.DIFFICULTY,
    "Un dossier de médiation de dettes bloqué",
    "Monsieur, né le 14/02/1961, attendait une réponse du service de médiation depuis quatre mois.",
    "Prévenir la personne des délais et garder un contact pendant l'attente.",
)
SHEETS = [
    (
        "Orienter sans perdre le lien",
        ["housing", "rights"],
        0,
        [
            "1. Appeler le partenaire avant d'orienter.\n2. Convenir de qui reprend contact avec la personne.\n"
            "3. Noter la date du relais.",
            "1. Appeler le partenaire avant d'orienter, avec la personne si elle le souhaite.\n2. Convenir de qui "
            "reprend contact.\n3. Vérifier une semaine plus tard que le relais est pris.",
        ],
    ),
    (
        "Préparer une sortie d'hospitalisation",
        ["mental-health", "housing"],
        1,
        [
            "Réunir les partenaires et la personne trois semaines avant la sortie ; la personne choisit son "
            "référent ; le logement, les revenus et le suivi sont réglés avant la date.",
        ],
    ),
    (
        "Faire le point sur qui intervient",
        ["family", "child-protection"],
        2,
        [
            "Tous les trois mois, dresser avec la famille la liste des intervenants et de ce que chacun fait.",
            "Tous les trois mois, dresser avec la famille la liste des intervenants et de ce que chacun fait ; "
            "lui demander ce qui est de trop, et décider ensemble qui se retire.",
        ],
    ),
    (
        "Accueillir un partenaire pour une journée d'immersion",
        ["social-ties"],
        None,
        [
            "Prévoir un programme de la journée, un collègue d'accueil, et un temps d'échange en fin de journée "
            "sur ce que chacun attend de l'autre.",
        ],
    ),
]
BODIES = [
    (
        BodyKind.STEERING,
        "Comité de pilotage du réseau",
        "Oriente le réseau, adopte la charte et ses versions, suit les objectifs et le rapport d'activité.",
        5,
        4,
    ),
    (
        BodyKind.REGULATION,
        "Comité d'éthique et de régulation",
        "Examine les désaccords persistants entre membres et les questions éthiques du partage d'informations.",
        3,
        2,
    ),
    (
        BodyKind.WORKING_GROUP,
        "Groupe de travail logement",
        "Améliorer l'accès au logement des personnes suivies par plusieurs services.",
        4,
        3,
    ),
    (
        BodyKind.WORKING_GROUP,
        "Groupe de travail santé mentale et précarité",
        "Construire des passages de relais entre santé mentale et action sociale.",
        4,
        2,
    ),
]
DECISIONS = [
    "Le projet de nouvelle version de la charte est soumis à la consultation des membres.",
    "Le rapport d'activité annuel est approuvé.",
    "Une journée d'immersion est proposée à chaque nouveau membre dans l'année de son adhésion.",
    "Les désaccords sur les orientations refusées sont portés à l'instance de régulation.",
    "Un répertoire des contacts directs entre services est tenu à jour par le groupe de travail.",
    "La prochaine rencontre est accueillie par un membre qui ne l'a pas encore fait.",
]
EVENTS = [
    (EventKind.IMMERSION, "Journée d'immersion au service de santé mentale", -150, 4),
    (EventKind.VISIT, "Visite des logements de transit", -60, 5),
    (EventKind.OPEN_DAY, "Portes ouvertes du CPAS", -20, 6),
    (EventKind.IMMERSION, "Journée d'immersion en maison médicale", 21, 3),
    (EventKind.VISIT, "Visite du centre de jour", 45, 2),
    (EventKind.OPEN_DAY, "Matinée de rencontre des nouveaux membres", 75, 0),
]


def clear() -> None:
    """Delete the demo networks (what belongs to them cascades): those run by a demo organisation."""
    bulk_delete(Network.objects.filter(organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}"))


def generate(territory: DemoTerritory) -> None:
    if territory.made.get("network") is None:
        return
    _Governance(territory).run()


class _Governance:
    def __init__(self, territory: DemoTerritory) -> None:
        self.territory = territory
        self.made = territory.made
        self.random = territory.random
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.coordinator = self.made["demo_users"].get(f"coordination@{DEMO_EMAIL_DOMAIN}")
        # Each organisation's admin: the person authorised to sign for it, and who holds its seats.
        self.admins: dict[int, Any] = {}
        users = {user.pk: user for user in self.made["users"]}
        for membership in self.made["memberships"]:
            if membership.role == Role.ORGANISATION_ADMIN and membership.is_active:
                self.admins.setdefault(membership.organisation_id, users.get(membership.user_id))

    def at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=self.zone)

    def run(self) -> None:
        self.network_and_members()
        self.presentations()
        self.charter()
        self.convention()
        self.bodies()
        self.objectives()
        self.learning()
        self.events()
        self.made["governance_network"] = self.network
        self.made["governance_now"] = self.now

    # The network ---------------------------------------------------------------------------------------------

    def network_and_members(self) -> None:
        self.network = Network.objects.create(
            organisation=self.made["network"],
            name=NETWORK_TITLE,
            mission=(
                "Permettre aux organisations du territoire de travailler ensemble autour de la personne, qui reste "
                "actrice de son projet : se connaître, se passer le relais sans rupture, partager ce qui est "
                "nécessaire et seulement cela, et évaluer ensemble ce que le réseau apporte."
            ),
            openness=(
                "Le réseau est ouvert aux élus locaux, aux associations de patients et d'usagers et aux associations "
                "d'habitants : ils commentent les projets de charte, prennent part aux rencontres et, pour les "
                "associations d'usagers, siègent à l'instance d'éthique."
            ),
            founded_on=FOUNDED_ON,
            updated_by=self.coordinator,
        )
        if province := self.made.get("province"):
            self.network.territories.set([province])
        CollegeRights.objects.bulk_create(
            [
                CollegeRights(network=self.network, college=College.PUBLIC_AUTHORITY, may_sign=False),
                CollegeRights(network=self.network, college=College.USERS_ASSOCIATION, may_sign=False),
                CollegeRights(network=self.network, college=College.RESIDENTS, may_sign=False, may_sit=False),
            ]
        )
        home = self.made["home_organisation"]
        others = [
            o
            for o in self.made["organisations"]
            if o.pk != home.pk
            and o.sector != Sector.NETWORK
            and o.status == OrganisationStatus.VALIDATED
            and o.pk in self.admins
        ]
        chosen = [home, *self.random.sample(others, min(MEMBERS - 1, len(others)))]
        # A patients' and users' association sits in its own college, when the territory has one.
        association = next((o for o in chosen if o.sector == Sector.ASSOCIATION), None)
        if association is None and len(chosen) > 2:
            association = next((o for o in others if o.sector == Sector.ASSOCIATION), None)
            if association is not None:
                chosen[1] = association
        members = []
        for index, organisation in enumerate(chosen):
            # The founders, then members who joined over the years, the last few within the past year.
            if index < 6:
                joined = FOUNDED_ON
            elif index < len(chosen) - 5:
                joined = FOUNDED_ON + dt.timedelta(days=self.random.randint(200, 1500))
            else:
                joined = self.today - dt.timedelta(days=self.random.randint(30, 330))
            members.append(
                NetworkMember(
                    network=self.network,
                    organisation=organisation,
                    college=College.USERS_ASSOCIATION if organisation is association else College.PROFESSIONAL,
                    status=MemberStatus.MEMBER,
                    joined_on=joined,
                    updated_by=self.coordinator,
                )
            )
        # The last one chosen has only applied: a candidate, not yet a member.
        if len(members) > 3:
            members[-1].status = MemberStatus.CANDIDATE
            members[-1].joined_on = self.today - dt.timedelta(days=10)
        self.members = NetworkMember.objects.bulk_create(members)
        self.current = [m for m in self.members if m.status == MemberStatus.MEMBER]
        self.home = self.members[0]
        self.signers = [m for m in self.current if m.college == College.PROFESSIONAL]

    def presentations(self) -> None:
        rows = []
        for member in self.current:
            organisation = member.organisation
            criteria, limits = ADMISSION.get(organisation.sector, DEFAULT_ADMISSION)
            rows.append(
                MemberPresentation(
                    member=member,
                    who_we_are=f"{organisation.name} : {organisation.get_sector_display().lower()}.",
                    what_we_do=(
                        organisation.description
                        or "Accueil, information, accompagnement et orientation vers les partenaires du réseau."
                    ),
                    what_we_do_not=limits,
                    admission_criteria=criteria,
                    how_to_reach=(
                        f"{organisation.email or ''} {organisation.phone or ''}".strip()
                        or "Par le secrétariat, du lundi au vendredi."
                    ),
                )
            )
        MemberPresentation.objects.bulk_create(rows)

    # Charter and conventions -------------------------------------------------------------------------------

    def _version(self, agreement: Agreement, number: int, text: str, status: str, **fields: Any) -> AgreementVersion:
        return AgreementVersion.objects.create(
            agreement=agreement, number=number, text=text, status=status, updated_by=self.coordinator, **fields
        )

    def _sign(self, version: AgreementVersion, members: list[NetworkMember], start: dt.date) -> None:
        for member in members:
            user = self.admins.get(member.organisation_id)
            signature = Signature.objects.create(
                version=version,
                member=member,
                signed_by=user,
                signer_name=user.get_full_name() if user else member.organisation.name,
                signer_title="direction",
            )
            day = min(start + dt.timedelta(days=self.random.randint(1, 60)), self.today)
            Signature.objects.filter(pk=signature.pk).update(signed_at=self.at(day, 11))

    def _comment(self, version: AgreementVersion, member: NetworkMember, text: str, day: dt.date) -> None:
        comment = VersionComment.objects.create(
            version=version, member=member, author=self.admins.get(member.organisation_id), text=text
        )
        VersionComment.objects.filter(pk=comment.pk).update(created_at=self.at(day, 14))

    def charter(self) -> None:
        charter = Agreement.objects.create(
            network=self.network,
            kind=AgreementKind.CHARTER,
            title="Charte du réseau",
            scope="Toutes les organisations membres du réseau.",
            updated_by=self.coordinator,
        )
        v1_adopted = dt.date(2021, 6, 17)
        v2_adopted = self.today - dt.timedelta(days=75)
        v1 = self._version(
            charter,
            1,
            CHARTER_V1,
            VersionStatus.SUPERSEDED,
            adopted_on=v1_adopted,
            adopted_by=self.coordinator,
            adoption_record="Adoptée à l'unanimité par l'assemblée des membres.",
        )
        self._sign(v1, [m for m in self.signers if m.joined_on <= v1_adopted], v1_adopted)
        v2 = self._version(
            charter,
            2,
            CHARTER_V2,
            VersionStatus.ADOPTED,
            changes_summary="La personne membre de son réseau ; la traçabilité des consultations ; un article sur "
            "les désaccords ; une rencontre par membre et par an.",
            consultation_ends_on=v2_adopted - dt.timedelta(days=14),
            adopted_on=v2_adopted,
            adopted_by=self.coordinator,
            adoption_record="Adoptée par le comité de pilotage, après consultation des membres.",
        )
        commenters = self.current[1:4]
        texts = [
            "Nous proposons d'écrire que la personne voit qui a consulté son dossier.",
            "L'article sur les désaccords est bienvenu ; qui saisit l'instance de régulation ?",
            "Une rencontre par an nous paraît réaliste, à condition de pouvoir la partager avec un autre membre.",
        ]
        for member, text in zip(commenters, texts, strict=False):
            self._comment(v2, member, text, v2_adopted - dt.timedelta(days=self.random.randint(20, 40)))
        # The CPAS de Libramont-Chevigny has not signed the version in force yet: its admin is asked to.
        self._sign(v2, [m for m in self.signers if m.pk != self.home.pk][: max(1, len(self.signers) - 3)], v2_adopted)
        v3 = self._version(
            charter,
            3,
            CHARTER_V3,
            VersionStatus.CONSULTATION,
            changes_summary="Les critères d'admission présentés aux autres ; un article sur l'ouverture du réseau.",
            consultation_ends_on=self.today + dt.timedelta(days=12),
        )
        if len(self.current) > 4:
            self._comment(
                v3,
                self.current[4],
                "Nous soutenons l'article 7 ; les associations d'habitants pourraient-elles signer la charte ?",
                self.today - dt.timedelta(days=3),
            )
        self.charter_versions = [v1, v2, v3]

    def convention(self) -> None:
        parties = self.signers[1:3] if len(self.signers) >= 3 else self.signers[:2]
        if len(parties) < 2:
            return
        starts = self.today - dt.timedelta(days=700)
        convention = Agreement.objects.create(
            network=self.network,
            kind=AgreementKind.CONVENTION,
            title="Convention logement et santé mentale",
            scope="Accès au logement des personnes suivies en santé mentale.",
            starts_on=starts,
            ends_on=self.today + dt.timedelta(days=45),
            renewal_notice_days=60,
            updated_by=self.coordinator,
        )
        convention.parties.set(parties)
        version = self._version(
            convention,
            1,
            CONVENTION_TEXT,
            VersionStatus.ADOPTED,
            adopted_on=starts,
            adopted_by=self.coordinator,
            adoption_record="Adoptée par les directions des deux services.",
        )
        self._sign(version, parties, starts)

    # Bodies -----------------------------------------------------------------------------------------------------

    def bodies(self) -> None:
        sitting = [m for m in self.current if m.college in (College.PROFESSIONAL, College.USERS_ASSOCIATION)]
        association = next((m for m in self.current if m.college == College.USERS_ASSOCIATION), None)
        decisions = list(DECISIONS)
        for kind, name, purpose, seats, meetings in BODIES:
            body = Body.objects.create(
                network=self.network, kind=kind, name=name, purpose=purpose, updated_by=self.coordinator
            )
            seated = self.random.sample(sitting, min(seats, len(sitting)))
            if kind == BodyKind.REGULATION and association is not None and association not in seated:
                seated[-1] = association
            starts = max(FOUNDED_ON, self.today - dt.timedelta(days=800))
            Mandate.objects.bulk_create(
                Mandate(
                    body=body,
                    member=member,
                    holder=self.admins.get(member.organisation_id),
                    role=SeatRole.CHAIR if index == 0 else SeatRole.SECRETARY if index == 1 else SeatRole.MEMBER,
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=3 * 365),
                )
                for index, member in enumerate(seated)
            )
            for number in range(meetings):
                day = self.today - dt.timedelta(days=90 * (meetings - number) + self.random.randint(0, 20))
                host = self.random.choice(seated)
                meeting = BodyMeeting.objects.create(
                    body=body,
                    starts_at=self.at(day, 9),
                    place=f"Dans les locaux de {host.organisation.name}",
                    hosted_by=host,
                    agenda="1. Tour de table\n2. Suivi des décisions\n3. Points des membres",
                    record="Le tour de table a permis à chacun de dire ses difficultés du moment. Les décisions "
                    "précédentes sont suivies.",
                    updated_by=self.coordinator,
                )
                came = [m for m in seated if self.random.random() < 0.85] or seated[:1]
                meeting.present.set(came)
                self.random.shuffle(decisions)
                Decision.objects.bulk_create(
                    Decision(meeting=meeting, text=text, position=position)
                    for position, text in enumerate(decisions[: self.random.randint(1, 2)], start=1)
                )
            if kind == BodyKind.STEERING:
                BodyMeeting.objects.create(
                    body=body,
                    starts_at=self.at(self.today + dt.timedelta(days=30), 14),
                    place="Salle du conseil, coordination du réseau",
                    hosted_by=seated[0] if seated else None,
                    agenda="1. Adoption de la version 3 de la charte\n2. Objectifs de l'année\n3. Rapport d'activité",
                    updated_by=self.coordinator,
                )

    # Objectives -------------------------------------------------------------------------------------------------

    def objectives(self) -> None:
        baseline_on = self.today - dt.timedelta(days=365)
        target_on = self.today + dt.timedelta(days=365)
        quarters = [baseline_on + dt.timedelta(days=91 * i) for i in range(5)]

        def measured(key: str) -> list[tuple[dt.date, indicators.Value]]:
            return [(day, indicators.measure(self.network, key, day)) for day in quarters]

        members = measured("member_organisations")
        base_members = members[0][1].value or 0
        followed = measured("persons_followed")
        base_followed = next((v.value for _day, v in followed if v.value is not None), 0)
        plans = [
            (
                "Élargir le réseau aux organisations du territoire",
                "Chaque secteur du territoire est représenté parmi les membres.",
                "member_organisations",
                "",
                base_members,
                base_members + 8,
                members,
            ),
            (
                "Suivre davantage de personnes ensemble, sans rupture",
                "Plus de personnes accompagnées par au moins un membre, avec un référent choisi.",
                "persons_followed",
                "",
                base_followed,
                round(base_followed * 2.5) + 5,
                followed,
            ),
            (
                "Se connaître hors des crises : une rencontre par membre et par an",
                "Journées d'immersion, visites et portes ouvertes accueillies par les membres.",
                "",
                "Rencontres entre membres organisées dans l'année",
                2,
                15,
                [(day, indicators.Value(value)) for day, value in zip(quarters, [2, 4, 6, 9, 11], strict=True)],
            ),
        ]
        for title, description, key, label, baseline, target, points in plans:
            objective = Objective.objects.create(
                network=self.network,
                title=title,
                description=description,
                indicator_key=key,
                indicator_label=label,
                baseline=Decimal(baseline),
                baseline_on=baseline_on,
                target=Decimal(target),
                target_on=target_on,
                updated_by=self.coordinator,
            )
            Measurement.objects.bulk_create(
                Measurement(
                    objective=objective,
                    measured_on=day,
                    value=None if value.value is None else Decimal(value.value),
                    suppressed=value.suppressed,
                    computed=bool(key),
                    recorded_by=self.coordinator,
                )
                for day, value in points
            )

    # Learning loops ---------------------------------------------------------------------------------------------

    def learning(self) -> None:
        writers = self.current[1:] or self.current
        reviews = []
        for index, (kind, title, happened, learnt) in enumerate(REVIEWS):
            member = writers[index % len(writers)]
            review = ExperienceReview.objects.create(
                network=self.network,
                member=member,
                author=self.admins.get(member.organisation_id),
                kind=kind,
                title=title,
                what_happened=happened,
                what_we_learnt=learnt,
                status=ReviewStatus.SHARED,
                shared_at=self.now - dt.timedelta(days=200 - 60 * index),
            )
            ExperienceReview.objects.filter(pk=review.pk).update(created_at=review.shared_at - dt.timedelta(days=2))
            reviews.append(review)
            for other in self.random.sample(self.current, min(2, len(self.current))):
                if other.pk != member.pk:
                    comment = ReviewComment.objects.create(
                        review=review,
                        member=other,
                        author=self.admins.get(other.organisation_id),
                        text="Nous avons vécu une situation proche ; la leçon vaut pour nous aussi.",
                    )
                    ReviewComment.objects.filter(pk=comment.pk).update(
                        created_at=review.shared_at + dt.timedelta(days=5)
                    )
        # A draft of the CPAS de Libramont-Chevigny: the check found a birth date, it is not shared.
        kind, title, happened, learnt = FLAGGED_DRAFT
        text = "\n".join((title, happened, learnt))
        flags = [{"kind": "birth_date", "text": found} for found in privacy_check.birth_dates_in(text)]
        flags += [{"kind": "first_name", "text": found} for found in privacy_check.first_names_in(text)]
        ExperienceReview.objects.create(
            network=self.network,
            member=self.home,
            author=self.made["demo_users"].get(f"professionnel@{DEMO_EMAIL_DOMAIN}"),
            kind=kind,
            title=title,
            what_happened=happened,
            what_we_learnt=learnt,
            flags=flags,
        )
        domains = {term.code: term for term in life_domains()}
        for title, codes, review_index, texts in SHEETS:
            review = reviews[review_index] if review_index is not None else None
            member = review.member if review else self.home
            sheet = PracticeSheet.objects.create(
                network=self.network, member=member, title=title, from_review=review, updated_by=self.coordinator
            )
            sheet.domains.set([domains[code] for code in codes if code in domains])
            for number, text in enumerate(texts, start=1):
                improver = member if number == 1 else self.random.choice(self.current)
                PracticeSheetVersion.objects.create(
                    sheet=sheet,
                    number=number,
                    text=text,
                    changes_summary="" if number == 1 else "Précisé après la discussion en groupe de travail",
                    author=self.admins.get(improver.organisation_id),
                )

    # Knowing each other -----------------------------------------------------------------------------------------

    def events(self) -> None:
        if len(self.current) < 2:
            return
        for index, (kind, title, days, registered) in enumerate(EVENTS):
            host = self.home if index == 2 else self.current[(index * 3 + 1) % len(self.current)]
            event = PartnerEvent.objects.create(
                network=self.network,
                host=host,
                kind=kind,
                title=title,
                description="Découvrir le service, son équipe et sa manière de travailler ; un temps d'échange "
                "sur ce que chacun attend de l'autre.",
                starts_at=self.at(self.today + dt.timedelta(days=days), 9),
                place=f"{host.organisation.name}",
                capacity=8,
                updated_by=self.coordinator,
            )
            guests = [m for m in self.current if m.pk != host.pk and m.organisation_id in self.admins]
            for guest in self.random.sample(guests, min(registered, len(guests))):
                EventRegistration.objects.create(event=event, member=guest, user=self.admins[guest.organisation_id])
