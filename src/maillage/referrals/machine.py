"""The referral's state machine: the one table of legal moves and who may make each.

The rules, in plain words:

1. A referral moves only along `MOVES`: (from, to) → the sides that may make that move. Anything else is
   an `IllegalTransition`, which the pages and the API answer with 409 and its message.
2. The sender (a professional of the sending organisation) sends a draft, and cancels (with a reason) while
   the referral is not closed and no first contact was made.
3. The receiver (a professional of the receiving organisation) marks it received, accepts, declines (with
   a reason), puts it on its waiting list, records the first contact, then completes it with an outcome.
4. The person refuses a referral that is not yet taken up (it becomes CANCELLED, by the person).
5. Maillage itself expires a referral left unanswered too long, and makes obsolete the person's other
   pending referrals for the same need once one is accepted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from maillage.referrals.enums import Party, ReferralStatus

S = ReferralStatus

MOVES: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SENT): frozenset({Party.SENDER}),
    (S.DRAFT, S.CANCELLED): frozenset({Party.SENDER, Party.PERSON}),
    (S.SENT, S.RECEIVED): frozenset({Party.RECEIVER, Party.SYSTEM}),
    (S.SENT, S.ACCEPTED): frozenset({Party.RECEIVER}),
    (S.RECEIVED, S.ACCEPTED): frozenset({Party.RECEIVER}),
    (S.WAITING_LIST, S.ACCEPTED): frozenset({Party.RECEIVER}),
    (S.SENT, S.DECLINED): frozenset({Party.RECEIVER}),
    (S.RECEIVED, S.DECLINED): frozenset({Party.RECEIVER}),
    (S.WAITING_LIST, S.DECLINED): frozenset({Party.RECEIVER}),
    (S.SENT, S.WAITING_LIST): frozenset({Party.RECEIVER}),
    (S.RECEIVED, S.WAITING_LIST): frozenset({Party.RECEIVER}),
    (S.ACCEPTED, S.FIRST_CONTACT_DONE): frozenset({Party.RECEIVER}),
    (S.FIRST_CONTACT_DONE, S.COMPLETED): frozenset({Party.RECEIVER}),
    (S.SENT, S.CANCELLED): frozenset({Party.SENDER, Party.PERSON}),
    (S.RECEIVED, S.CANCELLED): frozenset({Party.SENDER, Party.PERSON}),
    (S.WAITING_LIST, S.CANCELLED): frozenset({Party.SENDER, Party.PERSON}),
    (S.ACCEPTED, S.CANCELLED): frozenset({Party.SENDER, Party.PERSON}),
    (S.SENT, S.EXPIRED): frozenset({Party.SYSTEM}),
    (S.RECEIVED, S.EXPIRED): frozenset({Party.SYSTEM}),
    (S.WAITING_LIST, S.EXPIRED): frozenset({Party.SYSTEM}),
    (S.SENT, S.OBSOLETE): frozenset({Party.SYSTEM}),
    (S.RECEIVED, S.OBSOLETE): frozenset({Party.SYSTEM}),
    (S.WAITING_LIST, S.OBSOLETE): frozenset({Party.SYSTEM}),
}

# FHIR R4B Task.status for each status (the business status is the status itself).
FHIR_TASK_STATUS: dict[str, str] = {
    S.DRAFT: "draft",
    S.SENT: "requested",
    S.RECEIVED: "received",
    S.ACCEPTED: "accepted",
    S.DECLINED: "rejected",
    S.WAITING_LIST: "on-hold",
    S.FIRST_CONTACT_DONE: "in-progress",
    S.COMPLETED: "completed",
    S.CANCELLED: "cancelled",
    S.EXPIRED: "failed",
    S.OBSOLETE: "cancelled",
}


class IllegalTransition(Exception):
    """A move the table does not allow, or not to this side: answered 409 with `message`."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def allowed_moves(status: str, parties: set[str] | frozenset[str]) -> list[str]:
    """The statuses these sides may move a referral in `status` to (for the pages' buttons)."""
    return [to for (frm, to), who in MOVES.items() if frm == status and who & set(parties)]


def check_move(status: str, to: str, parties: set[str] | frozenset[str]) -> str:
    """The side (one of `parties`) that makes the move `status` → `to`; `IllegalTransition` otherwise."""
    who = MOVES.get((str(status), str(to)))
    if who is None:
        raise IllegalTransition(
            _("A referral that is “%(from)s” cannot become “%(to)s”.") % {"from": S(status).label, "to": S(to).label}
        )
    for party in (Party.SYSTEM, Party.RECEIVER, Party.SENDER, Party.PERSON):
        if party in who and party in parties:
            return party
    raise IllegalTransition(
        _("Only %(who)s may make a referral “%(to)s”.")
        % {"who": _(" or ").join(str(Party(p).label) for p in sorted(who)), "to": S(to).label}
    )
