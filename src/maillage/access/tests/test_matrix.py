"""The authorisation matrix, against the door functions: every cell of the table in matrix.py.

One database situation per (actor kind, basis state, basis kind, involvement state); every category is
checked in it (actor kind x category x basis state x involvement state, and the basis kind).
Then the secondary network (door rule 8): each actor kind x each change (end, change, propose to end,
answer, add with and without the person's recorded agreement, change the referent), through the services.
"""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from maillage.access import door
from maillage.access.enums import Action, Category, Outcome
from maillage.access.models import AccessEvent
from maillage.access.tests.matrix import (
    NetworkCase,
    NetworkOutcome,
    NetworkSituation,
    NetworkWrite,
    build,
    build_network,
    exists_expected,
    expected,
    network_cases,
    network_expected,
    situations,
)
from maillage.people import services
from maillage.people.enums import InvolvementEndReason, PersonAgreement
from maillage.people.models import InvolvementEndProposal

pytestmark = pytest.mark.django_db

SITUATIONS = situations()


@pytest.mark.parametrize("situation_case", SITUATIONS, ids=[c.id.replace("/identity", "") for c in SITUATIONS])
def test_door(situation_case):
    situation = build(situation_case)
    actor, person = situation.actor, situation.person
    assert (person in door.persons_visible_to(actor)) is exists_expected(situation_case)
    visible = door.categories_for(actor, person)
    for category in Category:
        case = dataclasses.replace(situation_case, category=category)
        allowed = expected(case)
        assert door.decide(actor, person, Action.VIEW, category).allowed is allowed, case.id
        assert (category in visible) is allowed, case.id
        purpose = f"matrix-{category}"
        if allowed:
            assert door.person_for(actor, person.public_id, category=category, purpose=purpose) == person
        else:
            with pytest.raises(Http404):
                door.person_for(actor, person.public_id, category=category, purpose=purpose)
        event = AccessEvent.objects.get(person_id=person.pk, purpose=purpose)
        assert (event.actor_id, event.category) == (situation.user.pk, category), case.id
        assert event.outcome == (Outcome.ALLOWED if allowed else Outcome.DENIED), case.id


# --- the secondary network (door rule 8), against the services that every page and the API call ------------

NETWORK_CASES = network_cases()


def _network_write(case: NetworkCase, situation: NetworkSituation) -> None:
    actor, target = situation.actor, situation.target
    if case.write == NetworkWrite.END:
        services.involvement_end(
            actor, involvement=target, reason=InvolvementEndReason.OBJECTIVES_MET, purpose=PURPOSE
        )
    elif case.write == NetworkWrite.EDIT:
        services.involvement_update(actor, involvement=target, life_domains=[], purpose=PURPOSE)
    elif case.write == NetworkWrite.PROPOSE_END:
        services.involvement_end_propose(
            actor,
            involvement=target,
            reason=InvolvementEndReason.OBJECTIVES_MET,
            detail="Objectifs atteints",
            purpose=PURPOSE,
        )
    elif case.write == NetworkWrite.ANSWER_END:
        proposal = InvolvementEndProposal.objects.create(
            involvement=target, person=situation.person, reason=InvolvementEndReason.OBJECTIVES_MET, detail="Fin ?"
        )
        services.involvement_end_answer(actor, proposal=proposal, agree=False, comment="Pas encore", purpose=PURPOSE)
    elif case.write == NetworkWrite.CHANGE_REFERENT:
        services.referent_change(
            actor, person=situation.person, to_involvement=target, reason="Choisi", purpose=PURPOSE
        )
    else:
        agreement = PersonAgreement.ORALLY if case.write == NetworkWrite.ADD else ""
        services.involvement_start(
            actor, person=situation.person, organisation=situation.newcomer, agreement=agreement, purpose=PURPOSE
        )


PURPOSE = "matrix-network"


@pytest.mark.parametrize("case", NETWORK_CASES, ids=[c.id for c in NETWORK_CASES])
def test_network_change(case, django_capture_on_commit_callbacks):
    situation = build_network(case)
    expected_outcome = network_expected(case)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _network_write(case, situation)
    except PermissionDenied as error:
        outcome, message = NetworkOutcome.REFUSED, str(error)
    except ValidationError as error:
        outcome, message = NetworkOutcome.INVALID, " ".join(error.messages)
    except Http404:
        outcome, message = NetworkOutcome.HIDDEN, ""
    else:
        outcome, message = NetworkOutcome.ALLOWED, ""
    assert outcome == expected_outcome, case.id
    if outcome in (NetworkOutcome.REFUSED, NetworkOutcome.INVALID):
        assert len(message) > 30, message  # a clear sentence, not a code
    decision = AccessEvent.objects.filter(person_id=situation.person.pk, purpose=PURPOSE, action=Action.SHARE).first()
    assert decision is not None, case.id  # the door's decision is audited, allowed or denied
    assert decision.outcome == (
        Outcome.DENIED if outcome in (NetworkOutcome.REFUSED, NetworkOutcome.HIDDEN) else Outcome.ALLOWED
    )
    target = InvolvementEndProposal.objects.filter(involvement=situation.target)
    situation.target.refresh_from_db()
    if case.write == NetworkWrite.END:
        assert situation.target.is_active is (outcome != NetworkOutcome.ALLOWED)
    elif case.write == NetworkWrite.PROPOSE_END:
        assert target.filter(status="PENDING").exists() is (outcome == NetworkOutcome.ALLOWED)
        assert situation.target.is_active  # a proposal ends nothing
    elif case.write == NetworkWrite.ANSWER_END:
        assert target.get().status == ("OBJECTED" if outcome == NetworkOutcome.ALLOWED else "PENDING")
    elif case.write == NetworkWrite.CHANGE_REFERENT:
        assert (situation.target.role == "REFERENT") is (outcome == NetworkOutcome.ALLOWED)
    elif case.write in (NetworkWrite.ADD, NetworkWrite.ADD_WITHOUT_AGREEMENT):
        added = situation.person.involvements.filter(organisation=situation.newcomer).first()
        assert (added is not None) is (outcome == NetworkOutcome.ALLOWED)
        if added is not None:
            assert added.agreement in (PersonAgreement.ORALLY, PersonAgreement.IN_OWN_SPACE)
