"""The report's data and method section (数据说明) puts the assumptions where planners read."""

from __future__ import annotations

import re

import pytest

from lifecircle.maps.data_section import data_section
from lifecircle.maps.labels import category_name, t


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_threshold_is_listed_with_its_source_and_confidence(demo_results, lang):
    html = data_section(demo_results, lang)
    profile = demo_results.profile
    rows = re.findall(r"<tr><td>(.*?)</td>", html)
    assert rows == [category_name(profile, c, lang) for c in demo_results.access.rules]
    for rule in demo_results.access.rules.values():
        source = rule.threshold.source
        expected = t("data_assumed_source", lang) if source == "assumption" else None
        assert (expected or profile.sources[source]) in html
    assert t("confidence_I", lang) in html  # the assumed care radii say so
    assert demo_results.layerset.crs.to_string() in html


def test_demo_states_its_population_method(demo_results):
    zh, en = data_section(demo_results, "zh"), data_section(demo_results, "en")
    assert "人口方法" in zh and "population method: buildings" in en
    assert "population method" not in zh


def test_the_report_says_how_gap_zones_are_drawn(demo_results):
    zh, en = data_section(demo_results, "zh"), data_section(demo_results, "en")
    assert "止于离已覆盖居民点更近之处" in zh and "where a served resident is nearer" in en
    assert "served resident" not in zh
