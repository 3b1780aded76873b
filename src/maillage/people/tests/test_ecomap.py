"""The ecomap picture: conventions, legend, accessibility, escaping and a layout without overlaps."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from maillage.people.ecomap import (
    BOX_HEIGHT,
    BOX_WIDTH,
    Ecomap,
    Network,
    Strength,
    Support,
    Tie,
    render_svg,
    table_rows,
)

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def tie_groups(root: ET.Element) -> list[ET.Element]:
    ties = root.find("svg:g[@class='ties']", NS)
    assert ties is not None
    return ties.findall("svg:g", NS)


def boxes(root: ET.Element) -> list[tuple[float, float]]:
    nodes = root.find("svg:g[@class='nodes']", NS)
    assert nodes is not None
    return [(float(rect.get("x")), float(rect.get("y"))) for rect in nodes.iterfind("svg:g/svg:rect", NS)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class TestConventions:
    def test_strong_tie_is_a_thick_solid_line(self):
        root = parse(render_svg(Ecomap("Ana", (Tie("Mother", Network.PRIMARY, strength=Strength.STRONG),))))
        [group] = tie_groups(root)
        line = group.find("svg:line", NS)
        assert float(line.get("stroke-width")) >= 4
        assert line.get("stroke-dasharray") is None

    def test_weak_tie_is_dashed(self):
        root = parse(render_svg(Ecomap("Ana", (Tie("Neighbour", Network.PRIMARY, strength=Strength.WEAK),))))
        [group] = tie_groups(root)
        assert group.find("svg:line", NS).get("stroke-dasharray")

    def test_stressful_tie_is_hatched(self):
        ecomap = Ecomap("Ana", (Tie("Father", Network.PRIMARY, stressful=True), Tie("Sister", Network.PRIMARY)))
        groups = {g.get("class"): g for g in tie_groups(parse(render_svg(ecomap)))}
        hatched = groups["tie tie-moderate tie-stressful"].find("svg:path[@class='tie-hatch']", NS)
        assert hatched is not None and hatched.get("d").count("M") >= 3
        assert groups["tie tie-moderate"].find("svg:path[@class='tie-hatch']", NS) is None

    @pytest.mark.parametrize(
        ("support", "start", "end"),
        [
            (Support.NONE, False, False),
            (Support.TO_PERSON, True, False),
            (Support.FROM_PERSON, False, True),
            (Support.MUTUAL, True, True),
        ],
        ids=["no-arrow", "to-person", "from-person", "mutual"],
    )
    def test_arrows_show_the_direction_of_support(self, support, start, end):
        root = parse(render_svg(Ecomap("Ana", (Tie("CPAS", Network.SECONDARY, support=support),))))
        [group] = tie_groups(root)
        line = group.find("svg:line", NS)
        # Lines are drawn from the person towards the other end: the start marker points at the person.
        assert (line.get("marker-start") is not None) is start
        assert (line.get("marker-end") is not None) is end
        for marker in (line.get("marker-start"), line.get("marker-end")):
            if marker:
                marker_id = marker.removeprefix("url(#").removesuffix(")")
                assert root.find(f".//svg:marker[@id='{marker_id}']", NS) is not None

    def test_primary_on_the_left_secondary_on_the_right(self):
        ecomap = Ecomap("Ana", (Tie("Mother", Network.PRIMARY), Tie("CPAS", Network.SECONDARY)))
        root = parse(render_svg(ecomap))
        centre = float(root.find(".//svg:circle", NS).get("cx"))
        nodes = root.find("svg:g[@class='nodes']", NS)
        primary = nodes.find("svg:g[@class='node node-primary']/svg:rect", NS)
        secondary = nodes.find("svg:g[@class='node node-secondary']/svg:rect", NS)
        assert float(primary.get("x")) + BOX_WIDTH < centre < float(secondary.get("x"))
        # Shapes differ too, so that the sides read in black and white.
        assert primary.get("rx") != secondary.get("rx")


class TestAccessibility:
    def test_role_title_desc_and_legend(self):
        root = parse(render_svg(Ecomap("Ana Lima", (Tie("Mother", Network.PRIMARY),)), id_prefix="eco1"))
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "eco1-title eco1-desc"
        assert root.find("svg:title", NS).text == "Ecomap of Ana Lima"
        assert "Primary network on the left: 1" in root.find("svg:desc", NS).text
        legend = root.find("svg:g[@class='legend']", NS)
        texts = {text.text for text in legend.iterfind("svg:text", NS)}
        assert {"Legend", "Strong tie", "Weak tie", "Stressful tie", "Mutual support"} <= texts

    def test_ids_are_prefixed_so_two_pictures_fit_one_page(self):
        svg = render_svg(Ecomap("Ana", (Tie("X", Network.PRIMARY, support=Support.MUTUAL),)), id_prefix="other")
        ids = [element.get("id") for element in parse(svg).iter() if element.get("id")]
        assert ids and all(identifier.startswith("other-") for identifier in ids)

    def test_text_alternative_has_the_same_ties_in_words(self):
        ecomap = Ecomap(
            "Ana",
            (
                Tie("CPAS", Network.SECONDARY, detail="Referent", support=Support.TO_PERSON),
                Tie("Mother", Network.PRIMARY, strength=Strength.STRONG, stressful=True, support=Support.MUTUAL),
            ),
        )
        rows = table_rows(ecomap)
        assert [(row.network, row.label) for row in rows] == [
            ("Primary network", "Mother"),
            ("Secondary network", "CPAS"),
        ]
        assert rows[0].strength == "Strong" and rows[0].stressful == "Yes" and rows[0].support == "Mutual support"
        assert rows[1].detail == "Referent" and rows[1].support == "Gives support to the person"


class TestSafetyAndLayout:
    def test_names_are_escaped(self):
        hostile = '<script>alert("x")</script> & "Co"'
        svg = render_svg(Ecomap(hostile, (Tie(hostile, Network.PRIMARY, detail=hostile),)))
        assert "<script>" not in svg
        root = parse(svg)
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
        assert hostile in root.find("svg:title", NS).text

    def test_deterministic_whatever_the_input_order(self):
        ties = tuple(Tie(f"Person {i}", Network.PRIMARY) for i in range(8))
        assert render_svg(Ecomap("Ana", ties)) == render_svg(Ecomap("Ana", ties[::-1]))

    @pytest.mark.parametrize("count", [1, 2, 7, 13, 25])
    def test_no_box_overlaps_another_nor_a_line(self, count):
        ties = tuple(
            Tie(f"Someone with a rather long name {i}", network, detail="Family friend")
            for network in Network
            for i in range(count)
        )
        root = parse(render_svg(Ecomap("Ana", ties)))
        placed = boxes(root)
        assert len(placed) == 2 * count
        for index, (x1, y1) in enumerate(placed):
            for x2, y2 in placed[index + 1 :]:
                apart = abs(x1 - x2) >= BOX_WIDTH or abs(y1 - y2) >= BOX_HEIGHT
                assert apart, f"boxes at {(x1, y1)} and {(x2, y2)} overlap"
        lines = [group.find("svg:line", NS) for group in tie_groups(root)]
        for line in lines:
            x1, y1, x2, y2 = (float(line.get(name)) for name in ("x1", "y1", "x2", "y2"))
            for bx, by in placed:
                for step in range(1, 50):
                    t = step / 50
                    px, py = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                    inside = bx + 2 < px < bx + BOX_WIDTH - 2 and by + 2 < py < by + BOX_HEIGHT - 2
                    assert not inside, "a line crosses a box"

    def test_long_names_are_shortened_in_the_picture_but_kept_in_the_tooltip(self):
        name = "Sophie Lefèvre-Van den Bossche de la Tour d'Auvergne"
        root = parse(render_svg(Ecomap("Ana", (Tie(name, Network.PRIMARY),))))
        node = root.find(".//svg:g[@class='node node-primary']", NS)
        assert node.find("svg:title", NS).text == name
        label = node.find("svg:text", NS).text
        assert label.endswith("…") and len(label) <= 25

    def test_empty_sides_say_so(self):
        root = parse(render_svg(Ecomap("Ana")))
        texts = {text.text for text in root.iterfind("svg:text[@class='empty']", NS)}
        assert texts == {"No relation recorded", "No organisation involved"}
