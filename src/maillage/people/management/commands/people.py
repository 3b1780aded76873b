"""`maillage people anonymize [--dry-run] [--person PUBLIC_ID]`: the retention of persons' files.

Without `--person`, anonymises every file without activity for `PERSON_RETENTION_DAYS` days; with it,
anonymises that one file now (an erasure request, GDPR art. 17). Prints counts only, never names.
"""

from uuid import UUID

from django.core.management.base import BaseCommand, CommandError

from maillage.people import retention
from maillage.people.exports import retention_days
from maillage.people.models import Person


class Command(BaseCommand):
    help = "Persons' files. `people anonymize` applies the retention period (see --help of the subcommand)."

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
        if options["person"]:
            person = Person.objects.filter(public_id=options["person"], anonymised_at__isnull=True).first()
            if person is None:
                raise CommandError("No file to anonymise with this id.")
            if options["dry_run"]:
                self.stdout.write("1 file would be anonymised (erasure request).")
                return
            retention.anonymise([person.pk], purpose=retention.ERASURE_PURPOSE)
            self.stdout.write("1 file anonymised (erasure request).")
            return
        result = retention.anonymise_due(dry_run=options["dry_run"])
        days = retention_days()
        if result.dry_run:
            self.stdout.write(f"{result.persons} file(s) without activity for {days} days would be anonymised.")
        else:
            self.stdout.write(f"{result.persons} file(s) without activity for {days} days anonymised.")
