"""Test helpers for guarded forms: post what a browser would, with the page's one-time token and version."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

GUARD_FIELDS = ("form_token", "version")


class _Forms(HTMLParser):
    """The hidden guard fields of each <form>, by its action (None: the page's own address)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str | None, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append((values.get("action"), {}))
        elif tag == "input" and self.forms and values.get("name") in GUARD_FIELDS:
            self.forms[-1][1][values["name"]] = values.get("value") or ""


def guard_fields(html: str, action: str | None = None) -> dict[str, str]:
    """The token (and version) of the form posting to `action` (the page's first form with them, if None)."""
    parser = _Forms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if fields and (action is None or form_action in (action, None)):
            return fields
    raise AssertionError(f"No guarded form posting to {action} on this page")


def post_form(client: Any, url: str, data: dict[str, Any], *, page: str | None = None, **kwargs: Any) -> Any:
    """GET the form's page (`url`, or `page` for a form shown elsewhere), then POST `data` with its guard fields."""
    html = client.get(page or url).content.decode()
    fields = guard_fields(html, url if page else None)
    return client.post(url, {**fields, **data}, **kwargs)
