"""The personalised projects part of the demo: most demo persons with a referent get a project.

Each project has one to three objectives taken from the person's open needs (in their own words, in the need's
life domain), with what will show progress, a target and a date; actions carried by the person, often by a
relative, and by the organisations of the care team; a first version proposed to the person and, mostly, their
answer (on paper or orally in a meeting, recorded by the referent); a review held a few weeks ago with the
professionals' assessment and the person's own rating side by side; the next review planned; and here and there
views that differ on an objective. All fictional, all in bulk (the demo must stay fast).

The person with the fixed login (`personne@…`) has a project whose version awaits their answer in their own
space, a review planned (to rate their progress) and a divergence between their view and an organisation's.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, bulk_delete
from maillage.people.enums import InvolvementRole, InvolvementStatus, NeedStatus
from maillage.people.models import Involvement, Need, Person, Relation
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    AgreementHow,
    Carrier,
    EventKind,
    Frequency,
    Holder,
    Priority,
    Progress,
    ReviewDecision,
    ReviewStatus,
)
from maillage.projects.models import (
    Divergence,
    DivergentView,
    Objective,
    ObjectiveReview,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectVersion,
    Review,
)

SHARE_WITH_PROJECT = 0.8
# By life domain: what will show progress, a target, the person's own action, a relative's, an organisation's.
PLANS = {
    "housing": (
        "Un bail signé pour un logement sain",
        "avant l'hiver",
        "Visiter les logements proposés",
        "M'accompagner aux visites",
        "Introduire la demande à l'agence immobilière sociale",
    ),
    "employment": (
        "Un contrat ou une formation commencée",
        "un mi-temps",
        "Mettre mon CV à jour",
        "Relire mes lettres de motivation",
        "Orienter vers une formation qualifiante",
    ),
    "income": (
        "Les factures payées à temps",
        "trois mois de suite",
        "Ouvrir le courrier chaque semaine",
        "Trier les papiers avec moi",
        "Établir un plan de remboursement",
    ),
    "health": (
        "Un médecin traitant et des rendez-vous suivis",
        "un rendez-vous par mois",
        "Prendre rendez-vous chez le médecin",
        "M'y conduire",
        "Coordonner le suivi médical",
    ),
    "mental-health": (
        "Des nuits plus calmes",
        "dormir six heures",
        "Noter mon sommeil chaque matin",
        "Passer me voir le dimanche",
        "Proposer un suivi psychologique",
    ),
    "addictions": (
        "Moins de consommation",
        "deux jours sans par semaine",
        "Tenir mon carnet de consommation",
        "Me soutenir les jours difficiles",
        "Assurer les consultations en assuétudes",
    ),
    "family": (
        "Des visites régulières avec les enfants",
        "un week-end sur deux",
        "Préparer les visites",
        "Accueillir les visites chez elle",
        "Médiation familiale",
    ),
    "daily-life": (
        "Des repas et un logement tenus",
        "des repas chauds chaque jour",
        "Faire une liste de courses",
        "Faire les courses avec moi",
        "Organiser l'aide familiale à domicile",
    ),
    "social-ties": (
        "Des contacts chaque semaine",
        "une activité par semaine",
        "M'inscrire à un groupe",
        "M'y accompagner la première fois",
        "Présenter le groupe de parole",
    ),
}
DEFAULT_PLAN = ("Un pas concret chaque mois", "", "En parler à mon référent", "M'encourager",
                "Accompagner la démarche")  # fmt: skip
VIEWS = [
    ("Le rythme", "Je veux aller plus vite : j'attends depuis trop longtemps.",
     "Nous pensons qu'il faut d'abord stabiliser la situation."),
    ("Le choix de l'objectif", "Pour moi, ce n'est pas la priorité.",
     "C'est une condition pour avancer sur le reste."),
]  # fmt: skip


def clear() -> None:
    """Delete the projects of the demo persons (their rows cascade)."""
    demo_persons = Person.objects.filter(opened_by_organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
    bulk_delete(Project.objects.filter(person__in=demo_persons))


def generate(territory: DemoTerritory) -> None:
    _Projects(territory).run()


class _Projects:
    def __init__(self, territory: DemoTerritory) -> None:
        self.territory = territory
        self.random = territory.random
        self.today = timezone.localdate()
        self.now = timezone.now()

    def run(self) -> None:
        persons = list(
            Person.objects.filter(
                opened_by_organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}", anonymised_at__isnull=True
            ).order_by("pk")
        )
        if not persons:
            return
        ids = [p.pk for p in persons]
        team: dict[int, list[Involvement]] = {}
        for involvement in (
            Involvement.objects.filter(person_id__in=ids, status=InvolvementStatus.ACTIVE)
            .select_related("organisation", "professional")
            .order_by("pk")
        ):
            team.setdefault(involvement.person_id, []).append(involvement)
        needs: dict[int, list[Need]] = {}
        for need in Need.objects.filter(
            person_id__in=ids, status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS]
        ).select_related("term", "term__parent"):
            needs.setdefault(need.person_id, []).append(need)
        relatives: dict[int, list[Relation]] = {}
        for relation in Relation.objects.filter(person_id__in=ids, ended_on__isnull=True).order_by("pk"):
            relatives.setdefault(relation.person_id, []).append(relation)
        login_person = next((p for p in persons if p.user_id), None)

        chosen = []
        for person in persons:
            referent = next((i for i in team.get(person.pk, []) if i.role == InvolvementRole.REFERENT), None)
            if referent is None or not needs.get(person.pk):
                continue
            if person is login_person or self.random.random() < SHARE_WITH_PROJECT:
                chosen.append((person, referent))
        self.build(chosen, team, needs, relatives, login_person)

    def build(self, chosen, team, needs, relatives, login_person) -> None:
        rnd = self.random
        projects, plans = [], []
        for person, referent in chosen:
            started = self.today - dt.timedelta(days=rnd.randint(30, 300))
            project = Project(
                public_id=self.territory.public_id(),
                person=person,
                title=rnd.choice(["Mon projet", "Projet de vie", "Reprendre pied", "Projet d'accompagnement"]),
                started_on=started,
                created_by=referent.professional,
                created_by_organisation=referent.organisation,
                updated_by=referent.professional,
            )
            projects.append(project)
            plans.append((person, referent, started, project))
        self.territory.bulk_create(Project, projects, desc="personalised projects")

        objectives, actions, versions, reviews, entries, events = [], [], [], [], [], []
        divergences, views = [], []
        review_organisations = []
        for index, (person, referent, started, project) in enumerate(plans):
            is_login = person is login_person
            person_needs = sorted(needs[person.pk], key=lambda n: -n.weight)[: rnd.randint(1, 3)]
            project_objectives = []
            for position, need in enumerate(person_needs):
                domain = need.term if need.term.parent_id is None else need.term.parent
                indicator, target, own, relative_action, organisation_action = PLANS.get(domain.code, DEFAULT_PLAN)
                objective = Objective(
                    public_id=self.territory.public_id(),
                    project=project,
                    person=person,
                    own_words=need.own_words or "Avancer sur ce point.",
                    life_domain=domain,
                    priority=min(3, position + 1) if rnd.random() < 0.8 else Priority.MEDIUM,
                    indicator=indicator,
                    target=target,
                    target_date=self.today + dt.timedelta(days=rnd.randint(30, 240)),
                    position=position,
                    updated_by=referent.professional,
                )
                project_objectives.append(objective)
                carriers = [(Carrier.PERSON, own)]
                family = relatives.get(person.pk, [])
                if family and (is_login or rnd.random() < 0.5):
                    carriers.append((Carrier.RELATION, relative_action))
                carriers.append((Carrier.ORGANISATION, organisation_action))
                for rank, (carrier, what) in enumerate(carriers):
                    involvement = rnd.choice(team[person.pk]) if carrier == Carrier.ORGANISATION else None
                    actions.append(
                        ProjectAction(
                            public_id=self.territory.public_id(),
                            project=project,
                            objective=objective,
                            person=person,
                            carrier=carrier,
                            relation=rnd.choice(family) if carrier == Carrier.RELATION else None,
                            involvement=involvement,
                            organisation=involvement.organisation if involvement else None,
                            what=what,
                            starts_on=started + dt.timedelta(days=rnd.randint(0, 30)),
                            frequency=rnd.choice([Frequency.ONCE, Frequency.WEEKLY, Frequency.MONTHLY]),
                            status=rnd.choice([ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE]),
                            position=rank,
                            updated_by=referent.professional,
                        )
                    )
            objectives.extend(project_objectives)
            project.made = project_objectives
            version_count = 0
            events.append(self.event(project, EventKind.CREATED, "", started, referent, number=1))
            proposed = self.when(started)
            answer = (
                ""
                if is_login
                else rnd.choices(
                    ["", AgreementAnswer.AGREED, AgreementAnswer.AGREED_WITH_RESERVATIONS, AgreementAnswer.DISAGREED],
                    weights=[2, 6, 2, 1],
                )[0]
            )
            version_count += 1
            versions.append(
                ProjectVersion(
                    project=project,
                    person=person,
                    number=1,
                    snapshot=self.snapshot(project, project_objectives, actions),
                    note="Premier projet, construit avec la personne.",
                    created_at=proposed,
                    created_by=referent.professional,
                    created_by_organisation=referent.organisation,
                    answer=answer,
                    answer_how=rnd.choice([AgreementHow.ON_PAPER, AgreementHow.ORALLY_IN_MEETING]) if answer else "",
                    answer_comment="Je veux qu'on revoie le logement en premier." if answer else "",
                    answered_at=proposed + dt.timedelta(days=rnd.randint(1, 10)) if answer else None,
                    answer_recorded_by=referent.professional if answer else None,
                    answer_recorded_by_organisation=referent.organisation if answer else None,
                )
            )
            events.append(self.event(project, EventKind.VERSION, "Version 1", proposed, referent, number=2))
            number = 2
            if answer:
                number += 1
                events.append(self.event(project, EventKind.AGREEMENT, "Version 1", proposed, referent, number=number))
            if is_login or rnd.random() < 0.6:
                held_on = self.today - dt.timedelta(days=rnd.randint(10, 50))
                if held_on > started:
                    review = Review(
                        public_id=self.territory.public_id(),
                        project=project,
                        person=person,
                        planned_on=held_on,
                        held_on=held_on,
                        status=ReviewStatus.HELD,
                        summary="Bilan fait avec la personne : les premiers pas sont là.",
                        planned_by=referent.professional,
                        held_recorded_by=referent.professional,
                    )
                    reviews.append(review)
                    review_organisations.append((review, referent.organisation))
                    for objective in project_objectives:
                        entries.append(
                            ObjectiveReview(
                                review=review,
                                objective=objective,
                                person=person,
                                progress=rnd.choice(Progress.values[:3]),
                                comment="Démarches entamées.",
                                person_rating=rnd.choice(Progress.values[:3]),
                                person_comment=rnd.choice(["Ça avance doucement.", "C'est dur en ce moment.", ""]),
                                decision=ReviewDecision.KEPT,
                            )
                        )
                    number += 1
                    events.append(
                        self.event(project, EventKind.REVIEW_HELD, "Bilan", self.at(held_on), referent, number)
                    )
            if is_login or rnd.random() < 0.8:
                planned = Review(
                    public_id=self.territory.public_id(),
                    project=project,
                    person=person,
                    planned_on=self.today + dt.timedelta(days=rnd.randint(3, 45)),
                    status=ReviewStatus.PLANNED,
                    note="Bilan avec la personne et son réseau.",
                    planned_by=referent.professional,
                )
                reviews.append(planned)
                review_organisations.append((planned, referent.organisation))
                number += 1
                events.append(self.event(project, EventKind.REVIEW_PLANNED, "Bilan", self.now, referent, number))
            if is_login or index % 9 == 4:
                objective = project_objectives[0]
                topic, person_view, organisation_view = VIEWS[index % len(VIEWS)]
                others = [i for i in team[person.pk] if i.pk != referent.pk] or [referent]
                holder = rnd.choice(others)
                divergence = Divergence(
                    public_id=self.territory.public_id(),
                    project=project,
                    objective=objective,
                    person=person,
                    topic=topic,
                    opened_by=referent.professional,
                )
                divergences.append(divergence)
                views.append((divergence, Holder.PERSON, None, person_view, None))
                views.append((divergence, Holder.ORGANISATION, holder.organisation, organisation_view, holder))
                number += 1
                events.append(self.event(project, EventKind.DIVERGENCE_OPENED, topic, self.now, referent, number))
            project.version = number

        self.territory.bulk_create(Objective, objectives, desc="objectives")
        self.territory.bulk_create(ProjectAction, actions, desc="project actions")
        self.territory.bulk_create(ProjectVersion, versions, desc="project versions")
        self.territory.bulk_create(Review, reviews, desc="project reviews")
        self.territory.bulk_create(ObjectiveReview, entries, desc="objective reviews")
        through = Review.organisations.through
        self.territory.bulk_create(
            through, [through(review_id=r.pk, organisation_id=o.pk) for r, o in review_organisations], desc="review"
        )
        self.territory.bulk_create(Divergence, divergences, desc="divergences")
        self.territory.bulk_create(
            DivergentView,
            [
                DivergentView(
                    divergence=divergence,
                    person=divergence.person,
                    holder=holder,
                    organisation=organisation,
                    view=text,
                    recorded_by=involvement.professional if involvement else None,
                )
                for divergence, holder, organisation, text, involvement in views
            ],
            desc="divergent views",
        )
        self.territory.bulk_create(ProjectEvent, events, desc="project timeline")
        for project in projects:
            Project.objects.filter(pk=project.pk).update(version=project.version, last_change="")

    def when(self, started: dt.date) -> dt.datetime:
        return self.at(started + dt.timedelta(days=self.random.randint(1, 20)))

    def at(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10, self.random.randint(0, 59))))

    def event(self, project, kind, summary, at, referent, number) -> ProjectEvent:
        at = at if isinstance(at, dt.datetime) else self.at(at)
        return ProjectEvent(
            project=project,
            person=project.person,
            kind=kind,
            summary=summary,
            at=at,
            actor=referent.professional,
            organisation=referent.organisation,
            project_version=number,
        )

    def snapshot(self, project, objectives, actions) -> dict:
        """The version's frozen copy, in the shape of `services.snapshot` (built in memory: no query)."""
        return {
            "title": project.title,
            "objectives": [
                {
                    "id": str(o.public_id),
                    "own_words": o.own_words,
                    "reformulation": o.reformulation,
                    "life_domain": o.life_domain.code if o.life_domain else "",
                    "life_domain_name": o.life_domain.name if o.life_domain else "",
                    "priority": o.priority,
                    "indicator": o.indicator,
                    "target": o.target,
                    "target_date": o.target_date.isoformat() if o.target_date else "",
                    "status": o.status,
                    "actions": [
                        {
                            "id": str(a.public_id),
                            "carrier": a.carrier,
                            "carrier_name": (a.relation.name if a.relation else a.organisation.name)
                            if a.carrier != Carrier.PERSON
                            else "",
                            "what": a.what,
                            "starts_on": a.starts_on.isoformat() if a.starts_on else "",
                            "ends_on": "",
                            "frequency": a.frequency,
                            "means": a.means,
                            "service": "",
                            "status": a.status,
                        }
                        for a in actions
                        if a.objective is o
                    ],
                }
                for o in objectives
            ],
        }
