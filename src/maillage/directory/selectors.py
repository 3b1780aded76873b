"""Reads of the directory (taxonomy, services, organisations' listings)."""

from django.db.models import QuerySet

from maillage.directory.models import BUILTIN_TAXONOMY_ID, TaxonomyTerm


def life_domains() -> QuerySet[TaxonomyTerm]:
    """The built-in taxonomy's life domains (level-1 terms), in their display order."""
    return TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID, level=1).order_by("position", "code")
