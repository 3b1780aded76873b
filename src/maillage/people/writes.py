"""The one write of the person pages that the domain services do not cover: the own-space login.

Checked at the door, atomic and audited through `people.services.person_link_user`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maillage.access import audit
from maillage.access.door import require
from maillage.access.enums import Action, Category, Outcome
from maillage.accounts.enums import UserKind
from maillage.accounts.models import User
from maillage.people import invitations, purposes
from maillage.people.models import Person
from maillage.people.services import person_link_user


def space_invite(actor: Any, *, person: Person) -> User:
    """Create (or reset) the person's own login; the caller sends the link or prints the code.

    Who may: the referent (the view checks it; the door checks the involvement). Resetting the login to
    a fresh unusable password voids every earlier link and code.
    """
    with transaction.atomic():
        user = person.user
        if user is None:
            email = (person.email or "").lower()
            if not email or User.objects.filter(email__iexact=email).exists():
                email = invitations.login_identifier_for_person_without_email(str(person.public_id))
            user = User(
                email=email,
                first_name=person.first_name,
                last_name=person.last_name,
                kind=UserKind.PERSON,
                preferred_language=person.preferred_language,
            )
            user.set_unusable_password()
            user.save()
            person_link_user(actor, person=person, user=user, purpose=purposes.SPACE_INVITE)
        else:
            require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.SPACE_INVITE)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            audit.record(
                actor=actor,
                action=Action.SHARE,
                outcome=Outcome.ALLOWED,
                person=person,
                category=Category.IDENTITY,
                purpose=purposes.SPACE_INVITE,
                extra={"user": user.pk},
            )
    return user
