"""The directory benchmark: a large fictional directory, loaded through the HSDS import, then searched.

`generate_package()` writes an HSDS tabular data package (organisations, locations with their addresses,
services with their needs as attributes, services at locations) for fictional communes made by
`make_communes()`; everything comes from one seed, so two runs load the same data. `measure()` imports it,
then times varied searches through `directory.search.search_services` and, as the baseline of the same run,
primary-key fetches of services.
"""

import random
import statistics
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connection
from tqdm import tqdm

from maillage.accounts.enums import OrganisationStatus
from maillage.core.benchmarks import percentile
from maillage.core.text import fold
from maillage.directory.hsds import mapping
from maillage.directory.hsds.importer import import_paths
from maillage.directory.hsds.tabular import PackageWriter
from maillage.directory.models import BUILTIN_TAXONOMY_ID, Service, Taxonomy, TaxonomyTerm
from maillage.directory.search import ServiceQuery, facet_counts, search_services
from maillage.territories.models import Level, PostalCode, Territory

NAMESPACE = uuid.UUID("0b6f1e36-5a55-4c47-8d0a-4f0c2f0d6e21")
COUNTRY = "XB"  # a fictional country: the benchmark never collides with real territories
PREFIXES = ["Accueil", "Permanence", "Atelier", "Accompagnement", "Consultation", "Point d'écoute", "Service", "Aide"]
AUDIENCES = ["pour tous", "pour les jeunes", "pour les familles", "pour les seniors", "pour les femmes", "de quartier"]
STREETS = ["rue de la Gare", "avenue des Tilleuls", "place du Marché", "rue Haute", "chaussée de Namur", "rue Neuve"]
SYLLABLES = ["bel", "mont", "val", "ville", "court", "fontaine", "sart", "haie", "roche", "bois", "pré", "champ"]


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def _place_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def make_communes(count: int, seed: int = 2026) -> list[Territory]:
    """A fictional country: regions, provinces and `count` communes with coordinates and one postcode each."""
    rng = random.Random(seed)  # noqa: S311 -- fictional data
    country = Territory.objects.create(country=COUNTRY, level=Level.COUNTRY, code=COUNTRY, name="Bench", path="")
    provinces = []
    for r in range(max(1, count // 100)):
        region = Territory.objects.create(
            country=COUNTRY, level=Level.REGION, code=f"R{r}", name=f"Région {r}", parent=country
        )
        for p in range(4):
            provinces.append(
                Territory.objects.create(
                    country=COUNTRY, level=Level.PROVINCE, code=f"P{r}{p}", name=f"Province {r}.{p}", parent=region
                )
            )
    names: set[str] = set()
    communes = []
    for index in range(count):
        name = _place_name(rng)
        while name in names:
            name = f"{_place_name(rng)}-{_place_name(rng)}"
        names.add(name)
        communes.append(
            Territory(
                country=COUNTRY,
                level=Level.COMMUNE,
                code=f"{10000 + index}",
                name=name,
                search_name=fold(name),
                parent=provinces[index % len(provinces)],
                latitude=round(rng.uniform(49.5, 51.4), 5),
                longitude=round(rng.uniform(2.6, 6.3), 5),
            )
        )
    Territory.objects.bulk_create(communes, batch_size=1000)
    communes = list(Territory.objects.filter(country=COUNTRY, level=Level.COMMUNE).order_by("code"))
    # Paths, so that service areas and places resolve like real ones.
    for territory in Territory.objects.filter(country=COUNTRY).order_by("level"):
        parent_path = territory.parent.path if territory.parent_id else "/"
        territory.path = f"{parent_path}{territory.pk}/"
        territory.save(update_fields=["path"])
    communes = list(Territory.objects.filter(country=COUNTRY, level=Level.COMMUNE).order_by("code"))
    PostalCode.objects.bulk_create(
        [
            PostalCode(
                country=COUNTRY,
                code=f"{1000 + i}",
                locality=c.name,
                commune=c,
                latitude=c.latitude,
                longitude=c.longitude,
            )
            for i, c in enumerate(communes)
        ],
        batch_size=1000,
    )
    return communes


@dataclass
class Plan:
    services: int
    locations: int
    communes: int
    seed: int = 2026


def generate_package(directory: Path, plan: Plan, communes: list[Territory], *, progress: bool = True) -> Path:
    """Write the HSDS tabular data package of the fictional directory; returns its directory."""
    rng = random.Random(plan.seed)  # noqa: S311 -- fictional data
    taxonomy = Taxonomy.objects.get(public_id=BUILTIN_TAXONOMY_ID)
    terms = list(TaxonomyTerm.objects.filter(taxonomy=taxonomy).select_related("parent").order_by("code"))
    leaves = [term for term in terms if term.level >= 2] or terms
    writer = PackageWriter(directory, name="maillage-bench")
    writer.write("taxonomy", mapping.taxonomy_to_hsds(taxonomy))
    for term in terms:
        row = mapping.term_to_hsds(term, parent_public_id=term.parent.public_id if term.parent_id else None)
        writer.write("taxonomy_term", {**row, "taxonomy_id": str(taxonomy.public_id), "taxonomy": taxonomy.name})
    postcodes = {c.pk: f"{1000 + i}" for i, c in enumerate(communes)}
    organisations = max(1, plan.services // 10)
    per_org_locations = max(1, plan.locations // organisations)
    locations_by_org: list[list[tuple[str, Territory]]] = []
    location_count = 0
    bar = tqdm(
        total=organisations + plan.services, desc="generate HSDS", unit="rec", disable=not progress, mininterval=0.5
    )
    for o in range(organisations):
        org_id = _id("org", o)
        home = communes[rng.randrange(len(communes))]
        writer.write(
            "organization",
            {
                "id": org_id,
                "name": f"{rng.choice(['ASBL', 'CPAS', 'Centre', 'Maison', 'Association'])} {home.name} {o}",
                "description": f"Organisation de {home.name}",
                "email": f"contact{o}@example.org",
            },
        )
        own = []
        count = per_org_locations if o < organisations - 1 else max(1, plan.locations - location_count)
        for index in range(count):
            commune = home if index == 0 else communes[rng.randrange(len(communes))]
            location_id = _id("location", o, index)
            latitude = commune.latitude + rng.uniform(-0.02, 0.02)
            longitude = commune.longitude + rng.uniform(-0.03, 0.03)
            writer.write(
                "location",
                {
                    "id": location_id,
                    "location_type": "physical",
                    "organization_id": org_id,
                    "name": f"Antenne {commune.name}",
                    "latitude": round(latitude, 6),
                    "longitude": round(longitude, 6),
                },
            )
            writer.write(
                "address",
                {
                    "id": _id("address", o, index),
                    "location_id": location_id,
                    "address_1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                    "city": commune.name,
                    "state_province": "",
                    "postal_code": postcodes[commune.pk],
                    "country": "BE",
                    "address_type": "physical",
                },
            )
            own.append((location_id, commune))
        location_count += count
        locations_by_org.append(own)
        bar.update(1)
    for s in range(plan.services):
        org_index = s % organisations
        service_id = _id("service", s)
        needs = rng.sample(leaves, k=rng.choice([1, 1, 2]))
        location_id, commune = rng.choice(locations_by_org[org_index])
        main = needs[0]
        words = " ".join((main.synonyms or [])[:3]) if isinstance(main.synonyms, list) else ""
        writer.write(
            "service",
            {
                "id": service_id,
                "organization_id": _id("org", org_index),
                "name": f"{rng.choice(PREFIXES)} {main.name_fr.lower()} {rng.choice(AUDIENCES)}",
                "description": f"{main.name_fr} à {commune.name} : {words}. {main.description_fr or ''}".strip(),
                "status": "active" if rng.random() > 0.03 else "temporarily closed",
                "minimum_age": rng.choice([None, None, 16, 18]),
            },
        )
        writer.write(
            "service_at_location", {"id": _id("sal", s), "service_id": service_id, "location_id": location_id}
        )
        for term in needs:
            writer.write(
                "attribute",
                {
                    "id": _id("attribute", s, term.code),
                    "link_id": service_id,
                    "link_entity": "service",
                    "link_type": "need",
                    "taxonomy_term_id": str(term.public_id),
                },
            )
        bar.update(1)
    bar.close()
    writer.close()
    return directory


def make_queries(count: int, communes: list[Territory], seed: int = 7) -> list[ServiceQuery]:
    """Varied searches: text only, need + place, text + need + radius; in thirds, deterministic."""
    rng = random.Random(seed)  # noqa: S311
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID).values_list("code", "name_fr", "synonyms")
    )
    words = []
    for _code, name, synonyms in terms:
        words.append(name.lower())
        words += [s for s in (synonyms or []) if isinstance(s, str)][:3]
    words += ["logements", "dettes", "toxicomanie", "assuétudes", "aide alimentaire", "emploi jeunes", "épicerie"]
    queries = []
    for index in range(count):
        commune = communes[rng.randrange(len(communes))]
        code = rng.choice(terms)[0]
        kind = index % 3
        if kind == 0:
            queries.append(ServiceQuery(text=rng.choice(words)))
        elif kind == 1:
            if rng.random() < 0.5:
                queries.append(ServiceQuery(need=code, commune_id=commune.pk))
            else:
                queries.append(ServiceQuery(need=code, postcode=f"{1000 + communes.index(commune)}"))
        else:
            queries.append(
                ServiceQuery(
                    text=rng.choice(words),
                    need=code.split(".")[0],
                    latitude=commune.latitude,
                    longitude=commune.longitude,
                    radius_km=rng.choice([5, 10, 20, 30]),
                )
            )
    return queries


@dataclass
class Result:
    db: str
    services: int
    import_s: float
    search_p50_ms: float
    search_p95_ms: float
    pk_p95_ms: float
    rejected: int
    hits_median: float
    with_hits: int = 0
    searches: int = 0
    import_cpu_s: float = 0.0  # CPU time of this process during the import: the cost without the machine's load
    search_cpu_p95_ms: float = 0.0
    facets_p95_ms: float = 0.0  # the search page's filter counts (`facet_counts`), the same queries and an empty one

    def line(self) -> str:
        return (
            f"BENCH directory db={self.db} services={self.services} import_s={self.import_s:.1f} "
            f"search_p50_ms={self.search_p50_ms:.1f} search_p95_ms={self.search_p95_ms:.1f} "
            f"pk_p95_ms={self.pk_p95_ms:.2f} facets_p95_ms={self.facets_p95_ms:.1f}"
        )

    def as_dict(self) -> dict:
        return asdict(self)


def measure(workdir: Path, plan: Plan, searches: int, *, progress: bool = True) -> Result:
    """Generate, import (timed), search (timed) and fetch by primary key (timed), in the current database."""
    communes = make_communes(plan.communes, plan.seed)
    package = generate_package(workdir / "hsds", plan, communes, progress=progress)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = import_paths([package], progress=progress, organisation_status=OrganisationStatus.VALIDATED)
    import_s = time.perf_counter() - started
    import_cpu_s = time.process_time() - cpu_started
    services = Service.objects.count()
    queries = make_queries(searches, communes)
    for query in queries[:10]:  # warm the caches (synonyms, statements) as a running server would be
        search_services(query)
    timings, cpu_timings, hits = [], [], []
    for query in tqdm(queries, desc="search", unit="q", disable=not progress, mininterval=0.5):
        started, cpu_started = time.perf_counter(), time.process_time()
        results = search_services(query)
        hits.append(results.total)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
    facet_timings = []
    for query in [ServiceQuery(), *queries]:
        started = time.perf_counter()
        facet_counts(query)
        facet_timings.append((time.perf_counter() - started) * 1000)
    rng = random.Random(plan.seed)  # noqa: S311
    pks = list(Service.objects.values_list("pk", flat=True))
    pk_timings = []
    for _ in range(max(searches, 100)):
        pk = rng.choice(pks)
        started = time.perf_counter()
        Service.objects.get(pk=pk)
        pk_timings.append((time.perf_counter() - started) * 1000)
    return Result(
        db=connection.vendor,
        services=services,
        import_s=import_s,
        search_p50_ms=statistics.median(timings),
        search_p95_ms=percentile(timings, 0.95),
        pk_p95_ms=percentile(pk_timings, 0.95),
        rejected=len(report.rejected),
        hits_median=statistics.median(hits),
        with_hits=sum(1 for count in hits if count),
        searches=len(hits),
        import_cpu_s=import_cpu_s,
        search_cpu_p95_ms=percentile(cpu_timings, 0.95),
        facets_p95_ms=percentile(facet_timings, 0.95),
    )
