"""Forms as people meet them: an error summary after a failed submit, one "(facultatif)", titles "X · Maillage"."""

import re

from django.urls import reverse

from maillage.core.tests.helpers import post_form


def consent_url(network):
    return reverse("consent:consent_create", kwargs={"public_id": network.person.public_id})


def test_a_failed_submit_shows_a_summary_linking_to_each_field(client, network):
    client.force_login(network.referent)
    response = post_form(client, consent_url(network), {"purpose": "", "how_given": "nonsense"})
    html = response.content.decode()
    assert response.status_code in (200, 422)
    summary = re.search(r'<div class="error-summary"[^>]*data-error-summary.*?</div>', html, re.S)
    assert summary and 'tabindex="-1"' in summary.group(0)
    links = re.findall(r'<a href="#([^"]+)">', summary.group(0))
    assert "id_purpose" in links and "id_how_given" in links
    for target in links:  # every link lands on a field of the page
        assert f'id="{target}"' in html
    # The summary comes before the first field; the script that focuses it is a file (CSP), not inline.
    assert html.index("data-error-summary") < html.index('id="id_purpose"')
    assert "core/forms.js" in html


def test_no_summary_before_a_submit(client, network):
    client.force_login(network.referent)
    assert "data-error-summary" not in client.get(consent_url(network)).content.decode()


def test_an_optional_field_says_so_once(client, network):
    client.force_login(network.referent)
    html = client.get(consent_url(network)).content.decode()
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    assert any("Échéance" in label and "facultatif" in label for label in labels)
    assert all(label.count("facultatif") <= 1 for label in labels)


def test_page_titles_are_separated_from_maillage(client, network):
    client.force_login(network.referent)
    html = client.get(reverse("access:who_saw", kwargs={"public_id": network.person.public_id})).content.decode()
    assert "<title>Qui a consulté ce dossier ? · Maillage</title>" in html


def test_the_api_docs_page_declares_its_language(client, db):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in html and "swagger-ui-bundle.js" in html
    # Every script and stylesheet is ours: none is fetched from another host at run time.
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources)


def test_scrolling_tables_of_the_export_page_can_be_reached_with_the_keyboard(client, network):
    client.force_login(network.referent)
    url = reverse("people:person_export", kwargs={"public_id": network.person.public_id})
    html = client.get(url).content.decode()
    regions = re.findall(r'<div class="table-scroll"[^>]*>', html)
    assert regions and all('tabindex="0"' in r and 'role="region"' in r for r in regions)


def test_organisations_offered_in_french_order_and_only_those_that_can_be_added(client, network):
    from maillage.accounts.tests.factories import OrganisationFactory

    for name in ("Écoute jeunes", "Zèbre asbl", "centre de jour", "Abri de nuit"):
        OrganisationFactory(name=name)
    client.force_login(network.referent)
    url = reverse("people:involvement_create", kwargs={"public_id": network.person.public_id})
    html = client.get(url).content.decode()
    select = re.search(r'<select name="organisation".*?</select>', html, re.S).group(0)
    names = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select)
    assert names == sorted(names, key=lambda n: (n.casefold().replace("é", "e").replace("è", "e"), n))
    assert names.index("Abri de nuit") < names.index("centre de jour") < names.index("Écoute jeunes")
    assert names.index("Écoute jeunes") < names.index("Zèbre asbl")
    assert "CPAS de Namur" not in names and "Centre de santé mentale" not in names  # already involved


def test_need_weights_are_explained(client, network):
    client.force_login(network.referent)
    html = client.get(reverse("people:person_detail", kwargs={"public_id": network.person.public_id})).content.decode()
    assert re.search(r"poids : (léger|plutôt léger|moyen|lourd|très lourd) \(\d sur 5\)", html)
    assert "/5</span>" not in html and "poids 3/5" not in html
