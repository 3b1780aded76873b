"""The demo territory: each app's `demo.py` adds its part, in dependency order.

An app's demo module exposes `generate(territory: DemoTerritory) -> None` and, when it owns rows
that other parts point to, `clear() -> None` (called in reverse order before regenerating).
Everything is drawn from `territory.random` and `territory.faker`, so one seed gives one territory.
Sizes are parameters so that benchmarks can make the same territory 1000x larger; parts insert in
bulk (`bulk_create` in batches) rather than row by row.
"""

import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from faker import Faker

# Dependency order: each part may use what the previous ones made.
DEMO_PARTS = [
    "maillage.territories.demo",
    "maillage.accounts.demo",
    "maillage.directory.demo",
    "maillage.people.demo",
]

DEFAULT_SIZES = {
    "organisations": 60,
    "services": 150,
    "persons": 200,
}


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

    def size(self, name: str) -> int:
        return self.sizes.get(name, DEFAULT_SIZES.get(name, 0))


def _parts() -> list:
    modules = []
    for name in DEMO_PARTS:
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


def clear_demo() -> None:
    for module in reversed(_parts()):
        if hasattr(module, "clear"):
            module.clear()


def generate_demo(territory: DemoTerritory) -> DemoTerritory:
    for module in _parts():
        module.generate(territory)
    return territory
