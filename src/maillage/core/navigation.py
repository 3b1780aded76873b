"""What each kind of user is offered: the main navigation.

Links are named by URL name and only shown when that name resolves, so that the shell keeps working
while the apps behind the links are still being built (a link appears as soon as its view exists).
Whether a user may actually open a page is decided by that page's view, never here.
"""

from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.accounts.actors import Actor


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str
    current: bool = False


@dataclass(frozen=True)
class _Entry:
    url_name: str
    label: Promise


def optional_url(url_name: str, *args: object) -> str | None:
    """The URL of `url_name`, or None when no such view is installed (yet)."""
    try:
        return reverse(url_name, args=args or None)
    except NoReverseMatch:
        return None


def _links(entries: list[_Entry]) -> list[Link]:
    links: list[Link] = []
    seen: set[str] = set()
    for entry in entries:
        url = optional_url(entry.url_name)
        if url is not None and url not in seen:
            seen.add(url)
            links.append(Link(label=entry.label, url=url))
    return links


DASHBOARD = _Entry("core:home", _("Dashboard"))
DIRECTORY = _Entry("directory:search", _("Directory"))
PERSONS = _Entry("people:person_list", _("Persons"))
MEMBERS = _Entry("accounts:members", _("Members"))
ORGANISATION = _Entry("accounts:organisation_detail", _("My organisation"))
SERVICES = _Entry("directory:manage", _("Our services"))
VALIDATION = _Entry("directory:pending", _("Organisations to validate"))
BREAK_GLASS_WEEK = _Entry("access:break_glass_week", _("Emergency accesses"))
API_TOKENS = _Entry("accounts:tokens", _("API tokens"))
ADMIN = _Entry("admin:index", _("Administration"))
MY_SPACE = _Entry("people:space_home", _("My space"))
REGISTER = _Entry("people:processing_register", _("Record of processing"))
NETWORK = _Entry("governance:network_list", _("The network"))
ANALYTICS = _Entry("analytics:home", _("Network analytics"))


def _entries_for(actor: Actor) -> list[_Entry]:
    if not actor.is_authenticated:
        return [DIRECTORY]
    if actor.is_person:
        return [DASHBOARD, MY_SPACE, DIRECTORY]
    entries = [DASHBOARD, DIRECTORY]
    if actor.is_professional:
        entries.append(PERSONS)
    if actor.membership is not None:
        entries += [SERVICES, ORGANISATION, NETWORK]
    if actor.is_organisation_admin:
        entries.append(MEMBERS)
    if actor.is_network_coordinator or actor.is_organisation_admin:
        entries.append(ANALYTICS)
    if actor.is_network_coordinator or actor.is_platform_staff:
        entries += [VALIDATION, BREAK_GLASS_WEEK]
    if actor.is_organisation_admin or actor.is_network_coordinator or actor.is_platform_staff:
        entries.append(REGISTER)
    if actor.membership is not None:
        entries.append(API_TOKENS)
    if actor.is_platform_staff:
        entries.append(ADMIN)
    return entries


def navigation_for(actor: Actor, path: str = "") -> list[Link]:
    """The main navigation of `actor`: only links whose view exists; the one holding `path` is current."""
    links = _links(_entries_for(actor))
    current = max((link.url for link in links if _holds(link.url, path)), key=len, default=None)
    return [replace(link, current=True) if link.url == current else link for link in links]


def _holds(url: str, path: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def role_label(actor: Actor) -> str | Promise:
    """How the header names what the user is acting as."""
    if actor.is_person:
        return _("Your own space")
    if actor.membership is not None:
        return actor.membership.get_role_display()
    if actor.is_platform_staff:
        return _("Platform staff")
    return ""
