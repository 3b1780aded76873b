"""The built-in needs taxonomy (life domains and their sub-terms), loaded from `data/needs.json`.

Used by a data migration (with historical models) and by `manage.py directory_load_taxonomy`; loading twice
changes nothing. Term ids are uuid5 of the code under the taxonomy id, the same in every database.
"""

import json
import uuid
from pathlib import Path
from typing import Any

NEEDS_FILE = Path(__file__).resolve().parent / "data" / "needs.json"
BUILTIN_TAXONOMY_ID = uuid.UUID("6f0b7d2e-5c1a-4d8e-9a43-3b1f2c9e7a10")
MAPPED_SCHEMES = {"data_inclusion": "data_inclusion", "soliguide": "soliguide"}


def builtin_term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(BUILTIN_TAXONOMY_ID, code)


def load_needs_file() -> dict[str, Any]:
    return json.loads(NEEDS_FILE.read_text(encoding="utf-8"))


def load_builtin_taxonomy(apps: Any = None) -> dict[str, int]:
    """Create or update the built-in taxonomy, its terms and their mappings; returns counts of what changed."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    TermMapping = apps.get_model("directory", "TermMapping")
    data = load_needs_file()
    counts = {"terms_created": 0, "terms_updated": 0, "mappings_created": 0}

    taxonomy, _ = Taxonomy.objects.update_or_create(
        public_id=BUILTIN_TAXONOMY_ID,
        defaults={
            "name": data["taxonomy"]["name"],
            "description": data["taxonomy"]["description"],
            "version": data["taxonomy"]["version"],
            "is_builtin": True,
        },
    )

    def save(entry: dict[str, Any], parent: Any, level: int, position: int) -> Any:
        fields = {
            "taxonomy": taxonomy,
            "code": entry["code"],
            "parent": parent,
            "level": level,
            "position": position,
            "name_fr": entry["name_fr"],
            "name_en": entry["name_en"],
            "description_fr": entry.get("description_fr", ""),
            "description_en": entry.get("description_en", ""),
            "synonyms": entry.get("synonyms", []),
        }
        term = TaxonomyTerm.objects.filter(public_id=builtin_term_id(entry["code"])).first()
        if term is None:
            term = TaxonomyTerm.objects.create(public_id=builtin_term_id(entry["code"]), **fields)
            counts["terms_created"] += 1
        elif any(getattr(term, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(term, name, value)
            term.save()
            counts["terms_updated"] += 1
        for key, scheme in MAPPED_SCHEMES.items():
            for code in entry.get(key, []):
                _, created = TermMapping.objects.get_or_create(term=term, scheme=scheme, external_code=code)
                counts["mappings_created"] += created
        return term

    for position, domain in enumerate(data["terms"]):
        parent = save(domain, None, 1, position)
        for child_position, child in enumerate(domain.get("children", [])):
            save(child, parent, 2, child_position)
    return counts
