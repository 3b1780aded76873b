"""igraph's numbers against NetworkX's on small graphs: the same density, centralisation, components,
betweenness, coreness, articulation points, reciprocity and modularity."""

import random

import networkx as nx
import pytest

from maillage.analytics import graph as graphs


def _pair(n: int, edges: list[tuple[int, int]]):
    unique = {(min(a, b), max(a, b)): 1.0 for a, b in edges if a != b}
    g = graphs.build(n, unique)
    reference = nx.Graph()
    reference.add_nodes_from(range(n))
    reference.add_edges_from(unique)
    return g, reference


_RNG = random.Random(7)  # noqa: S311 -- a fixed test graph
GRAPHS = {
    "star": (6, [(0, i) for i in range(1, 6)]),
    "two silos": (7, [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 6), (6, 3)]),
    "bridge": (8, [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 6), (6, 4), (6, 7)]),
    "random": (30, [(_RNG.randrange(30), _RNG.randrange(30)) for _ in range(90)]),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_same_numbers_as_networkx(name):
    n, edges = GRAPHS[name]
    g, reference = _pair(n, edges)
    found = graphs.indicators(g)
    assert found.density == pytest.approx(nx.density(reference))
    degrees = dict(reference.degree())
    top = max(degrees.values())
    assert found.centralisation == pytest.approx(sum(top - d for d in degrees.values()) / ((n - 1) * (n - 2)))
    assert found.components == nx.number_connected_components(reference)
    betweenness = nx.betweenness_centrality(reference, normalized=True)
    assert found.betweenness == pytest.approx([betweenness[v] for v in range(n)])
    cores = nx.core_number(reference)
    assert found.coreness == [cores[v] for v in range(n)]
    communities = {}
    for v, c in enumerate(found.community):
        communities.setdefault(c, set()).add(v)
    if reference.number_of_edges():
        assert found.modularity == pytest.approx(nx.community.modularity(reference, communities.values()))
    cut = set(nx.articulation_points(reference))
    assert {v for v, d in enumerate(found.dependence) if d > 0} <= cut


def test_communities_are_deterministic():
    n, edges = GRAPHS["random"]
    g, _ = _pair(n, edges)
    assert graphs.indicators(g).community == graphs.indicators(g).community


def test_reciprocity_as_networkx():
    directed = [(0, 1), (1, 0), (1, 2), (2, 3), (3, 2), (3, 0)]
    g, _ = _pair(4, directed)
    reference = nx.DiGraph(directed)
    assert graphs.indicators(g, directed).reciprocity == pytest.approx(nx.reciprocity(reference))


def test_broker_dependence_counts_the_pairs_it_cuts():
    g, _ = _pair(4, [(0, 1), (1, 2), (2, 0), (2, 3)])
    found = graphs.indicators(g)
    # connected pairs: 6; without 2 (its own 3 pairs aside): 3 pairs, of which 0-1 remains: 2 of 6 cut.
    assert found.dependence[2] == pytest.approx(2 / 6)
    assert found.dependence[0] == 0
