"""The map page without a browser: self-contained, safely embedded data, a layout without overlaps."""

from __future__ import annotations

import html
import itertools
import json
import re
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.export import map_html
from journeymap.export.mappage import layout as geometry
from journeymap.model import Journey
from tests.export.journeys import odd_journey
from tests.strategies import journeys

DATA = re.compile(r'<script type="application/json" id="journey-data">(.*?)</script>', re.S)


def embedded_data(page: str) -> dict[str, object]:
    match = DATA.search(page)
    assert match, "no embedded data"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_page_is_self_contained(journey: Journey) -> None:
    page = map_html(journey)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp and "default-src 'none'" in html.unescape(csp.group(1))
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc\s*=", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls


def test_embedded_data_survives_script_end_tags(journey: Journey) -> None:
    page = map_html(journey)
    data = embedded_data(page)
    names = {t.id: t.name for t in journey.touchpoints}
    assert {k: v["name"] for k, v in data["touchpoints"].items()} == names  # type: ignore[attr-defined]
    assert page.count("<script") == 2 and page.count("</script>") == 2  # a name's </script> did not leak


def test_map_svg_is_well_formed_with_one_card_per_touchpoint(journey: Journey) -> None:
    page = map_html(journey)
    svg = re.search(r'<svg class="map".*?</svg>', page, re.S)
    assert svg
    root = ET.fromstring(svg.group(0))
    cards = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-touchpoint")]
    assert sorted(g.get("data-touchpoint") for g in cards) == sorted(t.id for t in journey.touchpoints)
    outcomes = [
        g.get("data-outcome") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-outcome")
    ]
    assert sorted(outcomes) == sorted(o.id for o in journey.outcomes)
    edges = [p.get("data-edge") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("data-edge")]
    assert sorted(edges) == sorted(f"{t.source}->{t.target}" for t in journey.transitions)
    titles = {g.get("data-touchpoint"): g.find("{http://www.w3.org/2000/svg}title") for g in cards}
    for tp in journey.touchpoints:
        title = titles[tp.id]
        assert title is not None and title.text == tp.name.replace("\r\n", "\n").replace("\r", "\n")


def test_pain_paths_are_listed_in_rank_order(journey: Journey) -> None:
    from journeymap.engine import top_paths

    page = map_html(journey)
    expected = top_paths(journey, k=5, rank="pain")["paths"]
    ranks = [int(r) for r in re.findall(r'data-path-rank="(\d+)"', page)]
    assert ranks == [p["rank"] for p in expected]
    assert [p["nodes"] for p in embedded_data(page)["paths"]] == [p["nodes"] for p in expected]  # type: ignore[index]


def assert_no_overlap(placed: geometry.Layout) -> None:
    boxes = list(placed.cards.values())
    for i, a in enumerate(boxes):
        assert a.x >= 0 and a.right <= placed.width and a.y >= 0 and a.bottom <= placed.height
        for b in boxes[i + 1 :]:
            apart = a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y
            assert apart, f"{a.id} overlaps {b.id}"


def test_layout_of_200_touchpoints_has_no_overlaps(big: Journey) -> None:
    placed = geometry.compute(big)
    assert len(placed.cards) == 200 + 1 + 2
    assert_no_overlap(placed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(max_touchpoints=12))
def test_layout_never_overlaps(journey: Journey) -> None:
    assert_no_overlap(geometry.compute(journey))


def test_wrapped_lines_fit_the_card(journey: Journey, big: Journey) -> None:
    room = geometry.CARD_WIDTH - 2 * geometry.CARD_PADDING
    names = [tp.name for tp in [*journey.touchpoints, *big.touchpoints]] + ["Supercalifragilistic" * 4]
    for name in names:
        lines = geometry.wrap(name, room)
        assert 1 <= len(lines) <= geometry.MAX_NAME_LINES
        assert all(geometry.text_width(line, geometry.NAME_FONT) <= room for line in lines)
    long = "客戶服務中心電話等候時間過長導致客戶流失" * 3
    lines = geometry.wrap(long, room)
    assert len(lines) == geometry.MAX_NAME_LINES and lines[-1].endswith("…")
    assert "".join(lines).rstrip("…") == long[: len("".join(lines)) - 1]


def test_stage_columns_are_grouped_by_phase() -> None:
    doc_journey = odd_journey()
    order = geometry.ordered_stages(doc_journey)
    phases = [next(s.phase for s in doc_journey.stages if s.id == sid) for sid in order]
    assert phases == sorted(phases, key=["pre_sale", "sale", "after_sale"].index)


LANE_VALUES = ["front-stage", "back-stage", "support", "Partner <b>&</b>", None]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(max_touchpoints=12), st.data())
def test_swimlanes_keep_cards_apart_and_inside_their_lane(journey: Journey, data: st.DataObject) -> None:
    lanes = [data.draw(st.sampled_from(LANE_VALUES)) for _ in journey.touchpoints]
    touchpoints = [
        tp.model_copy(update={"lane": lane}) for tp, lane in zip(journey.touchpoints, lanes, strict=True)
    ]
    journey = journey.model_copy(update={"touchpoints": touchpoints})
    plain = geometry.compute(journey)
    placed = geometry.compute(journey, "lane")
    assert_no_overlap(placed)
    assert [c.x for c in placed.columns] == [c.x for c in plain.columns]  # the switch moves cards only down
    rows = {lane.key: lane for lane in placed.lanes}
    assert list(rows) == geometry.lane_order(journey, "lane")
    for tp in journey.touchpoints:
        row, box = rows[(tp.lane or "").strip()], placed.cards[tp.id]
        assert row.y + geometry.LANE_HEADER <= box.y and box.bottom <= row.y + row.height
        assert box.x == plain.cards[tp.id].x
    for upper, lower in itertools.pairwise(placed.lanes):
        assert upper.y + upper.height <= lower.y


def test_the_page_offers_the_swimlanes_the_journey_can_fill() -> None:
    page = map_html(odd_journey())
    assert re.findall(r'<select id="lanes">(.*?)</select>', page, re.S)[0].count("<option") == 1 + len(
        geometry.groupings(odd_journey())
    )
    data = embedded_data(page)
    assert set(data["views"]) == {"none", *geometry.groupings(odd_journey())}  # type: ignore[arg-type]
