"""`maillage audit verify`: walk the whole audit chain and name the first altered, deleted, reordered or
inserted entry. Exit status 1 when the chain is broken.

A tool of the data controller, run on the server: it reads every audit entry outside the door's pages, so each
run then leaves its own entry in the audit (`access.services.controller_tool_record`).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from maillage.access.audit import verify
from maillage.access.enums import Action
from maillage.access.services import controller_tool_record


class Command(BaseCommand):
    help = (
        "Audit log tools. `audit verify` checks the hash chain of every access event. A tool of the data "
        "controller: each run is recorded in the audit."
    )

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        check = subcommands.add_parser("verify", help="Check the whole hash chain and name the first bad entry.")
        check.add_argument("--chunk", type=int, default=20000, help="Rows fetched per round trip.")
        check.add_argument(
            "--workers", type=int, default=None, help="Processes checking a long chain (default: one per core)."
        )

    def handle(self, *args, **options) -> None:
        if options["subcommand"] != "verify":
            raise CommandError(f"Unknown subcommand {options['subcommand']!r}")
        started = time.perf_counter()

        def progress(count: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"... {count} entries checked")

        result = verify(chunk=options["chunk"], progress=progress, workers=options["workers"])
        elapsed = time.perf_counter() - started
        controller_tool_record(
            "audit verify", action=Action.VIEW, counts={"entries": result.checked, "ok": int(result.ok)}
        )
        rate = result.checked / elapsed if elapsed > 0 else 0
        if result.ok:
            processes = f", {result.workers} processes" if result.workers > 1 else ""
            self.stdout.write(f"{result.message()} {elapsed:.2f} s, {rate:,.0f} entries/s{processes}")
            return
        raise CommandError(result.message())
