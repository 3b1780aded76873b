"""The coordination part of the demo: threads, contacts, crisis episodes and concertation meetings.

Many demo persons with a referent get a short thread (notes by the professionals, now and then one by the person,
a reply, a question with a deadline), contacts over the last three months, sometimes a crisis episode (closed, or
still open), a meeting held a few weeks ago (attendance, minutes, what the person said, decisions — those of a
person with a project became actions of it) and one planned in the coming weeks with the person and a relative.
The person with the fixed login has all of it. All fictional, all in bulk (the demo must stay fast).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.access.enums import Category
from maillage.coordination.enums import Attendance, ContactKind, CrisisKind, MeetingStatus, ParticipantKind
from maillage.coordination.models import Contact, CrisisEpisode, Decision, Meeting, Note, Participant
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, bulk_delete
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import Involvement, Person, Relation
from maillage.projects.enums import ActionStatus, Carrier, EventKind
from maillage.projects.models import Objective, Project, ProjectAction, ProjectEvent

SHARE_WITH_COORDINATION = 0.6
REFERENT_CONTACTS = 0.92  # the share of the other followed persons who saw their referent lately
NOTES = [
    "Rendez-vous pris au CPAS mardi : dossier de revenu d'intégration complété.",
    "La personne a visité un logement rue de la Gare, elle attend la réponse du propriétaire.",
    "Pouvez-vous confirmer la date du prochain rendez-vous chez vous ?",
    "Le suivi se passe bien, la personne vient à chaque rendez-vous.",
    "Facture d'énergie en retard : un plan de paiement est en cours de négociation.",
]
REPLIES = ["C'est noté, merci.", "Confirmé pour jeudi 14 h.", "Je la vois vendredi, je lui en parle."]
PERSON_NOTES = ["Je préfère les rendez-vous le matin.", "Merci pour l'aide avec les papiers."]
PURPOSES = ["Point sur le logement", "Bilan du suivi", "Préparer la sortie d'hospitalisation", "Point budget"]
DECISIONS = ["Visiter deux logements le mois prochain", "Demander l'allocation de loyer", "Revoir le budget ensemble"]
SAID = ["Je veux rester dans mon quartier.", "J'ai besoin de temps, mais je veux avancer.", "Je me sens mieux."]


def clear() -> None:
    """Delete the coordination rows of the demo persons (the rest cascades)."""
    demo_persons = Person.objects.filter(opened_by_organisation__email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
    # Replies first: a note answered is protected while its replies exist (the demo's replies are one level deep).
    bulk_delete(Note.objects.filter(person__in=demo_persons, reply_to__isnull=False))
    for model in (Meeting, Note, Contact, CrisisEpisode):
        bulk_delete(model.objects.filter(person__in=demo_persons))


def generate(territory: DemoTerritory) -> None:
    _Coordination(territory).run()


class _Coordination:
    def __init__(self, territory: DemoTerritory) -> None:
        self.territory = territory
        self.random = territory.random
        self.now = timezone.now()

    def at(self, days_ago: float, hour: int = 10) -> dt.datetime:
        day = timezone.localtime(self.now - dt.timedelta(days=days_ago))
        return day.replace(hour=hour, minute=self.random.choice([0, 15, 30]), second=0, microsecond=0)

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
            Involvement.objects.filter(person_id__in=ids, status=InvolvementStatus.ACTIVE, professional__isnull=False)
            .select_related("organisation", "professional")
            .order_by("pk")
        ):
            team.setdefault(involvement.person_id, []).append(involvement)
        relatives: dict[int, list[Relation]] = {}
        for relation in Relation.objects.filter(person_id__in=ids, ended_on__isnull=True).order_by("pk"):
            relatives.setdefault(relation.person_id, []).append(relation)
        projects = {p.person_id: p for p in Project.objects.filter(person_id__in=ids, status="ACTIVE")}
        objectives: dict[int, Objective] = {}
        for objective in Objective.objects.filter(project__in=projects.values(), status="ACTIVE").order_by("pk"):
            objectives.setdefault(objective.project_id, objective)
        login_person = next((p for p in persons if p.user_id), None)
        chosen, quiet = [], []
        for person in persons:
            referent = next((i for i in team.get(person.pk, []) if i.role == InvolvementRole.REFERENT), None)
            if referent is None:
                continue
            if person is login_person or self.random.random() < SHARE_WITH_COORDINATION:
                chosen.append((person, referent))
            else:
                quiet.append((person, referent))
        self.build(chosen, team, relatives, projects, objectives, login_person)
        self.referent_contacts(quiet)

    def referent_contacts(self, followed) -> None:
        """Files without a coordination thread still see their referent now and then: most had a contact in the
        last weeks; the others stay quiet, as some files do (analytics' abandonment signal finds those)."""
        rnd = self.random
        contacts = [
            Contact(
                person=person,
                professional=referent.professional,
                organisation=referent.organisation,
                kind=rnd.choice(ContactKind.values),
                happened_at=self.at(rnd.uniform(1, 50), rnd.randint(9, 16)),
            )
            for person, referent in followed
            if rnd.random() < REFERENT_CONTACTS
            for _ in range(rnd.randint(1, 3))
        ]
        self.territory.bulk_create(Contact, contacts, desc="referents' contacts")

    def build(self, chosen, team, relatives, projects, objectives, login_person) -> None:
        rnd = self.random
        notes, replies, contacts, crises, meetings = [], [], [], [], []
        for index, (person, referent) in enumerate(chosen):
            is_login = person is login_person
            involved = team[person.pk]
            for n in range(rnd.randint(2, 4)):
                author = rnd.choice(involved)
                note = Note(
                    public_id=self.territory.public_id(),
                    person=person,
                    author=author.professional,
                    author_organisation=author.organisation,
                    category=Category.COORDINATION,
                    body=rnd.choice(NOTES),
                    answer_by=(self.now + dt.timedelta(days=5)).date()
                    if n == 0 and (is_login or index % 3 == 0)
                    else None,
                    updated_by=author.professional,
                )
                notes.append(note)
                if rnd.random() < 0.4:
                    other = rnd.choice(involved)
                    replies.append((note, other))
            if person.user_id and (is_login or rnd.random() < 0.5):
                notes.append(
                    Note(
                        public_id=self.territory.public_id(),
                        person=person,
                        author=person.user,
                        by_person=True,
                        category=Category.COORDINATION,
                        body=rnd.choice(PERSON_NOTES),
                        updated_by=person.user,
                    )
                )
            for _ in range(rnd.randint(2, 6)):
                who = rnd.choice(involved)
                contacts.append(
                    Contact(
                        person=person,
                        professional=who.professional,
                        organisation=who.organisation,
                        kind=rnd.choice(ContactKind.values),
                        happened_at=self.at(rnd.uniform(1, 90), rnd.randint(9, 16)),
                    )
                )
            if is_login or index % 7 == 3:
                started = self.at(rnd.randint(20, 60))
                crises.append(
                    CrisisEpisode(
                        public_id=self.territory.public_id(),
                        person=person,
                        kind=rnd.choice(CrisisKind.values),
                        started_at=started,
                        ended_at=None if index % 14 == 10 else started + dt.timedelta(days=rnd.randint(3, 12)),
                        opened_by=referent.professional,
                        organisation=referent.organisation,
                        updated_by=referent.professional,
                    )
                )
            family = relatives.get(person.pk, [])
            held = Meeting(
                public_id=self.territory.public_id(),
                person=person,
                convened_by=referent.professional,
                organisation=referent.organisation,
                purpose=rnd.choice(PURPOSES),
                agenda="Tour de table\nCe que la personne souhaite\nQui fait quoi",
                starts_at=self.at(rnd.randint(10, 40), 14),
                place=f"{referent.organisation.name}, salle de réunion",
                status=MeetingStatus.HELD,
                minutes="Chacun a présenté son intervention ; la personne a dit ce qu'elle souhaite.",
                person_said=rnd.choice(SAID),
                updated_by=referent.professional,
            )
            planned = Meeting(
                public_id=self.territory.public_id(),
                person=person,
                convened_by=referent.professional,
                organisation=referent.organisation,
                purpose=rnd.choice(PURPOSES),
                agenda="Suivi des décisions de la dernière réunion",
                starts_at=self.at(-rnd.randint(3, 30), 10),
                time_zone="Europe/Brussels",
                video_url="https://visio.example.org/concertation" if rnd.random() < 0.3 else "",
                place="" if rnd.random() < 0.3 else f"{referent.organisation.name}",
                updated_by=referent.professional,
            )
            if not planned.place and not planned.video_url:
                planned.place = referent.organisation.name
            meetings.append((held, planned, involved, family, person, referent))

        self.territory.bulk_create(Note, notes, desc="coordination notes")
        self.territory.bulk_create(
            Note,
            [
                Note(
                    public_id=self.territory.public_id(),
                    person=note.person,
                    author=other.professional,
                    author_organisation=other.organisation,
                    category=note.category,
                    body=rnd.choice(REPLIES),
                    reply_to=note,
                    updated_by=other.professional,
                )
                for note, other in replies
            ],
            desc="coordination replies",
        )
        self.territory.bulk_create(Contact, contacts, desc="contacts")
        self.territory.bulk_create(CrisisEpisode, crises, desc="crisis episodes")
        all_meetings = [m for held, planned, *_ in meetings for m in (held, planned)]
        self.territory.bulk_create(Meeting, all_meetings, desc="concertation meetings")

        participants, decisions, actions, events, linked = [], [], [], [], []
        for held, planned, involved, family, person, referent in meetings:
            Meeting.objects.filter(pk=held.pk).update(next_meeting=planned)
            for meeting in (held, planned):
                for involvement in involved[:4]:
                    participants.append(
                        Participant(
                            public_id=self.territory.public_id(),
                            meeting=meeting,
                            kind=ParticipantKind.PROFESSIONAL,
                            user=involvement.professional,
                            organisation=involvement.organisation,
                            name=involvement.professional.get_full_name(),
                            email=involvement.professional.email,
                            attendance=rnd.choice([Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSED])
                            if meeting is held
                            else Attendance.UNKNOWN,
                        )
                    )
                participants.append(
                    Participant(
                        public_id=self.territory.public_id(),
                        meeting=meeting,
                        kind=ParticipantKind.PERSON,
                        user=person.user,
                        attendance=Attendance.PRESENT if meeting is held else Attendance.UNKNOWN,
                    )
                )
                if family:
                    relative = family[0]
                    participants.append(
                        Participant(
                            public_id=self.territory.public_id(),
                            meeting=meeting,
                            kind=ParticipantKind.RELATIVE,
                            relation=relative,
                            name=relative.name,
                            email=relative.email,
                            attendance=Attendance.PRESENT if meeting is held else Attendance.UNKNOWN,
                        )
                    )
            project = projects.get(person.pk)
            objective = objectives.get(project.pk) if project else None
            for rank, text in enumerate(rnd.sample(DECISIONS, 2)):
                decision = Decision(
                    meeting=held, text=text, responsible=referent.organisation, recorded_at=held.starts_at
                )
                decisions.append(decision)
                if objective is not None and rank == 0:
                    action = ProjectAction(
                        public_id=self.territory.public_id(),
                        project=project,
                        objective=objective,
                        person=person,
                        carrier=Carrier.ORGANISATION,
                        involvement=referent,
                        organisation=referent.organisation,
                        what=text,
                        means="Décidé en réunion de concertation.",
                        status=ActionStatus.PLANNED,
                        position=50,
                        updated_by=referent.professional,
                    )
                    actions.append(action)
                    linked.append((decision, action))
                    project.version += 1
                    events.append(
                        ProjectEvent(
                            project=project,
                            person=person,
                            kind=EventKind.ACTION_ADDED,
                            summary=f"{referent.organisation.name}: {text}"[:200],
                            at=held.starts_at + dt.timedelta(hours=2),
                            actor=referent.professional,
                            organisation=referent.organisation,
                            objective=objective,
                            project_version=project.version,
                        )
                    )
        self.territory.bulk_create(Participant, participants, desc="meeting participants")
        self.territory.bulk_create(ProjectAction, actions, desc="actions decided in meetings")
        for decision, action in linked:
            decision.action_id = action.pk
        self.territory.bulk_create(Decision, decisions, desc="meeting decisions")
        self.territory.bulk_create(ProjectEvent, events, desc="project timeline (meetings)")
        for project in {a.project_id: a.project for a in actions}.values():
            Project.objects.filter(pk=project.pk).update(version=project.version)
