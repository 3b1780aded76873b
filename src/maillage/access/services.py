"""Break-the-glass: emergency read access to a file, for a limited time, loudly.

`break_glass_open` needs a mandatory reason and a professional membership; the grant lasts
`BREAK_GLASS_HOURS` (4 by default); the referent and the person are alerted by e-mail by a background task
after the commit (`tasks.send_break_glass_alerts`, audited as NOTIFY);
the opening and every access under the grant are flagged `break_glass` in the audit.
"""

import datetime as dt
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.access import audit, door
from maillage.access.enums import Action, Outcome, Reason
from maillage.access.models import BreakGlassGrant
from maillage.access.tasks import send_break_glass_alerts
from maillage.people.models import Person


def break_glass_hours() -> float:
    return float(getattr(settings, "BREAK_GLASS_HOURS", 4))


def break_glass_open(
    actor: Any, *, public_id: UUID | str, reason: str, hours: float | None = None, purpose: str = "break_glass"
) -> BreakGlassGrant:
    """Open emergency read access to the person with `public_id` for the actor's current organisation.

    Unknown persons answer `Http404`; an empty reason, or an actor who is not a professional, is refused.
    """
    try:
        person = Person.objects.get(public_id=public_id)
    except (Person.DoesNotExist, DjangoValidationError, ValueError, TypeError):
        person = None
    decision = door.decide(actor, person, Action.BREAK_GLASS, "")
    if not decision.allowed or person is None or not (reason or "").strip():
        audit.record(
            actor=actor,
            action=Action.BREAK_GLASS,
            outcome=Outcome.DENIED,
            person=person,
            purpose=purpose,
            reason=decision.reason if not decision.allowed else Reason.NO_BASIS,
            break_glass=True,
        )
        if person is None or not decision.allowed:
            raise Http404
        raise ValidationError({"reason": _("Say why emergency access is needed.")})
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant(
            actor=actor.user,
            organisation_id=decision.organisation_id,
            person=person,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + dt.timedelta(hours=hours or break_glass_hours()),
        )
        grant.full_clean()
        grant.save()
        audit.record(
            actor=actor,
            action=Action.BREAK_GLASS,
            outcome=Outcome.ALLOWED,
            person=person,
            purpose=purpose,
            reason=Reason.BREAK_GLASS,
            break_glass=True,
            organisation_id=decision.organisation_id,
            extra={"grant": grant.pk},
        )
        grant_id = grant.pk
        transaction.on_commit(lambda: send_break_glass_alerts.enqueue(grant_id))
    return grant


def break_glass_close(actor: Any, *, grant: BreakGlassGrant, purpose: str = "break_glass") -> BreakGlassGrant:
    """End an emergency access before it expires (by the professional who opened it)."""
    user = getattr(actor, "user", None)
    if user is None or grant.actor_id != user.pk:
        raise Http404
    with transaction.atomic():
        BreakGlassGrant.objects.filter(pk=grant.pk, closed_at__isnull=True).update(closed_at=timezone.now())
        grant.refresh_from_db()
        audit.record(
            actor=actor,
            action=Action.BREAK_GLASS,
            outcome=Outcome.ALLOWED,
            person=grant.person_id,
            purpose=purpose,
            reason=Reason.BREAK_GLASS,
            break_glass=True,
            organisation_id=grant.organisation_id,
            extra={"grant": grant.pk, "closed": True},
        )
    return grant
