"""Saved searches and their e-mail alerts: a professional keeps a directory search and is told when a new
service matches it or the capacity shown for one of its matches changes.

A saved search holds search words and filters only (no person data). Its `known` snapshot maps each match's
public id to the capacity the public sees (`public_capacity`: a capacity past its freshness limit counts as
undeclared), so an alert compares like with like. Reads here; writes are `saved_search_*`.
"""

import secrets
from dataclasses import asdict, fields, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.actors import Actor
from maillage.directory.models import SavedSearch, Service
from maillage.directory.search import MAX_PAGE_SIZE, ServiceQuery, clean, search_services

# What a saved search keeps of a query: not the page, the order, the moment nor "open now" (an alert is not sent
# at a chosen hour).
KEPT = {f.name for f in fields(ServiceQuery)} - {"page", "page_size", "at", "sort", "open_now"}
MAX_MATCHES = 1000  # an alert is about a search narrow enough to read; beyond, the newest changes are missed
MAX_PER_USER = 50


def saved_query(query: ServiceQuery) -> dict:
    """The query's kept fields, cleaned, without the empty ones."""
    kept = asdict(clean(query)).items()
    return {name: value for name, value in kept if name in KEPT and value not in ("", None, False)}


def query_of(saved: SavedSearch) -> ServiceQuery:
    data = saved.query if isinstance(saved.query, dict) else {}
    return clean(ServiceQuery(**{name: value for name, value in data.items() if name in KEPT}))


def public_capacity(service: Service) -> str:
    return service.capacity_status if service.capacity_is_fresh or service.capacity_status != "AVAILABLE" else ""


def matches(query: ServiceQuery) -> dict[str, Service]:
    """Every service the query finds (up to `MAX_MATCHES`), by public id."""
    found: dict[str, Service] = {}
    page = 1
    while len(found) < MAX_MATCHES:
        results = search_services(replace(query, page=page, page_size=MAX_PAGE_SIZE))
        found.update({str(hit.service.public_id): hit.service for hit in results.hits})
        if not results.has_next:
            break
        page += 1
    return found


def snapshot(found: dict[str, Service]) -> dict[str, str]:
    return {public_id: public_capacity(service) for public_id, service in found.items()}


def changes(saved: SavedSearch) -> tuple[list[Service], list[Service], dict[str, str]]:
    """(new matches, matches whose capacity changed, the new snapshot) since the last alert."""
    found = matches(query_of(saved))
    now = snapshot(found)
    known = saved.known if isinstance(saved.known, dict) else {}
    new = [found[i] for i in now if i not in known]
    changed = [found[i] for i in now if i in known and known[i] != now[i]]
    return new, changed, now


@transaction.atomic
def saved_search_create(actor: Actor, *, name: str, query: ServiceQuery) -> SavedSearch:
    """Keep the actor's search; what it finds now is known (the first alert is about what comes next)."""
    if not actor.is_authenticated or actor.organisation is None:
        raise PermissionDenied(_("Saved searches are for the members of an organisation."))
    if SavedSearch.objects.filter(user=actor.user).count() >= MAX_PER_USER:
        raise ValidationError(_("You already keep %(count)s searches: delete one first.") % {"count": MAX_PER_USER})
    kept = saved_query(query)
    return SavedSearch.objects.create(
        user=actor.user,
        name=name.strip()[:120],
        query=kept,
        known=snapshot(matches(query_of(SavedSearch(query=kept)))),
        unsubscribe_token=secrets.token_urlsafe(32),
    )


@transaction.atomic
def saved_search_delete(actor: Actor, *, saved_search: SavedSearch) -> None:
    if saved_search.user_id != actor.user.pk:
        raise PermissionDenied
    saved_search.delete()


@transaction.atomic
def saved_search_unsubscribe(*, token: str) -> SavedSearch | None:
    """Stop the alerts of the saved search with this token (the link in each alert); None if there is none."""
    saved = SavedSearch.objects.select_for_update().filter(unsubscribe_token=token).first() if token else None
    if saved is not None and saved.alerts:
        saved.alerts = False
        saved.save(update_fields=["alerts"])
    return saved


def saved_search_record(saved: SavedSearch, *, known: dict[str, str]) -> None:
    """After an alert: what it said is now known."""
    SavedSearch.objects.filter(pk=saved.pk).update(known=known, last_alerted_at=timezone.now())
