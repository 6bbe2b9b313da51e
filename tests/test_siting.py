"""Siting on real analysis output: candidates, coverage matrix, models, what-if, CLI."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from lifecircle.analyses.access import compute_access
from lifecircle.analyses.siting.geography import build_problem, generate_candidates, recommend_sites
from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.layers.layerset_io import read_run
from lifecircle.standards.profile import load_profile
from tests.test_maps import embedded_data


@pytest.fixture(scope="module")
def demo_inputs(demo_run):
    layerset, _ = read_run(demo_run)
    profile = load_profile("shanghai")
    return layerset, profile, compute_access(layerset, profile)


def _gaps(demo_run, category):
    gaps = gpd.read_file(demo_run / "results.gpkg", layer="gaps")
    return gaps[gaps["kind_key"] == category]


def test_generated_candidates_stay_on_land_inside_the_study_area(demo_run, demo_inputs):
    layerset, _, access = demo_inputs
    zones = _gaps(demo_run, "meal_point")
    candidates = generate_candidates(layerset, access, zones, spacing_m=120.0)
    assert len(candidates) > 10
    assert candidates["candidate_id"].is_unique
    again = generate_candidates(layerset, access, zones, spacing_m=120.0)
    assert again.geometry.equals(candidates.geometry)  # stable for the same inputs
    river = layerset.water[layerset.water.geometry.geom_type == "Polygon"].geometry.union_all()
    rail = layerset.railways.geometry.union_all()
    assert not candidates.intersects(river).any()
    assert candidates.distance(rail).min() >= 15.0 - 1e-6
    assert candidates.within(layerset.study_area.buffer(1e-6)).all()
    assert candidates.within(zones.geometry.union_all().buffer(1e-6)).all()


def test_recommended_sites_agree_with_the_access_engine(demo_run, demo_inputs):
    """Adding the chosen sites as facilities and re-running access gives the promised share."""
    layerset, profile, access = demo_inputs
    candidates = generate_candidates(layerset, access, _gaps(demo_run, "day_care"), 120.0)
    problem = build_problem(layerset, profile, access, "day_care", candidates)
    outcome = recommend_sites(problem, layerset, k=3, method="milp")
    assert outcome.result.optimal and len(outcome.sites) == 3
    assert list(outcome.sites["rank"]) == [1, 2, 3]
    assert outcome.sites["new_elderly_covered"].is_monotonic_decreasing
    new = gpd.GeoDataFrame(
        {
            "facility_id": outcome.sites["site_id"],
            "category": "day_care",
            "name": "新址",
            "capacity": np.nan,
            "floor_area_m2": np.nan,
            "source": "test",
            "tags": "{}",
        },
        geometry=outcome.sites.geometry.values,
        crs=layerset.crs,
    )
    facilities = gpd.GeoDataFrame(
        pd.concat([layerset.facilities, new], ignore_index=True), crs=layerset.crs
    )
    after = compute_access(layerset.with_layers(facilities=facilities), profile)
    covered = after.covered("day_care")
    elderly = layerset.demand["elderly"].to_numpy()
    assert elderly[covered].sum() / elderly.sum() == pytest.approx(
        outcome.summary["share_after"], abs=1e-9
    )
    assert outcome.sites["cumulative_share"].iloc[-1] == pytest.approx(
        outcome.summary["share_after"]
    )


def test_unreachable_target_is_reported_not_raised(demo_inputs):
    layerset, profile, access = demo_inputs
    one_plot = layerset.candidates.iloc[:1].copy()
    problem = build_problem(layerset, profile, access, "day_care", one_plot)
    outcome = recommend_sites(problem, layerset, target_share=0.99)
    assert outcome.summary["target_reached"] is False
    assert "99" in outcome.summary["message"]
    assert outcome.summary["share_after"] < 0.99


def test_capacity_aware_sites_serve_at_most_their_capacity(demo_run, demo_inputs):
    layerset, profile, access = demo_inputs
    candidates = generate_candidates(layerset, access, _gaps(demo_run, "day_care"), 150.0)
    candidates["capacity"] = 40.0
    problem = build_problem(layerset, profile, access, "day_care", candidates, capacitated=True)
    outcome = recommend_sites(problem, layerset, k=2)
    assert outcome.result.objective <= 2 * 40.0 + 1e-6
    assert outcome.result.marginal_weight.max() <= 40.0 + 1e-6


def test_sites_command_writes_sites_layer_and_summary(demo_run, tmp_path):
    out = tmp_path / "with-sites"
    code = main(
        [
            "sites",
            "--quiet",
            "--from",
            str(demo_run),
            "--category",
            "meal_point",
            "--k",
            "4",
            "--generate",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    sites = gpd.read_file(out / "results.gpkg", layer="sites")
    for column in (
        "site_id",
        "rank",
        "category",
        "new_residents_covered",
        "new_elderly_covered",
        "cumulative_share",
    ):
        assert column in sites.columns
    assert len(sites) == 4 and set(sites["category"]) == {"meal_point"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["sites"]["category"] == "meal_point"
    assert summary["sites"]["share_after"] > summary["sites"]["share_before"]
    newly = gpd.read_file(out / "results.gpkg", layer="newly_covered_demand")
    areas = gpd.read_file(out / "results.gpkg", layer="site_service_areas")
    assert len(areas) == 4 and areas.geometry.area.min() > 0
    assert newly["elderly"].sum() == pytest.approx(sites["new_elderly_covered"].sum())
    html = (out / "maps" / "sites.html").read_text(encoding="utf-8")
    assert len(embedded_data(html, "sites")["features"]) == 4
    assert len(embedded_data(html, "site_areas")["features"]) == 4
    assert len(embedded_data(html, "newly")["features"]) == len(newly)
    assert "新增覆盖的居民点" in html
    # the earlier layers are still there, and the source run is untouched
    assert len(gpd.read_file(out / "results.gpkg", layer="demand")) == len(
        gpd.read_file(demo_run / "results.gpkg", layer="demand")
    )
    assert "sites" not in json.loads((demo_run / "summary.json").read_text(encoding="utf-8"))


def test_target_share_command(demo_run, tmp_path):
    out = tmp_path / "target"
    assert (
        main(
            [
                "sites",
                "--quiet",
                "--from",
                str(demo_run),
                "--category",
                "meal_point",
                "--target-share",
                "0.8",
                "--generate",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    block = json.loads((out / "summary.json").read_text(encoding="utf-8"))["sites"]
    assert block["model"] == "target_covering"
    assert block["target_reached"] is True and block["share_after"] >= 0.8
    assert block["n_sites"] == len(block["sites"]) >= 1


def test_evaluate_proposed_sites(demo_run, demo_inputs, tmp_path):
    layerset = demo_inputs[0]
    north = _gaps(demo_run, "day_care").sort_values("people_affected").geometry.iloc[-1]
    proposed = gpd.GeoDataFrame(
        {"category": ["day_care", "meal_point"], "name": ["拟建日间照料中心", "拟建长者食堂"]},
        geometry=[north.representative_point()] * 2,
        crs=layerset.crs,
    ).to_crs("EPSG:4326")
    path = tmp_path / "proposed.gpkg"
    proposed.to_file(path, driver="GPKG")
    out = tmp_path / "evaluated"
    assert (
        main(
            [
                "sites",
                "--quiet",
                "--from",
                str(demo_run),
                "--evaluate",
                str(path),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    block = json.loads((out / "summary.json").read_text(encoding="utf-8"))["sites_evaluation"]
    by_cat = {row["category"]: row for row in block["categories"]}
    assert set(by_cat) == {"day_care", "meal_point"}
    for row in by_cat.values():
        assert row["share_after"] > row["share_before"]
        assert row["newly_covered"] > 0
    units = pd.DataFrame(block["units"])
    assert (units["share_after"] >= units["share_before"] - 1e-12).all()
    assert (out / "tables" / "sites_evaluation.csv").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--category", "day_care", "--k", "2"], "summary.json"),
        (["--category", "no_such", "--k", "2"], "Unknown category"),
        (["--k", "2"], "--category"),
        (["--category", "day_care"], "--k N"),
    ],
)
def test_sites_command_errors(demo_run, tmp_path, capsys, args, fragment):
    source = tmp_path / "empty" if fragment == "summary.json" else demo_run
    source.mkdir(exist_ok=True)
    code = main(["sites", "--from", str(source), *args])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR
    assert fragment in err and "Traceback" not in err


def test_evaluate_a_csv_with_blank_categories_filled_by_the_option(demo_run, demo_inputs, tmp_path):
    layerset = demo_inputs[0]
    north = _gaps(demo_run, "day_care").sort_values("people_affected").geometry.iloc[-1]
    point = gpd.GeoSeries([north.representative_point()], crs=layerset.crs).to_crs("EPSG:4326")
    lon, lat = point.x.iloc[0], point.y.iloc[0]
    path = tmp_path / "proposed.csv"
    path.write_text(
        f"name,category,lon,lat\n拟建A,,{lon},{lat}\n拟建B,day_care,{lon},{lat}\n", encoding="utf-8"
    )
    out = tmp_path / "evaluated"
    assert (
        main(
            [
                "sites",
                "--quiet",
                "--from",
                str(demo_run),
                "--evaluate",
                str(path),
                "--category",
                "day_care",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    block = json.loads((out / "summary.json").read_text(encoding="utf-8"))["sites_evaluation"]
    assert [row["proposed_sites"] for row in block["categories"]] == [2]
