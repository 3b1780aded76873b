"""The network's indicators, computed with igraph (a compiled core); NetworkX is the reference in the tests.

The rules, in plain words:

1. Nodes are the network's member organisations; an undirected link joins two of them when they followed a
   person together, met in a concertation meeting together or sent each other a referral in the period.
2. Density: the share of all possible links that exist. Degree centralisation (Freeman): how much the links
   gather on one organisation (0 = spread evenly, 1 = a star).
3. Components: groups of organisations linked to each other and to no one else; fragmentation is the share of
   pairs of organisations that cannot reach each other. A component outside the largest one is a silo.
4. Betweenness (normalised, unweighted): the share of shortest paths between others that pass through an
   organisation. Dependence: the share of connected pairs that would be cut apart without it (a broker).
5. Core and periphery: the k-core of highest k is the core; the rest is the periphery.
6. Communities: Louvain (multilevel) with a fixed seed, and the modularity of that partition.
7. Reciprocity: the share of directed referral links (a to b) answered by a link b to a.
"""

import random
from dataclasses import dataclass, field

import igraph as ig

DEPENDENCE_CANDIDATES = 25  # articulation points examined, by betweenness


@dataclass
class GraphIndicators:
    density: float = 0.0
    centralisation: float = 0.0
    components: int = 0
    largest_component_share: float = 0.0
    fragmentation: float = 0.0
    communities: int = 0
    modularity: float = 0.0
    reciprocity: float | None = None
    core_size: int = 0
    betweenness: list[float] = field(default_factory=list)
    dependence: list[float] = field(default_factory=list)
    coreness: list[int] = field(default_factory=list)
    component: list[int] = field(default_factory=list)
    community: list[int] = field(default_factory=list)
    layout: list[tuple[float, float]] = field(default_factory=list)


def build(n: int, edges: dict[tuple[int, int], float]) -> ig.Graph:
    """An undirected simple graph on vertices 0..n-1 with a `weight` per edge."""
    graph = ig.Graph(n=n, edges=list(edges), directed=False)
    graph.es["weight"] = list(edges.values())
    return graph


def degree_centralisation(graph: ig.Graph) -> float:
    n = graph.vcount()
    if n < 3:
        return 0.0
    degrees = graph.degree()
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def normalised_betweenness(graph: ig.Graph) -> list[float]:
    n = graph.vcount()
    if n < 3:
        return [0.0] * n
    scale = 2 / ((n - 1) * (n - 2))
    return [b * scale for b in graph.betweenness(directed=False)]


def _connected_pairs(sizes) -> int:
    return sum(s * (s - 1) // 2 for s in sizes)


def dependence(graph: ig.Graph, betweenness: list[float]) -> list[float]:
    """Rule 4: for the articulation points of highest betweenness, the share of connected pairs (not counting
    the organisation itself) that removing it cuts apart."""
    n = graph.vcount()
    result = [0.0] * n
    before = graph.connected_components().sizes()
    total = _connected_pairs(before)
    membership = graph.connected_components().membership
    cuts = sorted(graph.articulation_points(), key=lambda v: -betweenness[v])[:DEPENDENCE_CANDIDATES]
    for v in cuts:
        own = before[membership[v]]
        pairs_without_v = total - (own - 1)  # pairs involving v no longer count
        rest = graph.copy()
        rest.delete_vertices([v])
        after = _connected_pairs(rest.connected_components().sizes())
        result[v] = (pairs_without_v - after) / total if total else 0.0
    return result


def indicators(graph: ig.Graph, directed_edges: list[tuple[int, int]] | None = None) -> GraphIndicators:
    result = GraphIndicators()
    n = graph.vcount()
    if n == 0:
        return result
    result.density = graph.density(loops=False) if n > 1 else 0.0
    result.centralisation = degree_centralisation(graph)
    components = graph.connected_components()
    sizes = components.sizes()
    result.components = len(sizes)
    result.component = components.membership
    result.largest_component_share = max(sizes) / n
    result.fragmentation = 1 - (_connected_pairs(sizes) / (n * (n - 1) / 2)) if n > 1 else 0.0
    result.betweenness = normalised_betweenness(graph)
    result.dependence = dependence(graph, result.betweenness)
    result.coreness = graph.coreness()
    top = max(result.coreness)
    result.core_size = sum(1 for k in result.coreness if k == top) if top >= 2 else 0
    random.seed(20260406)
    if graph.ecount():
        partition = graph.community_multilevel(weights="weight")
        result.community = partition.membership
        result.communities = len(partition)
        result.modularity = graph.modularity(partition.membership, weights="weight")
    else:
        result.community = list(range(n))
        result.communities = n
    if directed_edges:
        directed = ig.Graph(n=n, edges=directed_edges, directed=True)
        directed.simplify(multiple=True, loops=True)
        result.reciprocity = directed.reciprocity(ignore_loops=True) if directed.ecount() else None
    random.seed(20260406)
    layout = graph.layout_auto() if n > 1 else ig.Layout([(0.0, 0.0)])
    layout.fit_into((0.04, 0.04, 0.96, 0.96), keep_aspect_ratio=False) if n > 1 else None
    result.layout = [(float(x), float(y)) for x, y in layout.coords] if n > 1 else [(0.5, 0.5)]
    return result
