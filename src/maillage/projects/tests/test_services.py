"""The project's services: the door, the one version guarding the whole project, who changes what, the
person's agreement, reviews, divergent views, and the matrix's gaps, overlaps and shares."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.core.versioning import StaleWrite
from maillage.people.models import Person, Relation
from maillage.projects import selectors, services
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    AgreementHow,
    Carrier,
    EventKind,
    Holder,
    ObjectiveStatus,
    Progress,
    ReviewDecision,
    ReviewStatus,
)
from maillage.projects.models import Project
from maillage.projects.tests.factories import action, objective

pytestmark = pytest.mark.django_db


def person_actor(network):
    user = UserFactory(kind=UserKind.PERSON)
    Person.objects.filter(pk=network.person.pk).update(user=user)
    network.person.user = user
    return actor_for(user)


def relative(network, name="Josiane"):
    return Relation.objects.get(person=network.person, name=name)


class TestDoor:
    def test_a_stranger_cannot_read_or_write(self, network, project):
        stranger = actor_for(network.stranger)
        with pytest.raises(Http404):
            selectors.project_for(stranger, network.person)
        with pytest.raises(Http404):
            objective(stranger, project)
        assert (
            AccessEvent.objects.filter(actor_id=network.stranger.pk, outcome="DENIED", category="PROJECT").count() == 2
        )

    def test_without_the_project_category_shared_nothing_is_written(self, network, referent):
        network.person.consents.update(categories=["IDENTITY"])
        with pytest.raises(Http404):
            services.project_start(referent, person=network.person)
        assert not Project.objects.exists()

    def test_an_involved_professional_reads_and_the_read_is_audited(self, network, partner, project):
        assert selectors.project_for(partner, network.person) == project
        assert AccessEvent.objects.filter(actor_id=network.partner.pk, category="PROJECT", outcome="ALLOWED").exists()

    def test_one_active_project_per_person(self, network, referent, project):
        with pytest.raises(ValidationError):
            services.project_start(referent, person=network.person)


class TestVersionGuard:
    def test_two_professionals_from_the_same_version_one_is_refused_with_what_changed(
        self, network, referent, partner, project
    ):
        goal = objective(referent, project, "Trouver un logement")
        read = project.version
        services.objective_update(referent, objective=goal, version=read, target="Avant l'été")
        other = selectors.objective_of(Project.objects.get(pk=project.pk), goal.public_id)
        with pytest.raises(StaleWrite) as refused:
            services.action_add(partner, objective=other, version=read, what="Accompagner aux visites")
        assert refused.value.current_version == read + 1
        assert [c.label for c in refused.value.changes] == [str(EventKind.OBJECTIVE_CHANGED.label)]
        assert "Trouver un logement" in refused.value.changes[0].now
        assert "Rita Ferrant" in refused.value.headline
        assert not goal.actions.exists()

    def test_a_write_on_another_objective_also_moves_the_project_version(self, referent, partner, project):
        first = objective(referent, project, "Logement")
        second = objective(referent, project, "Santé")
        read = Project.objects.get(pk=project.pk).version
        services.objective_update(referent, objective=first, version=read, target="Un T3")
        with pytest.raises(StaleWrite):
            services.objective_update(partner, objective=second, version=read, target="Un médecin traitant")
        second.refresh_from_db()
        assert second.target == ""

    def test_every_write_leaves_one_timeline_entry_with_the_version_it_produced(self, referent, project):
        goal = objective(referent, project)
        action(referent, goal)
        events = selectors.timeline(Project.objects.get(pk=project.pk))
        assert [e.kind for e in events] == [EventKind.ACTION_ADDED, EventKind.OBJECTIVE_ADDED, EventKind.CREATED]
        assert [e.project_version for e in events] == [3, 2, 1]


class TestObjectivesAndActions:
    def test_empty_words_and_missing_indicator_are_field_errors(self, referent, project):
        with pytest.raises(ValidationError) as error:
            services.objective_add(referent, project=project, own_words="  ", indicator="x")
        assert "own_words" in error.value.error_dict
        with pytest.raises(ValidationError) as error:
            services.objective_add(referent, project=project, own_words="Travailler", indicator="")
        assert "indicator" in error.value.error_dict
        assert not project.objectives.exists()

    def test_an_end_before_the_start_is_refused(self, referent, project):
        goal = objective(referent, project)
        with pytest.raises(ValidationError) as error:
            action(referent, goal, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 1))
        assert "ends_on" in error.value.error_dict

    def test_a_relative_of_someone_else_cannot_carry_an_action(self, network, referent, project):
        goal = objective(referent, project)
        someone_else = Relation.objects.create(
            person=Person.objects.create(first_name="Autre"), name="X", kind="FAMILY"
        )
        with pytest.raises(ValidationError) as error:
            action(referent, goal, carrier=Carrier.RELATION, relation=someone_else)
        assert "relation" in error.value.error_dict

    def test_an_organisation_changes_only_its_own_actions_or_the_referent_does(
        self, network, referent, partner, project
    ):
        goal = objective(referent, project)
        theirs = action(
            partner, goal, "Suivi psychologique", carrier=Carrier.ORGANISATION, involvement=network.partner_involvement
        )
        mine = action(
            referent, goal, "Dossier logement", carrier=Carrier.ORGANISATION, involvement=network.referent_involvement
        )
        # The referent coordinates: they may change the partner's action.
        services.action_update(
            referent, action=theirs, version=Project.objects.get(pk=project.pk).version, frequency="WEEKLY"
        )
        # The partner may not change the referent organisation's action, nor give the partner's work to it.
        with pytest.raises(PermissionDenied):
            services.action_update(
                partner, action=mine, version=Project.objects.get(pk=project.pk).version, what="Autre"
            )
        # But any involved professional changes the person's and the relatives' actions.
        own = action(referent, goal, "Appeler le propriétaire")
        services.action_update(
            partner, action=own, version=Project.objects.get(pk=project.pk).version, means="Téléphone"
        )

    def test_a_non_referent_cannot_put_work_on_another_organisation(self, network, partner, project, referent):
        goal = objective(referent, project)
        with pytest.raises(PermissionDenied):
            action(partner, goal, carrier=Carrier.ORGANISATION, involvement=network.referent_involvement)

    def test_closing_needs_confirmation_and_stops_open_actions(self, referent, project):
        goal = objective(referent, project)
        step = action(referent, goal)
        with pytest.raises(ValidationError):
            services.objective_close(
                referent,
                objective=goal,
                version=Project.objects.get(pk=project.pk).version,
                status=ObjectiveStatus.DROPPED,
            )
        services.objective_close(
            referent,
            objective=goal,
            version=Project.objects.get(pk=project.pk).version,
            status=ObjectiveStatus.DROPPED,
            reason="La personne a déménagé",
            confirmed=True,
        )
        step.refresh_from_db()
        assert step.status == ActionStatus.STOPPED
        with pytest.raises(ValidationError):
            services.objective_update(referent, objective=goal, target="x")


class TestAgreement:
    def propose(self, referent, project):
        objective(referent, project)
        return services.version_propose(referent, project=project, version=Project.objects.get(pk=project.pk).version)

    def test_a_professional_records_paper_or_oral_never_the_own_space(self, network, referent, project):
        proposed = self.propose(referent, project)
        with pytest.raises(ValidationError) as error:
            services.agreement_record(
                referent, project_version=proposed, answer=AgreementAnswer.AGREED, how=AgreementHow.IN_OWN_SPACE
            )
        assert "how" in error.value.error_dict
        services.agreement_record(
            referent,
            project_version=proposed,
            version=Project.objects.get(pk=project.pk).version,
            answer=AgreementAnswer.AGREED,
            how=AgreementHow.ORALLY_IN_MEETING,
        )
        proposed.refresh_from_db()
        assert proposed.answer_recorded_by == network.referent
        assert proposed.answer_recorded_by_organisation == network.referent_org

    def test_the_person_answers_only_in_their_own_space_and_once(self, network, referent, project):
        proposed = self.propose(referent, project)
        me = person_actor(network)
        with pytest.raises(ValidationError):
            services.agreement_record(
                me, project_version=proposed, answer=AgreementAnswer.AGREED, how=AgreementHow.ON_PAPER
            )
        services.agreement_record(
            me,
            project_version=proposed,
            answer=AgreementAnswer.DISAGREED,
            how=AgreementHow.IN_OWN_SPACE,
            comment="Pas d'accord sur le logement",
        )
        proposed.refresh_from_db()
        assert proposed.answer_recorded_by == network.person.user
        assert proposed.answer_recorded_by_organisation is None
        with pytest.raises(ValidationError):
            services.agreement_record(
                referent, project_version=proposed, answer=AgreementAnswer.AGREED, how=AgreementHow.ON_PAPER
            )

    def test_a_version_is_a_snapshot_compared_with_the_previous(self, referent, project):
        first = self.propose(referent, project)
        goal = selectors.objective_of(Project.objects.get(pk=project.pk), first.snapshot["objectives"][0]["id"])
        services.objective_update(
            referent, objective=goal, version=Project.objects.get(pk=project.pk).version, target="Avant l'hiver"
        )
        action(referent, goal, "Remplir la demande")
        objective(referent, project, "Reprendre un travail")
        second = services.version_propose(
            referent, project=project, version=Project.objects.get(pk=project.pk).version
        )
        assert second.number == 2
        previous, current, diff = selectors.compare_with_previous(project, 2)
        assert previous == first and current == second
        kinds = sorted(d.kind for d in diff)
        assert kinds == ["added", "changed"]
        changed = next(d for d in diff if d.kind == "changed")
        assert [c.field for c in changed.changes] == ["target"]
        assert [a.kind for a in changed.actions] == ["added"]


class TestReviewsAndDivergences:
    def test_review_plan_and_record_with_both_ratings_and_a_closing_decision(self, network, referent, project):
        goal = objective(referent, project)
        other = objective(referent, project, "Voir un médecin")
        with pytest.raises(ValidationError) as error:
            services.review_plan(referent, project=project, planned_on=timezone.localdate() - dt.timedelta(days=1))
        assert "planned_on" in error.value.error_dict
        review = services.review_plan(
            referent,
            project=project,
            version=Project.objects.get(pk=project.pk).version,
            planned_on=timezone.localdate(),
            organisations=[network.partner_org],
            relations=[relative(network)],
        )
        entries = [
            services.EntryIn(goal, progress=Progress.LITTLE, person_rating=Progress.GOOD, person_comment="Ça avance"),
            services.EntryIn(
                other, progress=Progress.REACHED, person_rating=Progress.REACHED, decision=ReviewDecision.REACHED
            ),
        ]
        with pytest.raises(ValidationError):
            services.review_record(referent, review=review, held_on=timezone.localdate(), entries=entries)
        with pytest.raises(ValidationError) as error:
            services.review_record(
                referent,
                review=review,
                held_on=timezone.localdate() + dt.timedelta(days=2),
                entries=entries,
                confirmed=True,
            )
        assert "held_on" in error.value.error_dict
        services.review_record(
            referent,
            review=review,
            version=Project.objects.get(pk=project.pk).version,
            held_on=timezone.localdate(),
            entries=entries,
            confirmed=True,
        )
        review.refresh_from_db()
        other.refresh_from_db()
        assert review.status == ReviewStatus.HELD
        assert other.status == ObjectiveStatus.REACHED
        line = review.entries.get(objective=goal)
        assert (line.progress, line.person_rating) == (Progress.LITTLE, Progress.GOOD)

    def test_divergent_views_side_by_side_until_resolved(self, network, referent, partner, project):
        goal = objective(referent, project)
        divergence = services.divergence_open(
            partner, objective=goal, topic="Le rythme", view="Trop rapide pour la personne"
        )
        services.divergence_add_view(
            referent,
            divergence=divergence,
            version=Project.objects.get(pk=project.pk).version,
            view="Urgence du logement",
        )
        services.divergence_add_view(
            referent,
            divergence=divergence,
            version=Project.objects.get(pk=project.pk).version,
            holder=Holder.PERSON,
            view="Je veux aller vite",
        )
        views = list(divergence.views.order_by("pk"))
        assert [v.organisation for v in views] == [network.partner_org, network.referent_org, None]
        assert selectors.objectives_of(Project.objects.get(pk=project.pk))[0].open_divergences == [divergence]
        stranger_like = actor_for(network.partner)
        with pytest.raises(ValidationError):
            services.divergence_resolve(stranger_like, divergence=divergence, resolution="  ")
        services.divergence_resolve(
            referent,
            divergence=divergence,
            version=Project.objects.get(pk=project.pk).version,
            resolution="On avance par étapes",
        )
        assert selectors.objectives_of(Project.objects.get(pk=project.pk))[0].open_divergences == []


class TestMatrix:
    def test_gaps_overlaps_and_shares(self, network, referent, partner, project):
        housing = objective(referent, project, "Logement", life_domain=network.housing)
        health = objective(referent, project, "Santé")
        objective(referent, project, "Travail")  # nobody carries it: a gap
        action(referent, housing, "Visiter des logements")
        action(referent, housing, "Visiter des logements", carrier=Carrier.RELATION, relation=relative(network))
        action(referent, housing, "Dossier", carrier=Carrier.ORGANISATION, involvement=network.referent_involvement)
        action(partner, health, "Consultation", carrier=Carrier.ORGANISATION, involvement=network.partner_involvement)
        done = action(referent, health, "Prendre rendez-vous")
        services.action_end(referent, action=done, version=Project.objects.get(pk=project.pk).version)
        table = selectors.matrix(Project.objects.get(pk=project.pk))
        me = str(Carrier.PERSON.label)
        assert [c.name for c in table.contributors][:2] == [me, "Josiane"]
        assert [o.own_words for o in table.gaps] == ["Travail"]
        assert len(table.overlaps) == 1
        assert sorted(table.overlaps[0].contributors) == sorted(["Josiane", me])
        assert (table.total, table.by_person, table.by_relatives, table.by_organisations) == (4, 1, 1, 2)
        assert (table.person_share, table.relatives_share) == (25, 25)
