"""The `maillage` console command: Django's management commands, with the project's settings.

`maillage demo` regenerates the demo territory, `maillage audit verify` checks the audit chain, `maillage backup`
and `maillage restore` save and bring back the database, and `maillage --help` lists every command.
"""

import os
import sys

HEADER = """Maillage: the person at the centre of their psycho-medico-social network.

  maillage demo                  (re)generate the demo territory (--seed, --organisations, --persons, ...)
  maillage demo_logins           print the demo logins, one per role
  maillage territories_import F  import or update communes from an official CSV list
  maillage audit verify          check the keyed audit chain and its seals (names the first bad entry)
  maillage audit seal            write a signed, dated checkpoint of the chain head outside the database
  maillage backup [--output F]   write an encrypted backup of the database (age)
  maillage restore F [--force]   restore an encrypted backup, then verify the audit chain
"""


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "maillage"
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        argv[1:] = ["help"]
        sys.stdout.write(HEADER)
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
