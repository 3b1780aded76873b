"""No raw codes on the tokens and members pages, and their tables stack into cards on a phone."""

import re

from django.urls import reverse

from maillage.accounts.models import ApiToken


def test_token_scopes_and_dates_in_words(client, member):
    client.force_login(member.user)
    client.post(reverse("accounts:tokens"), {"name": "Export", "scopes": ["directory:read"], "lifetime": "30"})
    token = ApiToken.objects.get()
    html = client.get(reverse("accounts:tokens")).content.decode()
    row = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    assert "Lire le répertoire" in row
    assert "directory:read" not in row
    # Dates in the locale's words and order ("5 janvier 2027"), not 05/01/2027.
    assert token.expires_at.strftime("%Y") in row and not re.search(r"\d{2}/\d{2}/\d{4}", row)
    assert '<table class="stack">' in html and 'data-label="Portées"' in html


def test_members_table_stacks_on_a_phone(client, admin_membership):
    client.force_login(admin_membership.user)
    html = client.get(reverse("accounts:members")).content.decode()
    assert '<table class="stack">' in html and 'data-label="Rôle"' in html
