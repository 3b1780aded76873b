"""`maillage people anonymize [--dry-run] [--person PUBLIC_ID]`: the retention of persons' files.

Without `--person`, anonymises every file without activity for `PERSON_RETENTION_DAYS` days; with it,
anonymises that one file now (an erasure request, GDPR art. 17). Prints counts only, never names.

A tool of the data controller, run on the server: it reads and changes persons' files outside the access door,
so each run (dry runs included) leaves an entry in the audit (`access.services.controller_tool_record`).
"""

from uuid import UUID

from django.core.management.base import BaseCommand, CommandError

from maillage.access.enums import Action
from maillage.access.services import controller_tool_record
from maillage.people import retention
from maillage.people.exports import retention_days


class Command(BaseCommand):
    help = (
        "Persons' files. `people anonymize` applies the retention period (see --help of the subcommand). "
        "A tool of the data controller: it works outside the access door, and each run is recorded in the audit."
    )

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        anonymize = subcommands.add_parser(
            "anonymize", help="Anonymise the files without activity for the retention period."
        )
        anonymize.add_argument("--dry-run", action="store_true", help="Count the files due, change nothing.")
        anonymize.add_argument("--person", type=UUID, help="Anonymise this file now (erasure request).")

    def handle(self, *args, **options) -> None:
        if options["subcommand"] != "anonymize":
            raise CommandError(f"Unknown subcommand {options['subcommand']!r}")
        dry_run = options["dry_run"]
        action = Action.LIST if dry_run else Action.DELETE
        if options["person"]:
            person_id = retention.not_anonymised(options["person"])
            controller_tool_record(
                "people anonymize --person", action=action, counts={"persons": int(person_id is not None)}
            )
            if person_id is None:
                raise CommandError("No file to anonymise with this id.")
            if dry_run:
                self.stdout.write("1 file would be anonymised (erasure request).")
                return
            retention.anonymise([person_id], purpose=retention.ERASURE_PURPOSE)
            self.stdout.write("1 file anonymised (erasure request).")
            return
        result = retention.anonymise_due(dry_run=dry_run)
        controller_tool_record("people anonymize", action=action, counts={"persons": result.persons})
        days = retention_days()
        if result.dry_run:
            self.stdout.write(f"{result.persons} file(s) without activity for {days} days would be anonymised.")
        else:
            self.stdout.write(f"{result.persons} file(s) without activity for {days} days anonymised.")
