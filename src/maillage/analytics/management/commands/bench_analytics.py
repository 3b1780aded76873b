"""`manage.py bench_analytics`: a synthetic region, generated in memory (no database rows), through the snapshot's
graph, indicator and alert stages; betweenness with igraph and with NetworkX on the same graph."""

import random
import time
from collections import defaultdict

import networkx as nx
from django.core.management.base import BaseCommand, CommandParser

from maillage.analytics import compute, sources
from maillage.analytics import graph as graphs
from maillage.analytics.models import Thresholds


class Command(BaseCommand):
    help = "Benchmark network analytics on a synthetic region (in memory)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--persons", type=int, default=500_000)
        parser.add_argument("--involvements", type=int, default=2_000_000)
        parser.add_argument("--referrals", type=int, default=1_000_000)

    def handle(self, *args, organisations, persons, involvements, referrals, **options) -> None:
        rng = random.Random(2026)  # noqa: S311 -- synthetic data
        started = time.perf_counter()
        orgs = list(range(1, organisations + 1))
        # Organisations work locally: a person's organisations are drawn near a home organisation.
        inputs = sources.Inputs(organisations=dict.fromkeys(orgs, "OTHER"))
        per_person = max(1, involvements // persons)
        shared: dict[tuple[int, int], int] = defaultdict(int)
        caseload: dict[int, int] = defaultdict(int)
        for _ in range(persons):
            home = rng.randrange(organisations)
            chosen = {orgs[(home + rng.randrange(-15, 16)) % organisations] for _ in range(per_person)}
            chosen = sorted(chosen)
            for o in chosen:
                caseload[o] += 1
            for i, a in enumerate(chosen):
                for b in chosen[i + 1 :]:
                    shared[(a, b)] += 1
        inputs.shared, inputs.caseload, inputs.persons = dict(shared), dict(caseload), persons
        refs: dict[tuple[int, int], dict[str, int]] = {}
        for _ in range(referrals):
            a = rng.randrange(organisations)
            b = (a + rng.randrange(1, 16)) % organisations
            counts = refs.setdefault((orgs[a], orgs[b]), defaultdict(int))
            counts["sent"] += 1
            if rng.random() < 0.2:
                counts["declined"] += 1
        inputs.referrals, inputs.referrals_counted = refs, True
        generated = time.perf_counter() - started
        self.stdout.write(f"generated in {generated:.1f} s: {len(shared)} pairs, {len(refs)} referral pairs")
        timings = {}
        clock = time.perf_counter()
        index = {org: i for i, org in enumerate(orgs)}
        links = compute._links(inputs)
        graph = graphs.build(len(orgs), {(index[a], index[b]): link["weight"] for (a, b), link in links.items()})
        directed = [(index[s], index[r]) for (s, r) in inputs.referrals]
        timings["graph"] = time.perf_counter() - clock
        clock = time.perf_counter()
        found = graphs.indicators(graph, directed)
        per_org = compute._per_organisation(inputs, orgs, graph, found)
        timings["indicators"] = time.perf_counter() - clock
        clock = time.perf_counter()
        compute.raise_alerts(Thresholds(), inputs, per_org, links, found, orgs)
        timings["alerts"] = time.perf_counter() - clock
        snapshot_s = sum(timings.values())
        for name, seconds in timings.items():
            self.stdout.write(f"stage {name}: {seconds:.2f} s")
        clock = time.perf_counter()
        graphs.normalised_betweenness(graph)
        betweenness_s = time.perf_counter() - clock
        reference = nx.Graph()
        reference.add_nodes_from(range(len(orgs)))
        reference.add_edges_from(graph.get_edgelist())
        clock = time.perf_counter()
        nx.betweenness_centrality(reference, normalized=True)
        networkx_s = time.perf_counter() - clock
        self.stdout.write(
            f"BENCH analytics organisations={organisations} persons={persons} snapshot_s={snapshot_s:.2f} "
            f"dashboard_p95_ms=n/a betweenness_s={betweenness_s:.3f} networkx_betweenness_s={networkx_s:.2f} "
            f"speedup={networkx_s / betweenness_s:.1f}"
        )
