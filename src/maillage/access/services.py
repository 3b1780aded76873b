"""Break-the-glass: emergency read access to a file, for a limited time, loudly, and within limits.

`break_glass_open` needs a mandatory reason and a professional membership; the grant lasts
`BREAK_GLASS_HOURS` (4 by default); a professional holds at most one open grant per person (a database
constraint) and may ask at most `BREAK_GLASS_DAILY_CAP` times in 24 hours (3 by default); the referent and the
person are alerted by e-mail by a background task after the commit (`tasks.send_break_glass_alerts`, audited
as NOTIFY); the network coordinator sees the week's grants (`selectors.break_glass_week`) and gets a weekly
digest (`tasks.send_break_glass_digest`); the request and every access under the grant are flagged
`break_glass` in the audit.
"""

import datetime as dt
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.access import audit, door
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.access.tasks import send_break_glass_alerts
from maillage.accounts.models import User
from maillage.people.models import Person

CAP_WINDOW = dt.timedelta(hours=24)


def break_glass_hours() -> float:
    return float(getattr(settings, "BREAK_GLASS_HOURS", 4))


def break_glass_daily_cap() -> int:
    return int(getattr(settings, "BREAK_GLASS_DAILY_CAP", 3))


def break_glass_cap_message() -> str:
    cap = break_glass_daily_cap()
    return ngettext(
        "You have reached the limit of %(cap)s emergency access request in 24 hours. "
        "Ask the network coordinator if the emergency goes on.",
        "You have reached the limit of %(cap)s emergency access requests in 24 hours. "
        "Ask the network coordinator if the emergency goes on.",
        cap,
    ) % {"cap": cap}


def break_glass_requests_left(actor: Any, *, now: dt.datetime | None = None) -> int:
    """How many more emergency accesses `actor` may ask for in the coming 24 hours (the same for any file)."""
    user_id = _user_id(actor)
    if user_id is None:
        return 0
    return max(0, break_glass_daily_cap() - _requests_in_window(user_id, now or timezone.now()))


def _find(public_id: UUID | str) -> Person | None:
    try:
        return Person.objects.get(public_id=public_id)
    except (Person.DoesNotExist, ValidationError, ValueError, TypeError):
        return None


def _user_id(actor: Any) -> int | None:
    user = getattr(actor, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _requests_in_window(user_id: int, now: dt.datetime) -> int:
    """The professional's requests in the last 24 hours, whatever their outcome: every request leaves a
    BREAK_GLASS entry in the audit. Closings, and the refusals at the cap itself, do not count."""
    return (
        AccessEvent.objects.filter(actor_id=user_id, action=Action.BREAK_GLASS, created_at__gt=now - CAP_WINDOW)
        .exclude(reason=Reason.DAILY_CAP)
        .exclude(extra__has_key="closed")
        .count()
    )


def break_glass_open(
    actor: Any, *, public_id: UUID | str, reason: str, hours: float | None = None, purpose: str = "break_glass"
) -> BreakGlassGrant | None:
    """Open emergency read access to the person with `public_id` for the actor's current organisation.

    Asking tells no more than a 404 about whether a file exists. The reason and the daily cap are checked
    before the id means anything, so an unknown, an anonymised and an existing file get the same answer; every
    request counts towards the cap whatever its outcome, so the cap also bounds guessing ids. An unknown or
    anonymised file, or an actor who is not a professional of its current organisation, answers `Http404`.
    An empty reason, the cap reached, or a grant of the same professional still open for this person
    (they already see the file) raise `ValidationError`. Returns None, opening nothing, when one of the
    actor's organisations is already involved with the person: they open the file without breaking the glass.
    Each request is audited (BREAK_GLASS, flagged), the refused ones as DENIED with their reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why emergency access is needed.")})
    user_id = _user_id(actor)
    if user_id is None:
        raise Http404
    refusal: Exception | None = None
    grant = None
    with transaction.atomic():
        # One request at a time per professional, so that concurrent requests cannot pass the cap together.
        list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
        now = timezone.now()
        person = _find(public_id)
        if _requests_in_window(user_id, now) >= break_glass_daily_cap():
            _refuse(actor, person, purpose, Reason.DAILY_CAP)
            refusal = ValidationError({"reason": break_glass_cap_message()})
        else:
            decision = door.decide(actor, person, Action.BREAK_GLASS, "")
            if person is None or decision.reason != Reason.BREAK_GLASS:
                _refuse(actor, person, purpose, decision.reason)
                refusal = Http404()
            elif door.decide(actor, person, Action.SHARE, Category.IDENTITY).reason == Reason.INVOLVED:
                _refuse(actor, person, purpose, Reason.INVOLVED)
            else:
                grant, refusal = _grant(actor, person, decision.organisation_id, reason, hours, purpose, now)
    if refusal is not None:
        raise refusal
    return grant


def _refuse(actor: Any, person: Any, purpose: str, reason: str) -> None:
    audit.record(
        actor=actor,
        action=Action.BREAK_GLASS,
        outcome=Outcome.DENIED,
        person=person,
        purpose=purpose,
        reason=reason,
        break_glass=True,
    )


def _grant(
    actor: Any, person: Any, organisation_id: int | None, reason: str, hours: float | None, purpose: str, now
) -> tuple[BreakGlassGrant | None, ValidationError | None]:
    """Open the grant, unless one is still open; a grant that expired is closed at its expiry first."""
    mine = BreakGlassGrant.objects.open().filter(actor=actor.user, person=person)
    mine.filter(expires_at__lte=now).update(closed_at=F("expires_at"))
    current = mine.first()
    if current is not None:
        _refuse(actor, person, purpose, Reason.ALREADY_OPEN)
        until = formats.date_format(timezone.localtime(current.expires_at), "SHORT_DATETIME_FORMAT")
        message = _("You already have an emergency access to this file, until %(until)s.") % {"until": until}
        return None, ValidationError({"reason": message})
    grant = BreakGlassGrant(
        actor=actor.user,
        organisation_id=organisation_id,
        person=person,
        reason=reason,
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
        organisation_id=organisation_id,
        extra={"grant": grant.pk},
    )
    grant_id = grant.pk
    transaction.on_commit(lambda: send_break_glass_alerts.enqueue(grant_id))
    return grant, None


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


CONTROLLER_TOOL_PURPOSE = "data_controller_tool"


def controller_tool_record(command: str, *, action: Action | str, counts: dict[str, int] | None = None) -> None:
    """Record in the audit that a tool of the data controller ran on the server: a management command that reads
    or changes persons' files outside the door (`people anonymize`, `demo`, `audit verify`). No actor (it runs
    under the server's account), no person: the command's name and counts only.
    """
    audit.record(
        action=action,
        outcome=Outcome.ALLOWED,
        purpose=CONTROLLER_TOOL_PURPOSE,
        reason=Reason.CONTROLLER_TOOL,
        extra={"command": command, **(counts or {})},
    )
