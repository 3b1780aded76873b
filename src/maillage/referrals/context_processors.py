"""The header's referral counter: how many referrals sent to the current organisation nobody has opened yet.

A number and a link, no personal data; computed lazily (only pages that render the header pay the one query),
for a professional acting for an organisation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from maillage.accounts.enums import Role
from maillage.referrals.selectors import unopened_count


def _inbox(actor) -> dict | None:
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role != Role.PROFESSIONAL:
        return None
    organisation = membership.organisation
    new = unopened_count(organisation.pk)
    return {"url": reverse("referrals:inbox", kwargs={"organisation_id": organisation.public_id}), "new": new}


def referral_inbox(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"referral_inbox": None}
    return {"referral_inbox": SimpleLazyObject(lambda: _inbox(actor))}
