import pytest
from django.utils import translation

from maillage.directory.models import BUILTIN_TAXONOMY_ID, TaxonomyTerm
from maillage.directory.selectors import need_choices

pytestmark = pytest.mark.django_db


def _through_models() -> list[tuple[str, str]]:
    """The list as built from model instances and `TaxonomyTerm.name` (the rule need_choices follows)."""
    terms = list(TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID).order_by("position", "code"))
    choices = []
    for domain in (term for term in terms if term.level == 1):
        choices.append((domain.code, domain.name))
        choices += [(child.code, f"— {child.name}") for child in terms if child.parent_id == domain.id]
    return choices


def test_need_choices_are_each_domain_then_its_terms_in_the_page_language():
    assert TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID, level=2).exists()
    child = TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID, level=2).order_by("pk").first()
    child.name_en = ""  # no English name: the French one is shown
    child.save(update_fields=["name_en"])
    for language in ("fr", "en"):
        with translation.override(language):
            choices = need_choices()
            assert choices == _through_models()
    with translation.override("en"):
        assert (child.code, f"— {child.name_fr}") in need_choices()
    with translation.override("fr"):
        domain = TaxonomyTerm.objects.get(pk=child.parent_id)
        codes = [code for code, _label in need_choices()]
        assert codes.index(child.code) > codes.index(domain.code)
