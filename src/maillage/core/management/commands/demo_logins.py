"""`manage.py demo_logins`: print where to go and the demo logins that exist, one per role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from maillage.core.demo import DEMO_PASSWORD, demo_logins_existing


class Command(BaseCommand):
    help = "Print the URL and the demo logins (e-mail, role, password) that exist in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the address the server listens on")

    def handle(self, *args, url: str, **options) -> None:
        with translation.override("fr"):
            logins = [(login.email, str(login.role), str(login.description)) for login in demo_logins_existing()]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Maillage : {url}"))
        if not logins:
            self.stdout.write("No demo login in this database (run `maillage demo`).")
            return
        email_width = max(len(email) for email, _role, _description in logins)
        role_width = max(len(role) for _email, role, _description in logins)
        self.stdout.write(f"Demo logins, all with the password: {self.style.WARNING(DEMO_PASSWORD)}")
        for email, role, description in logins:
            self.stdout.write(f"  {email:<{email_width}}  {role:<{role_width}}  {description}")
        if settings.MFA_REQUIRED:
            self.stdout.write("MFA_REQUIRED is on: each professional sets up a second factor at their first login.")
        self.stdout.write("")
