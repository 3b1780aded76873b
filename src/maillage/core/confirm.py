"""Confirm what destroys: a destructive POST without the confirmation answers the page that asks for it.

The page re-posts the same fields with `confirmed=yes`, so it works without JavaScript, and a POST that skips
the question (a script, a stale button) is never carried out unconfirmed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
_NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def confirmation(
    request: HttpRequest, *, question: str, consequence: str, action: str, cancel_url: str
) -> HttpResponse | None:
    """None when the POST carries the confirmation; otherwise the page that asks for it."""
    if request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes":
        return None
    fields = [(k, v) for k, values in request.POST.lists() if k not in _NOT_REPOSTED for v in values]
    context = {
        "question": question,
        "consequence": consequence,
        "action": action,
        "cancel_url": cancel_url,
        "fields": fields,
        "confirm_field": CONFIRM_FIELD,
    }
    return render(request, "core/confirm.html", context)
