"""The territories part of the demo: the real communes of the Province of Luxembourg (Belgium).

They are reference data, imported from the shipped CSV (`data/be-luxembourg.csv`) only when absent,
and never cleared with the demo.
"""

from pathlib import Path

from maillage.core.demo import DemoTerritory
from maillage.territories.models import Level, Territory
from maillage.territories.selectors import communes_in
from maillage.territories.services import territories_import

DATA_FILE = Path(__file__).parent / "data" / "be-luxembourg.csv"
PROVINCE = {"country": "BE", "level": Level.PROVINCE, "code": "80000"}
COMMUNES_IN_PROVINCE = 44


def demo_province() -> Territory | None:
    return Territory.objects.filter(**PROVINCE).first()


def generate(territory: DemoTerritory) -> None:
    province = demo_province()
    if province is None or communes_in(province).count() < COMMUNES_IN_PROVINCE:
        report = territories_import(DATA_FILE, progress=territory.progress)
        if report.errors:
            raise ValueError(f"the shipped communes file has errors: {report.errors[:3]}")
        province = demo_province()
        if province is None:
            raise ValueError("the shipped communes file does not contain the Province of Luxembourg")
    communes = list(communes_in(province).select_related("parent").prefetch_related("postal_codes").order_by("code"))
    territory.made["province"] = province
    territory.made["communes"] = communes
