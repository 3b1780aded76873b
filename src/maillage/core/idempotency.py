"""No double submissions: a create runs once per one-time key, and a replay answers the first result.

The rules, in plain words (ADR 5):

1. Every page form that writes carries a one-time `form_token` (`maillage.core.forms.GuardedForm`); every
   API create carries an `Idempotency-Key` header. The key is claimed in the database (`Submission`,
   unique per scope) before the write, so it holds across processes and servers.
2. Keys are scoped to the user (forms) or to the API token (or the session's user): one client's key
   never answers another's request.
3. A replay of the same request answers the first result (the page it led to, the API's first status
   and body) and writes nothing. The same key with a different request is refused (API: 422); on a page,
   the form is shown again with what was typed and a fresh token, so that nothing is lost.
4. While the first request is still running, a replay waits briefly for it, then is told to try again
   later (API: 409).
5. If the write fails (invalid, stale, refused), the key is released: correcting and sending again works.
6. Keys expire after `SUBMISSION_HOURS` (24 by default); a stored answer that names a person is erased
   with the person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import P, Schema
from ninja.params import HeaderEx
from ninja.responses import Status

from maillage.core.models import Submission

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_HELP = (
    "Required: a unique key per create (a UUID, say). Sending the same request again with the same key "
    "answers the first result and creates nothing (`Idempotent-Replayed: true`); the same key with a "
    "different request is refused (422). Keys are yours alone (per token) and expire after 24 hours."
)
# The header parameter of an API create: `idempotency_key: IdempotencyKey`.
IdempotencyKey = HeaderEx[str, P(alias=IDEMPOTENCY_HEADER, min_length=1, max_length=255, description=IDEMPOTENCY_HELP)]

# A replay that finds the first request still running waits this long for its answer.
WAIT_SECONDS = 3.0
WAIT_STEP = 0.1


class RequestInProgress(Exception):
    """The first request with this key is still running: the API answers 409, to retry a moment later."""

    def __init__(self) -> None:
        super().__init__(_("A request with this Idempotency-Key is still being processed: retry in a moment."))


@dataclass(frozen=True)
class Previous:
    """The key was used before: by the same request or not, and whether its answer is known yet."""

    submission: Submission
    same_request: bool

    @property
    def done(self) -> bool:
        return self.submission.done


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the request's parts, serialised canonically (sorted keys)."""
    text = json.dumps(parts, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def submission_claim(*, scope: str, key: str, fingerprint: str) -> Submission | Previous:
    """Claim `key` for this request: a new `Submission` to complete or release, or the `Previous` use of it."""
    now = timezone.now()
    hours = getattr(settings, "SUBMISSION_HOURS", 24)
    Submission.objects.filter(created_at__lt=now - dt.timedelta(hours=hours)).delete()
    try:
        with transaction.atomic():
            return Submission.objects.create(scope=scope, key=key, fingerprint=fingerprint, created_at=now)
    except IntegrityError:
        previous = Submission.objects.get(scope=scope, key=key)
        return Previous(previous, same_request=previous.fingerprint == fingerprint)


def submission_wait(previous: Previous) -> Previous:
    """Wait a little for a first request still running (a double click), and return what it answered."""
    deadline = time.monotonic() + WAIT_SECONDS
    submission = previous.submission
    while not submission.done and time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        submission = Submission.objects.filter(pk=submission.pk).first()
        if submission is None:  # the first request failed and released the key
            break
    if submission is None:
        return previous
    return Previous(submission, same_request=previous.same_request)


def submission_complete(
    submission: Submission,
    *,
    result_url: str = "",
    status_code: int | None = None,
    response: Any = None,
    subject_id: int | None = None,
) -> None:
    """Keep the first result, for the replays."""
    submission.done = True
    submission.result_url = result_url
    submission.status_code = status_code
    submission.response = response
    submission.subject_id = subject_id
    submission.save(update_fields=["done", "result_url", "status_code", "response", "subject_id"])


def submission_release(submission: Submission) -> None:
    """The write failed: free the key so that the corrected request can use it."""
    Submission.objects.filter(pk=submission.pk, done=False).delete()


def api_create_once(
    request: HttpRequest,
    response: HttpResponse,
    *,
    key: str,
    payload: Schema,
    create: Callable[[], Schema],
    status: int = 201,
    subject_id: int | None = None,
) -> Status:
    """Run an API create once per `Idempotency-Key` of the caller's token (or session user).

    `create` returns the created object's output schema; `subject_id` is the person it belongs to.
    """
    token = getattr(request, "api_token", None)
    scope = f"api:token:{token.pk}" if token is not None else f"api:user:{request.user.pk}"
    request_print = fingerprint(request.method, request.path, payload.model_dump(mode="json"))
    claim = submission_claim(scope=scope, key=key, fingerprint=request_print)
    if isinstance(claim, Previous):
        if not claim.same_request:
            raise ValidationError({IDEMPOTENCY_HEADER: _("This key was already used for a different request.")})
        previous = claim if claim.done else submission_wait(claim)
        if not previous.done:
            raise RequestInProgress
        response["Idempotent-Replayed"] = "true"
        return Status(previous.submission.status_code, previous.submission.response)
    try:
        value = create()
    except BaseException:
        submission_release(claim)
        raise
    submission_complete(claim, status_code=status, response=value.model_dump(mode="json"), subject_id=subject_id)
    return Status(status, value)
