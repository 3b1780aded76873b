"""Reads of referrals, through the door: one referral for the side that asks, an organisation's inbox and outbox.

`referral_for` answers `Http404` for a referral the actor has no side in (unknown and forbidden look the same),
and audits what it shows: the receiver, before it accepts, through the door's rule 13 only.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404

from maillage.access.enums import Action
from maillage.referrals.enums import PENDING_STATUSES, Party, ReferralStatus
from maillage.referrals.models import Referral
from maillage.referrals.services import parties_of, pass_door


def referral_for(actor: Any, public_id: UUID | str, *, purpose: str = "referral_view") -> tuple[Referral, frozenset]:
    """The referral and the sides the actor acts for on it; `Http404` when none (or the door refuses)."""
    try:
        referral = Referral.objects.select_related(
            "person", "life_domain", "sender_organisation", "receiver_organisation", "receiver_service"
        ).get(public_id=public_id)
    except (Referral.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    parties = parties_of(actor, referral) - {Party.SYSTEM}
    if not parties:
        raise Http404
    side = next(p for p in (Party.SENDER, Party.PERSON, Party.RECEIVER) if p in parties)
    pass_door(actor, referral, side, action=Action.VIEW, purpose=purpose)
    return referral, parties


def inbox(organisation_id: int, *, status: str = "") -> QuerySet[Referral]:
    """The referrals sent to the organisation (no drafts), newest first: the summary only, no person."""
    rows = Referral.objects.received_by(organisation_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("life_domain", "sender_organisation").order_by("-sent_at", "-pk")


def outbox(organisation_id: int, *, status: str = "") -> QuerySet[Referral]:
    rows = Referral.objects.sent_by(organisation_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("life_domain", "receiver_organisation").order_by("-sent_at", "-pk")


def counters(rows: QuerySet[Referral]) -> dict[str, int]:
    """{status: count} for an inbox or outbox, every status present (0 when none)."""
    counts = {str(s): 0 for s in ReferralStatus}
    for row in rows.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["pending"] = sum(counts[str(s)] for s in PENDING_STATUSES)
    return counts
