"""`manage.py demo` (or `maillage demo`): clear and regenerate the demo territory.

A tool of the data controller, run on the server: it deletes and creates (fictional) persons' files outside the
access door, so each run leaves an entry in the audit (`access.services.controller_tool_record`).
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from maillage.access.enums import Action
from maillage.access.services import controller_tool_record
from maillage.accounts.models import Organisation
from maillage.core.demo import DEFAULT_SIZES, DEMO_PASSWORD, DemoTerritory, demo_logins_existing, demo_parts


class Command(BaseCommand):
    help = (
        "Clear and regenerate the demo territory (fictional organisations, users, services and persons in the real "
        "communes of the Province of Luxembourg, Belgium). Deterministic for a given --seed. A tool of the data "
        "controller: it works outside the access door, and each run is recorded in the audit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DemoTerritory.seed, help="random seed (default %(default)s)")
        for name, default in DEFAULT_SIZES.items():
            parser.add_argument(f"--{name}", type=int, default=default, help=f"how many {name} (default %(default)s)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already has organisations"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, seed: int, if_empty: bool, no_progress: bool, **options) -> None:
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has organisations: demo not generated.")
            return
        sizes = {name: options[name] for name in DEFAULT_SIZES}
        if any(size < 0 for size in sizes.values()):
            raise CommandError("Sizes cannot be negative.")
        territory = DemoTerritory(seed=seed, sizes=sizes, progress=not no_progress)
        parts = demo_parts()
        started = time.perf_counter()
        cleared = []
        with transaction.atomic():
            for module in reversed(parts):
                if hasattr(module, "clear"):
                    part_started = time.perf_counter()
                    module.clear()
                    cleared.append(f"{_name(module)} {time.perf_counter() - part_started:.1f} s")
        self.stdout.write(
            f"Cleared the previous demo in {time.perf_counter() - started:.1f} s ({', '.join(cleared) or 'nothing'})."
        )
        for module in parts:
            part_started = time.perf_counter()
            with transaction.atomic():
                module.generate(territory)
            self.stdout.write(f"  {_name(module)}: {time.perf_counter() - part_started:.1f} s")
        made = territory.made
        controller_tool_record("demo", action=Action.CREATE, counts={"seed": seed})
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo territory generated (seed {seed}) in {time.perf_counter() - started:.1f} s: "
                f"{len(made.get('communes', []))} communes, {len(made.get('organisations', []))} organisations, "
                f"{len(made.get('users', []))} users."
            )
        )
        logins = demo_logins_existing()
        if logins:
            self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(login.email for login in logins))


def _name(module) -> str:
    return module.__name__.removeprefix("maillage.").removesuffix(".demo")
