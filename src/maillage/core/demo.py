"""The demo territory: each app's `demo.py` adds its part, in dependency order.

`manage.py demo` (or `maillage demo`) clears the parts in reverse order, then generates each part in
its own transaction; `manage.py demo_logins` prints the fixed logins below that exist.

An app's demo module exposes `generate(territory: DemoTerritory) -> None` and, when it owns rows
that other parts point to, `clear() -> None` (called in reverse order before regenerating).
Everything is drawn from `territory.random` and `territory.faker`, so one seed gives one territory.
Sizes are parameters so that benchmarks can make the same territory 1000x larger; parts insert in
bulk (`bulk_create` in batches) rather than row by row.
"""

import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from faker import Faker
from faker.providers import BaseProvider
from tqdm import tqdm

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

# Dependency order: each part may use what the previous ones made.
DEMO_PARTS = [
    "maillage.territories.demo",
    "maillage.accounts.demo",
    "maillage.directory.demo",
    "maillage.people.demo",
    "maillage.projects.demo",
    "maillage.coordination.demo",
    "maillage.governance.demo",
    "maillage.referrals.demo",
    "maillage.analytics.demo",
]

DEFAULT_SIZES = {
    "organisations": 60,
    "services": 150,
    "persons": 200,
}
BATCH_SIZE = 1000

# One password for every demo login, printed by `demo_logins`: the demo is public by nature.
DEMO_PASSWORD = "maillage-demo-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.maillage.be"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    description: str = ""


# The fixed logins, one per role. A part that makes one appends it here (it is printed only when the
# user exists); `territory.made["logins"]` starts as a copy for the parts that want to read it.
DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        f"professionnel@{DEMO_EMAIL_DOMAIN}", _("Professional"), _("social worker at the CPAS of Libramont-Chevigny")
    ),
    DemoLogin(f"admin@{DEMO_EMAIL_DOMAIN}", _("Organisation admin"), _("director of the CPAS of Libramont-Chevigny")),
    DemoLogin(f"coordination@{DEMO_EMAIL_DOMAIN}", _("Network coordinator"), _("coordinator of the network")),
    DemoLogin(f"staff@{DEMO_EMAIL_DOMAIN}", _("Platform staff"), _("administers the platform")),
    DemoLogin(f"personne@{DEMO_EMAIL_DOMAIN}", _("Person supported"), _("a person with their own space")),
]


# Street names common in Walloon towns and villages.
STREETS = [
    "Rue de la Gare",
    "Avenue de la Libération",
    "Rue de l'Église",
    "Grand-Rue",
    "Place communale",
    "Rue du Moulin",
    "Rue des Écoles",
    "Chemin du Bois",
    "Rue du Château",
    "Rue de la Station",
    "Avenue de Bouillon",
    "Rue des Alliés",
    "Rue du Centre",
    "Rue Saint-Roch",
    "Rue de la Chapelle",
    "Rue du Marché",
    "Route de Bastogne",
    "Route de Marche",
    "Rue des Champs",
    "Rue de la Fontaine",
    "Rue des Prés",
    "Rue du Vivier",
    "Rue de Neufchâteau",
    "Avenue Herbofin",
    "Rue des Combattants",
    "Rue du Parc",
    "Place du Marché",
    "Rue de la Barrière",
    "Rue des Ardennes",
    "Rue du Tilleul",
]


class BelgianAddressProvider(BaseProvider):
    """Belgian-looking streets and phone numbers: Faker's fr_BE has neither (it falls back to en_US)."""

    def street_name(self) -> str:
        return self.random_element(STREETS)

    def building_number(self) -> str:
        return str(self.random_int(1, 150))

    def street_address(self) -> str:
        return f"{self.street_name()} {self.building_number()}"

    def phone_number(self) -> str:
        if self.random_int(0, 2) == 0:
            return f"04{self.random_element(['70', '75', '76', '77', '78', '79', '85', '86', '92', '96'])} " + (
                f"{self.random_int(10, 99)} {self.random_int(10, 99)} {self.random_int(10, 99)}"
            )
        zone = self.random_element(["061", "063", "084", "080", "081"])
        return f"{zone} {self.random_int(20, 69)} {self.random_int(10, 99)} {self.random_int(10, 99)}"


@dataclass
class DemoTerritory:
    seed: int = 2026
    sizes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SIZES))
    progress: bool = True
    # Filled in as parts run, for the parts after them (e.g. the organisations made).
    made: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)  # noqa: S311 -- fictional data, not security
        self.faker = Faker(["fr_BE", "fr_FR"])
        self.faker.seed_instance(self.seed)
        for locale in self.faker.locales:
            self.faker[locale].add_provider(BelgianAddressProvider)

        self.made.setdefault("logins", list(DEMO_LOGINS))

    def size(self, name: str) -> int:
        return self.sizes.get(name, DEFAULT_SIZES.get(name, 0))

    def public_id(self) -> uuid.UUID:
        """A random UUID drawn from the seed, for `public_id`s that stay the same from one run to the next."""
        return uuid.UUID(int=self.random.getrandbits(128), version=4)

    def bar(self, iterable: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
        """A tqdm progress bar, silent when `progress` is off."""
        return iter(tqdm(iterable, desc=desc, total=total, disable=not self.progress, leave=False))

    def bulk_create(
        self, model: type[M], objects: Sequence[M], *, desc: str = "", batch_size: int = BATCH_SIZE
    ) -> list[M]:
        """Insert in batches with a progress bar; returns the objects with their primary keys set."""
        created: list[M] = []
        batches = range(0, len(objects), batch_size)
        for start in self.bar(batches, desc=desc or str(model._meta.verbose_name_plural), total=len(batches)):
            created.extend(model.objects.bulk_create(objects[start : start + batch_size]))
        return created


def demo_parts() -> list:
    """The demo modules that exist, in dependency order."""
    modules = []
    for name in DEMO_PARTS:
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


def bulk_delete(queryset: models.QuerySet) -> None:
    """Delete a queryset and what cascades from it with a few set-based statements.

    Django's collector loads every row and filters each relation by a list of instances, which takes
    minutes for a 1000x demo. Here each relation is handled by one statement on a subquery: SET_NULL
    becomes an UPDATE, CASCADE recurses, DO_NOTHING is left to the database. Anything else (PROTECT,
    SET_DEFAULT, delete signals, generic relations, inheritance) falls back to Django's `delete()`,
    so behaviour never changes, only speed.
    """
    from django.db.models import CASCADE, DO_NOTHING, SET_NULL, signals
    from django.db.models.deletion import get_candidate_relations_to_delete

    model = queryset.model
    opts = model._meta
    if (
        opts.parents
        or any(hasattr(field, "bulk_related_objects") for field in opts.private_fields)
        or signals.pre_delete.has_listeners(model)
        or signals.post_delete.has_listeners(model)
    ):
        queryset.delete()
        return
    for relation in get_candidate_relations_to_delete(opts):
        field = relation.field
        on_delete = field.remote_field.on_delete
        keys = queryset.values(field.target_field.attname)
        related = relation.related_model._base_manager.filter(**{f"{field.name}__in": keys})
        if on_delete is DO_NOTHING:
            continue
        if on_delete is SET_NULL:
            related.update(**{field.name: None})
        elif on_delete is CASCADE:
            bulk_delete(related)
        elif related.exists():
            queryset.delete()  # PROTECT, RESTRICT, SET(...): let Django decide, with its errors.
            return
    queryset._raw_delete(queryset.db)


def clear_demo() -> None:
    for module in reversed(demo_parts()):
        if hasattr(module, "clear"):
            module.clear()


def generate_demo(territory: DemoTerritory) -> DemoTerritory:
    """Generate every part, each in its own transaction (the caller clears first when it wants to)."""
    from django.db import transaction

    for module in demo_parts():
        with transaction.atomic():
            module.generate(territory)
    return territory


def demo_logins_existing() -> list[DemoLogin]:
    """The fixed demo logins whose user exists and is active, in the order of `DEMO_LOGINS`."""
    from django.contrib.auth import get_user_model

    emails = set(
        get_user_model()
        .objects.filter(email__in=[login.email for login in DEMO_LOGINS], is_active=True)
        .values_list("email", flat=True)
    )
    return [login for login in DEMO_LOGINS if login.email in emails]


_parts = demo_parts  # the name used before `demo_parts`
