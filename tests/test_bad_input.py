"""Bad input gets one project exception, a readable message, exit status 2, no traceback,
and no half-written output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.layers.osm import read_osm
from lifecircle.spatial.errors import LifecircleError
from tests.osm_fixtures import grid_osm, lonlat

KINDERGARTEN = {"amenity": "kindergarten", "name": "测试幼儿园"}


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err


def assert_user_error(code: int, err: str, *fragments: str) -> None:
    assert code == EXIT_USER_ERROR
    assert "Traceback" not in err
    assert "lifecircle: error:" in err
    assert "Fix:" in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def test_missing_file(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = run_cli(["run", "--osm", str(tmp_path / "nope.osm"), "--out", str(out)], capsys)
    assert_user_error(code, err, "does not exist", "nope.osm")
    assert not out.exists()


def test_empty_osm_file(tmp_path, capsys):
    empty = tmp_path / "empty.osm"
    empty.write_bytes(b"")
    code, err = run_cli(["run", "--osm", str(empty), "--out", str(tmp_path / "o")], capsys)
    assert_user_error(code, err, "empty", "empty.osm")


@pytest.mark.parametrize(
    "content",
    [b"this is not xml at all <<<", b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat='],
)
def test_corrupt_osm_file(tmp_path, capsys, content):
    bad = tmp_path / "bad.osm"
    bad.write_bytes(content)
    code, err = run_cli(["run", "--osm", str(bad), "--out", str(tmp_path / "o")], capsys)
    assert_user_error(code, err, "bad.osm")
    assert not (tmp_path / "o").exists()


def test_osm_with_no_data(tmp_path, capsys):
    path = tmp_path / "nothing.osm"
    path.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    code, err = run_cli(["run", "--osm", str(path), "--out", str(tmp_path / "o")], capsys)
    assert_user_error(code, err, "no nodes and no ways")


def test_ways_cut_at_extract_edge_are_split_and_reported(tmp_path):
    path = grid_osm(tmp_path / "cut.osm", n=5, missing_node_ids=(3, 13))
    raw = read_osm(path)
    report = {entry["issue"]: entry for entry in raw.report}
    assert report["ways cut at the extract edge"]["count"] >= 2
    assert "missing" in report["ways cut at the extract edge"]["detail"]
    for ids, line in zip(raw.roads["vertex_ids"], raw.roads.geometry, strict=True):
        assert 3 not in ids and 13 not in ids
        assert len(ids) == len(line.coords) >= 2


def test_cut_ways_still_run_end_to_end(tmp_path, capsys):
    path = grid_osm(
        tmp_path / "cut.osm",
        n=6,
        missing_node_ids=(8,),
        facilities=[(150, 150, KINDERGARTEN)],
    )
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--osm", str(path), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    issues = [entry["issue"] for entry in summary["input_report"]]
    assert "ways cut at the extract edge" in issues


def test_layer_without_crs(tmp_path, capsys):
    osm = grid_osm(tmp_path / "g.osm")
    boundary = gpd.GeoDataFrame({"name": ["片区"]}, geometry=[shapely.box(0, 0, 1, 1)])
    path = tmp_path / "boundary.shp"
    with pytest.warns(UserWarning, match="crs"):
        boundary.to_file(path)
    assert not path.with_suffix(".prj").exists()
    code, err = run_cli(
        ["run", "--osm", str(osm), "--boundary", str(path), "--out", str(tmp_path / "o")], capsys
    )
    assert_user_error(code, err, "no coordinate reference system", "boundary.shp")


def test_swapped_lon_lat_bbox(tmp_path, capsys):
    osm = grid_osm(tmp_path / "g.osm")
    code, err = run_cli(
        [
            "run",
            "--osm",
            str(osm),
            "--bbox",
            "31.25,121.43,31.27,121.45",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert_user_error(code, err, "--bbox")
    assert "swap" in err.lower() or "lat" in err.lower()


def test_swapped_lon_lat_in_facility_csv(tmp_path):
    from lifecircle.layers.planner_files import read_facility_list

    path = tmp_path / "care.csv"
    lon, lat = lonlat(100, 100)
    path.write_text(f"名称,lon,lat\n测试日间照料中心,{lat},{lon}\n", encoding="utf-8")
    with pytest.raises(LifecircleError) as info:
        read_facility_list(
            {"path": path, "crs": "EPSG:4326", "columns": {"name": "名称"}, "category": "day_care"},
            ["day_care"],
        )
    assert "care.csv" in str(info.value)


def test_invalid_geometries_are_repaired_and_counted(tmp_path):
    from lifecircle.layers.assemble import repair_geometries

    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    frame = gpd.GeoDataFrame(
        {"building_id": ["a", "b", "c"]},
        geometry=[bowtie, shapely.box(0, 0, 5, 5), None],
        crs="EPSG:32651",
    )
    report: list[dict] = []
    repaired = repair_geometries(frame, "buildings", report)
    assert repaired.geometry.is_valid.all()
    assert len(repaired) == 2
    issues = {entry["issue"]: entry for entry in report}
    invalid = issues["invalid geometries repaired (shapely.make_valid)"]
    assert invalid["count"] == 1 and "a" in invalid["detail"]
    assert issues["empty geometries dropped"]["count"] == 1


def test_study_area_with_no_roads(tmp_path, capsys):
    osm = grid_osm(tmp_path / "g.osm")
    code, err = run_cli(
        [
            "run",
            "--osm",
            str(osm),
            "--bbox",
            "121.60,31.10,121.61,31.11",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert_user_error(code, err, "no roads")


def test_category_without_facilities_is_reported_as_no_data(tmp_path):
    osm = grid_osm(tmp_path / "g.osm", facilities=[(200, 200, KINDERGARTEN)])
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--osm", str(osm), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    day_care = summary["care_coverage"]["categories"]["day_care"]
    assert day_care["facilities"] == 0 and day_care["population_share"] is None
    assert day_care["status"] == "no_data"
    assert "day_care" not in summary["gaps_by_category"]
    assert summary["life_circle"]["categories"]["kindergarten"]["population_share"] > 0


def test_facilities_beyond_snap_limit_are_reported(tmp_path):
    west, south = lonlat(-50, -50)
    east, north = lonlat(550, 550)

    def beyond_snap_limit(facility: tuple[float, float, dict[str, str]], name: str) -> dict:
        osm = grid_osm(tmp_path / f"{name}.osm", facilities=[(100, 100, KINDERGARTEN), facility])
        out = tmp_path / name
        bbox = f"{west},{south},{east},{north}"
        assert main(["run", "--quiet", "--osm", str(osm), "--bbox", bbox, "--out", str(out)]) == 0
        return json.loads((out / "summary.json").read_text(encoding="utf-8"))["snapping"]

    # 2 km away: outside the halo around the study area, so not part of the run at all
    far = beyond_snap_limit(
        (2000.0, 2000.0, {"amenity": "kindergarten", "name": "远处幼儿园"}), "far"
    )
    assert far["facilities_beyond_snap_limit"] == 0
    # 300 m beyond the last street, inside the halo: kept and reported
    near = beyond_snap_limit((250, 800, {"amenity": "kindergarten", "name": "偏远幼儿园"}), "near")
    assert near["facilities_beyond_snap_limit"] == 1
    assert len(near["facility_ids_beyond_snap_limit"]) == 1


def test_non_utf8_attribute_text_is_decoded_or_refused(tmp_path):
    from lifecircle.layers.planner_files import read_facility_list

    lon, lat = lonlat(100, 100)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(f"名称,lon,lat\n长者食堂一号,{lon},{lat}\n".encode("gbk"))
    frame = read_facility_list(
        {"path": gbk, "crs": "EPSG:4326", "columns": {"name": "名称"}, "category": "meal_point"},
        ["meal_point"],
    )
    assert frame["name"].tolist() == ["长者食堂一号"]

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"name,lon,lat\n\xff\xfe\x80\x81\x82\xfe,121.4,31.2\n")
    with pytest.raises(LifecircleError) as info:
        read_facility_list(
            {
                "path": garbage,
                "crs": "EPSG:4326",
                "columns": {"name": "name"},
                "category": "meal_point",
            },
            ["meal_point"],
        )
    assert "UTF-8" in str(info.value) and "garbage.csv" in str(info.value)


def test_gbk_shapefile_without_cpg_keeps_chinese(tmp_path):
    from lifecircle.layers.vector_io import read_vector

    frame = gpd.GeoDataFrame(
        {"name": ["彭越浦日间照料中心"]}, geometry=[shapely.Point(121.44, 31.26)], crs="EPSG:4326"
    )
    path = tmp_path / "care.shp"
    frame.to_file(path, encoding="gbk")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    read = read_vector(path)
    assert read["name"].tolist() == ["彭越浦日间照料中心"]


def test_failed_run_leaves_previous_output_untouched(tmp_path, capsys):
    osm = grid_osm(tmp_path / "g.osm", facilities=[(200, 200, KINDERGARTEN)])
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--osm", str(osm), "--out", str(out)]) == 0
    before = (out / "summary.json").read_bytes()
    code, _ = run_cli(["run", "--osm", str(tmp_path / "missing.osm"), "--out", str(out)], capsys)
    assert code == EXIT_USER_ERROR
    assert (out / "summary.json").read_bytes() == before
    leftovers = [p.name for p in tmp_path.iterdir() if ".partial-" in p.name]
    assert leftovers == []


def test_real_exit_code_and_no_traceback_in_a_subprocess(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lifecircle.cli", "run", "--osm", str(tmp_path / "x.osm")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert result.returncode == EXIT_USER_ERROR
    assert "Traceback" not in result.stderr
    assert "does not exist" in result.stderr
