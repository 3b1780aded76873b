"""The dashboard's cards: each app contributes the work it knows about, core only lays the cards out.

Core cannot import the apps above it (people, directory, ...) without a cycle, so each app registers a
*provider* in its `AppConfig.ready` (`register(cards)`); a provider takes the actor and returns the cards that
fit their role, or none. A card carries counts, a few rows with links and an empty state that says what to do.
A provider that shows persons lists them through the door (`persons_visible_to` + `audit_list`), names only
where the door shares the identity.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from maillage.accounts.actors import Actor

type Text = str | Promise


@dataclass(frozen=True)
class Row:
    """One line of a card: what, a link to act on it, and when (a date or a moment, shown in the locale)."""

    label: Text
    url: str = ""
    when: dt.date | dt.datetime | None = None
    when_label: Text = ""
    detail: Text = ""

    @property
    def with_time(self) -> bool:
        return isinstance(self.when, dt.datetime)


@dataclass(frozen=True)
class Card:
    """A block of work. `order` places it (smaller first); `key` names it in the page (its heading's id)."""

    key: str
    title: Text
    order: int
    count: int | None = None
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    more_label: Text = ""
    empty: Text = ""
    urgent: bool = False


type Provider = Callable[[Actor], Iterable[Card]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider of cards (from an AppConfig.ready); registering the same one twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def cards_for(actor: Actor) -> list[Card]:
    """Every registered provider's cards for `actor`, in their order."""
    cards = [card for provider in _providers for card in provider(actor)]
    return sorted(cards, key=lambda card: (card.order, card.key))
