"""Siting on real analysis output: candidates, coverage matrix, the entry point, what-if, CLI."""

from __future__ import annotations

import base64
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from lifecircle.analyses.access import compute_access
from lifecircle.analyses.siting import MaximalCovering, generate_candidates, recommend
from lifecircle.analyses.siting.candidates import category_gap_zones
from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.layers.layerset_io import read_run
from lifecircle.output_guard import MARKER_NAME
from lifecircle.spatial.errors import LifecircleError
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


def test_gap_zones_of_a_category_are_the_runs(demo_run, demo_inputs):
    """The entry point finds the same gap zones as the run wrote (generated candidates agree)."""
    layerset, _, access = demo_inputs
    for category in ("day_care", "meal_point", "kindergarten", "sports_court"):
        ours = category_gap_zones(layerset, access, category)
        run = _gaps(demo_run, category)
        assert len(ours) == len(run) > 0
        assert ours.geometry.union_all().symmetric_difference(
            run.geometry.union_all()
        ).area == pytest.approx(0.0, abs=1e-3)


def test_recommended_sites_agree_with_the_access_engine(demo_inputs):
    """Adding the chosen sites as facilities and re-running access gives the promised share."""
    layerset, profile, access = demo_inputs
    outcome = recommend(
        layerset, profile, category="day_care", k=3, generate=True, spacing_m=120.0,
        method="milp", access=access,
    )
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
    outcome = recommend(
        layerset, profile, category="day_care", target_share=0.99, candidates=one_plot,
        access=access,
    )
    assert outcome.summary["target_reached"] is False
    assert "99" in outcome.summary["message"]
    assert outcome.summary["share_after"] < 0.99


def test_from_layers_is_the_model_on_the_built_problem(demo_inputs):
    """The geographic constructor gives the same model as the coverage one on its problem."""
    layerset, profile, access = demo_inputs
    model = MaximalCovering.from_layers(
        layerset, profile, access, "day_care", layerset.candidates, capacitated=True
    )
    problem = model.problem
    assert problem.capacity is not None and problem.capacity.shape == (len(layerset.candidates),)
    same = MaximalCovering.from_coverage(
        problem.coverage, problem.weight, problem.already_covered, problem.capacity
    )
    a, b = model.solve(2), same.solve(2)
    assert a.objective == b.objective and a.selected.tolist() == b.selected.tolist()


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


# --------------------------------------------------------------------------
# The sites table is the solver's answer (capacity-aware and not)
# --------------------------------------------------------------------------

DAY_CARE_DEFAULT_PLACES = 40.0  # shanghai.yml: day_care capacity default (places)


def _sites_run(demo_run, out, *args) -> dict:
    code = main(["sites", "--quiet", "--from", str(demo_run), "--out", str(out), *args])
    assert code == 0
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["sites"]


def _candidates_file(demo_run, demo_inputs, tmp_path) -> tuple[list[str], dict[str, float]]:
    """A planner's file: some capacities given, some blank (those take the profile default)."""
    layerset, _, access = demo_inputs
    frame = generate_candidates(layerset, access, _gaps(demo_run, "day_care"), 150.0)
    frame = frame.iloc[::8].reset_index(drop=True)
    given = np.resize([25.0, np.nan, 60.0], len(frame))
    frame["candidate_id"] = [f"plot-{i}" for i in range(len(frame))]
    frame["capacity"] = given
    path = tmp_path / "plots.gpkg"
    frame.drop(columns="source").to_crs("EPSG:4326").to_file(path, driver="GPKG")
    expected = dict(
        zip(
            frame["candidate_id"],
            np.where(np.isnan(given), DAY_CARE_DEFAULT_PLACES, given),
            strict=True,
        )
    )
    return ["--candidates", str(path)], expected


@pytest.mark.parametrize(
    ("candidates", "capacitated"),
    [("run", True), ("file", True), ("generated", True), ("generated", False), ("run", False)],
)
def test_sites_table_adds_up_to_the_summary(
    demo_run, demo_inputs, tmp_path, candidates, capacitated
):
    """Per-site gains in sites.csv, the sites layer and summary.json sum to the solver's total."""
    args = ["--category", "day_care", "--k", "3"]
    expected_capacity: dict[str, float] = {}
    if candidates == "file":
        extra, expected_capacity = _candidates_file(demo_run, demo_inputs, tmp_path)
        args += extra
    elif candidates == "generated":
        args.append("--generate")
    if capacitated:
        args.append("--capacitated")
    out = tmp_path / "out"
    block = _sites_run(demo_run, out, *args)
    table = pd.read_csv(out / "tables" / "sites.csv", encoding="utf-8-sig")
    layer = gpd.read_file(out / "results.gpkg", layer="sites")
    total = block["new_target_covered"]
    assert total > 0
    assert len(table) == len(layer) == len(block["sites"]) == block["n_sites"] >= 1
    for frame in (table, layer, pd.DataFrame(block["sites"])):
        assert frame["new_target_covered"].sum() == pytest.approx(total, rel=1e-9)
    # day care counts older people: the target gain is the elderly gain
    np.testing.assert_allclose(table["new_elderly_covered"], table["new_target_covered"])
    assert table["cumulative_share"].iloc[-1] == pytest.approx(block["share_after"])
    assert (table["new_residents_covered"] >= table["new_elderly_covered"] - 1e-9).all()
    newly = gpd.read_file(out / "results.gpkg", layer="newly_covered_demand")
    assert (newly["elderly"] * newly["share_served"]).sum() == pytest.approx(total, rel=1e-9)
    if capacitated:
        assert block["capacitated"] is True
        assert (table["new_target_covered"] <= table["capacity"] + 1e-6).all()
        if candidates == "file":
            assert table["source"].eq("file:plots.gpkg").all()
            wanted = table["site_id"].map(expected_capacity)
        else:
            wanted = pd.Series(DAY_CARE_DEFAULT_PLACES, index=table.index)
        np.testing.assert_allclose(table["capacity"], wanted)
    else:
        assert table["capacity"].isna().all()
        assert (newly["share_served"] == 1.0).all()
        assert newly["elderly"].sum() == pytest.approx(total)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--category", "primary_school", "--k", "2", "--capacitated"], ["no default", "capacity"]),
        (
            ["--category", "elderly_service_centre", "--k", "2", "--capacitated"],
            ["not a number of people"],
        ),
        (["--category", "day_care", "--target-share", "0.9", "--capacitated"], ["--k"]),
        (
            ["--category", "day_care", "--k", "2", "--generate", "--candidates", "x.gpkg"],
            ["use one"],
        ),
    ],
)
def test_siting_option_errors_say_how_to_fix(demo_run, tmp_path, capsys, args, fragments):
    if "x.gpkg" in args:
        args = [a if a != "x.gpkg" else str(tmp_path / "x.gpkg") for a in args]
        demo_inputs_layer = gpd.read_file(demo_run / "layers.gpkg", layer="candidates")
        demo_inputs_layer.to_file(tmp_path / "x.gpkg", driver="GPKG")
    code = main(["sites", "--from", str(demo_run), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err
    assert not (tmp_path / "o").exists()


def test_brute_force_is_not_a_product_method(demo_run):
    with pytest.raises(SystemExit):
        main(["sites", "--from", str(demo_run), "--category", "day_care", "--k", "2",
              "--method", "brute-force"])


# --------------------------------------------------------------------------
# `lifecircle sites` writes only what changes
# --------------------------------------------------------------------------


def test_sites_command_draws_only_the_sites_page_index_and_report(
    demo_run, tmp_path, monkeypatch
):
    import lifecircle.analyses.subdistrict as subdistrict
    import lifecircle.maps.static as static
    import lifecircle.maps.write as write

    drawn: list[str] = []
    build_map = write.build_map

    def counting_build_map(ctx, kind, **kwargs):
        drawn.append(kind)
        return build_map(ctx, kind, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("drawn or analysed again")

    monkeypatch.setattr(write, "build_map", counting_build_map)
    for name in ("draw_map", "write_static_maps", "coverage_chart"):
        monkeypatch.setattr(static, name, refuse)
    monkeypatch.setattr(subdistrict, "analyse", refuse)
    out = tmp_path / "out"
    _sites_run(demo_run, out, "--category", "day_care", "--k", "2", "--generate")
    assert drawn == ["sites"]

    before = demo_run / "maps"
    kept = sorted(p.name for p in before.iterdir() if p.name != "index.html")
    assert any(name.endswith(".png") for name in kept)
    for name in kept:  # copied as they were: same bytes, same modification time
        assert (out / "maps" / name).read_bytes() == (before / name).read_bytes(), name
        assert (out / "maps" / name).stat().st_mtime_ns == (before / name).stat().st_mtime_ns
    index = (out / "maps" / "index.html").read_text(encoding="utf-8")
    for name in [*kept, "sites.html"]:
        assert f'href="{name}"' in index

    report = (out / "report.html").read_text(encoding="utf-8")
    original = (demo_run / "report.html").read_text(encoding="utf-8")
    link = '<li><a href="maps/sites.html">maps/sites.html</a></li>\n'
    assert link in report
    # the report gains the sites section, and embeds exactly the PNGs in maps/
    assert 'id="sites"' in report and 'id="sites"' not in original
    for name in [*(n for n in kept if n.endswith(".png")), "sites.png"]:
        encoded = base64.b64encode((out / "maps" / name).read_bytes()).decode("ascii")
        assert encoded in report, name
    sites_png = (
        '<figure><a href="sites.png"><img src="sites.png" alt="sites"></a>'
        "<figcaption>sites.png</figcaption></figure>"
    )
    before_index = (demo_run / "maps" / "index.html").read_text(encoding="utf-8")
    assert sites_png in index
    assert (
        index.replace('<li><a href="sites.html">新设施选址</a></li>', "").replace(sites_png, "")
        == before_index
    )
    for name in ("demand", "facilities", "service_areas", "gaps"):
        a = gpd.read_file(out / "results.gpkg", layer=name)
        b = gpd.read_file(demo_run / "results.gpkg", layer=name)
        pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))


def test_api_and_command_share_one_entry_point(demo_run, demo_inputs, tmp_path):
    """lc.recommend_sites and `lifecircle sites` give the same sites for the same question."""
    import lifecircle as lc

    assert lc.recommend_sites is recommend
    layerset, _, _ = demo_inputs
    api = lc.recommend_sites(layerset, "shanghai", category="day_care", k=3, generate=True,
                             capacitated=True)
    block = _sites_run(
        demo_run, tmp_path / "out", "--category", "day_care", "--k", "3", "--generate",
        "--capacitated",
    )
    assert api.summary["sites"] == block["sites"]
    assert api.summary["message"] == block["message"]
    assert api.summary["new_target_covered"] == block["new_target_covered"]


def test_given_candidates_need_ids_and_a_crs_and_may_be_polygons(demo_inputs):
    layerset, profile, access = demo_inputs

    def day_care(candidates, k=1):
        return recommend(
            layerset, profile, category="day_care", k=k, candidates=candidates, access=access
        )

    plots = layerset.candidates.iloc[:6].copy()
    with pytest.raises(LifecircleError, match="candidate_id"):
        day_care(plots.drop(columns="candidate_id"))
    with pytest.raises(LifecircleError, match="coordinate reference"):
        day_care(plots.set_crs(None, allow_override=True))
    with pytest.raises(LifecircleError, match="repeat"):
        day_care(plots.assign(candidate_id=["a", "b", "a", "c", "d", "e"]))
    hollow = plots.copy()
    hollow.loc[hollow.index[2], "geometry"] = None
    with pytest.raises(LifecircleError, match="no geometry"):
        day_care(hollow)
    polygons = plots.set_geometry(plots.buffer(20.0)).to_crs("EPSG:4326")
    outcome, points = day_care(polygons, k=2), day_care(plots, k=2)
    assert outcome.sites["site_id"].tolist() == points.sites["site_id"].tolist()
    inside = polygons.to_crs(layerset.crs).set_index("candidate_id").geometry
    for site_id, point in zip(outcome.sites["site_id"], outcome.sites.geometry, strict=True):
        assert inside[site_id].contains(point)


def test_a_run_folder_without_its_results_is_refused(demo_run, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("summary.json", "layers.gpkg", MARKER_NAME):
        (broken / name).write_bytes((demo_run / name).read_bytes())
    args = ["sites", "--from", str(broken), "--category", "day_care", "--k", "1"]
    assert main(args) == EXIT_USER_ERROR
    assert "results.gpkg does not exist" in capsys.readouterr().err
    demand = gpd.read_file(demo_run / "results.gpkg", layer="demand")
    demand.to_file(broken / "results.gpkg", layer="demand", driver="GPKG")
    assert main(args) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "lacks the layers" in err and "gaps" in err and "Traceback" not in err
