"""``lifecircle batch``: units on Dask, seams, failures, --resume, --scheduler, bad boundaries.

The fast tests run on a synthetic street grid cut into two units; the seam
tests on the real central-Shanghai data are marked slow.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from lifecircle.cli import main
from lifecircle.output_guard import MARKER_NAME, read_marker
from tests.batch_seams import central_case, make_boundary, seam_differences
from tests.osm_fixtures import grid_osm, lonlat

GRID_N = 14
SPACING_M = 150.0
EXTENT_M = (GRID_N - 1) * SPACING_M
FACILITIES = [
    (300, 300, {"amenity": "kindergarten", "name": "东幼儿园"}),
    (1650, 1500, {"amenity": "kindergarten", "name": "西幼儿园"}),
    (975, 150, {"amenity": "clinic", "name": "社区卫生服务中心"}),
    (1800, 1800, {"leisure": "park", "name": "口袋公园"}),
    (150, 1650, {"shop": "supermarket", "name": "菜场"}),
    (1000, 1000, {"amenity": "school", "name": "实验小学"}),
]


def _config(folder: Path, boundary: str = "units.gpkg", name_column: str = "街道") -> Path:
    path = folder / "batch.yml"
    path.write_text(
        f"""
name: 测试区
sources:
  osm: streets.osm
study_area:
  boundary: {{path: {boundary}, name_column: {name_column}}}
demand: {{grid_size_m: 150}}
maps: {{basemap: none, offline: true}}
output: out
""",
        encoding="utf-8",
    )
    return path


def _grid_case(folder: Path, cols: int = 2, rows: int = 1) -> Path:
    """A street grid with facilities and a boundary of ``cols`` × ``rows`` named units."""
    folder.mkdir(parents=True, exist_ok=True)
    grid_osm(folder / "streets.osm", n=GRID_N, spacing_m=SPACING_M, facilities=FACILITIES)
    west, south = lonlat(0, 0)
    east, north = lonlat(EXTENT_M, EXTENT_M)
    make_boundary(folder / "units.gpkg", cols=cols, rows=rows, bbox=(west, south, east, north))
    return _config(folder)


def _city(out: Path) -> dict:
    return json.loads((out / "city" / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def grid_batch(tmp_path_factory):
    """The grid batch on a 2-worker LocalCluster and the whole run of the same boundary."""
    folder = tmp_path_factory.mktemp("grid_batch")
    config = _grid_case(folder, cols=2, rows=2)
    code = main(["batch", str(config), "--workers", "2", "--quiet"])
    assert code == 0
    assert main(["run", str(config), "--out", str(folder / "whole"), "--quiet"]) == 0
    return folder


def test_batch_equals_one_run_at_every_demand_point(grid_batch):
    seams = seam_differences(grid_batch / "whole", grid_batch / "out")
    assert seams["points"] > 100 and seams["categories"] >= 10
    assert seams["missing"] == seams["extra"] == seams["duplicated"] == 0
    assert seams["nan_mismatches"] == 0
    assert seams["max_abs_minutes"] <= 1e-6


def test_every_unit_has_a_run_folder_and_the_city_a_summary(grid_batch):
    out = grid_batch / "out"
    whole_entries = sorted(p.name for p in (grid_batch / "whole").iterdir())
    units = sorted((out / "units").iterdir())
    assert [p.name for p in units] == ["单元01", "单元02", "单元03", "单元04"]
    for unit in units:
        assert sorted(p.name for p in unit.iterdir()) == whole_entries
        summary = json.loads((unit / "summary.json").read_text(encoding="utf-8"))
        assert summary["study_area"] == unit.name
        assert summary["batch"]["unit_id"] == unit.name
        assert read_marker(unit)["command"] == "run"
    city = _city(out)
    assert city["units_count"] == {"ok": 4, "skipped": 0, "failed": 0}
    assert [u["folder"] for u in city["units"]] == [f"../units/{p.name}" for p in units]
    residents = sum(u["figures"]["population"]["residents"] for u in city["units"])
    whole = json.loads((grid_batch / "whole" / "summary.json").read_text(encoding="utf-8"))
    assert residents == pytest.approx(whole["population"]["residents"])
    for unit in city["units"]:
        ids = {row["indicator_id"] for row in unit["indicators"]}
        assert len(ids) >= 8
    assert read_marker(out)["command"] == "batch"
    assert set(read_marker(out)["entries"]) == {".cache", "city", "units"}


def test_resume_skips_complete_units_and_computes_the_rest(grid_batch, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(grid_batch / "out", out)
    shutil.rmtree(out / "units" / "单元03")
    summary_path = out / "units" / "单元02" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    del summary["batch"]  # as `lifecircle run` writes it: no config hash, so not resumed
    summary_path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    config = _config(grid_batch)
    code = main(["batch", str(config), "--out", str(out), "--resume", "--workers", "1"])
    assert code == 0
    status = {u["name"]: u["status"] for u in _city(out)["units"]}
    assert status == {"单元01": "skipped", "单元02": "ok", "单元03": "ok", "单元04": "skipped"}
    err = capsys.readouterr().err
    assert "--resume: 2 units complete, 2 to compute" in err
    assert "2/4" not in err.split("--resume")[0]  # the bar starts after the skipped units


def test_a_unit_folder_lifecircle_did_not_write_is_refused_before_any_work(
    grid_batch, tmp_path, capsys
):
    out = tmp_path / "out"
    shutil.copytree(grid_batch / "out", out)
    (out / "units" / "单元02" / MARKER_NAME).unlink()
    before = (out / "city" / "summary.json").stat().st_mtime_ns
    assert main(["batch", str(_config(grid_batch)), "--out", str(out), "--quiet"]) == 2
    assert "单元02" in capsys.readouterr().err
    assert (out / "city" / "summary.json").stat().st_mtime_ns == before


@pytest.mark.slow
def test_resume_recomputes_units_made_with_another_config(grid_batch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(grid_batch / "out", out)
    folder = tmp_path / "case"
    shutil.copytree(grid_batch, folder, ignore=shutil.ignore_patterns("out", "whole"))
    config = _config(folder)
    config.write_text(
        config.read_text(encoding="utf-8").replace("grid_size_m: 150", "grid_size_m: 200"),
        encoding="utf-8",
    )
    assert main(["batch", str(config), "--out", str(out), "--resume", "--quiet"]) == 0
    assert {u["status"] for u in _city(out)["units"]} == {"ok"}


def test_one_failing_unit_is_reported_and_the_others_complete(tmp_path, capsys):
    config = _grid_case(tmp_path, cols=2, rows=1)
    units = gpd.read_file(tmp_path / "units.gpkg")
    far_west, far_south = lonlat(EXTENT_M + 3000, 0)
    far_east, far_north = lonlat(EXTENT_M + 3600, 600)
    roadless = gpd.GeoDataFrame(
        {"街道": ["无路单元"], "name_en": ["no-roads"]},
        geometry=[shapely.box(far_west, far_south, far_east, far_north)],
        crs="EPSG:4326",
    )
    gpd.GeoDataFrame(pd.concat([units, roadless], ignore_index=True), crs=units.crs).to_file(
        tmp_path / "units.gpkg", driver="GPKG", layer="units"
    )
    code = main(["batch", str(config), "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert "unit 无路单元 failed" in err and "no roads" in err
    city = _city(tmp_path / "out")
    status = {u["name"]: u["status"] for u in city["units"]}
    assert status == {"单元01": "ok", "单元02": "ok", "无路单元": "failed"}
    failed = next(u for u in city["units"] if u["status"] == "failed")
    assert "no roads" in failed["error"] and failed["indicators"] is None
    assert not (tmp_path / "out" / "units" / "无路单元").exists()


def test_scheduler_address_runs_on_that_cluster(tmp_path):
    from dask.distributed import Client, LocalCluster

    config = _grid_case(tmp_path, cols=2, rows=1)
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        code = main(["batch", str(config), "--scheduler", cluster.scheduler_address, "-q"])
        handled = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert code == 0
    assert sum(handled.values()) >= 2  # the units ran on this cluster's worker
    city = _city(tmp_path / "out")
    engine = city["engine"]
    assert (engine["scheduler"], engine["workers"]) == (cluster.scheduler_address, 1)
    assert engine["osm_parse_s"] > 0  # the OSM file was parsed once, before the units
    assert city["units_count"]["ok"] == 2


@pytest.mark.parametrize(
    ("column", "rows", "expected"),
    [
        ("街道名", None, ("no column '街道名'", "units.gpkg", "['街道', 'name_en']")),
        ("街道", ["甲", "甲"], ("not unique", "['甲']")),
        ("街道", ["甲", " "], ("no name", "rows [2]")),
        ("街道", ["a/b", "a b"], ("not unique", "a/b")),
    ],
)
def test_bad_unit_names_are_refused_before_any_work(tmp_path, capsys, column, rows, expected):
    config = _grid_case(tmp_path, cols=2, rows=1)
    if rows is not None:
        units = gpd.read_file(tmp_path / "units.gpkg")
        units["街道"] = rows
        units.to_file(tmp_path / "units.gpkg", driver="GPKG", layer="units")
    _config(tmp_path, name_column=column)
    assert main(["batch", str(config)]) == 2
    err = capsys.readouterr().err
    for text in expected:
        assert text in err
    assert not (tmp_path / "out").exists()


def test_a_boundary_without_name_column_is_refused(tmp_path, capsys):
    config = _grid_case(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace(", name_column: 街道", ""), encoding="utf-8"
    )
    assert main(["batch", str(config)]) == 2
    assert "name_column" in capsys.readouterr().err


def test_an_output_of_another_command_is_refused(grid_batch, capsys):
    config = _config(grid_batch)
    assert main(["batch", str(config), "--out", str(grid_batch / "whole")]) == 2
    assert "lifecircle run" in capsys.readouterr().err


@pytest.mark.slow
def test_central_box_as_12_units_equals_the_whole_box_run(shanghai_central, tmp_path):
    config = central_case(tmp_path, shanghai_central)
    assert main(["batch", str(config), "--workers", "2", "--quiet"]) == 0
    assert main(["run", str(config), "--out", str(tmp_path / "whole"), "--quiet"]) == 0
    seams = seam_differences(tmp_path / "whole", tmp_path / "out")
    assert seams["points"] > 4000
    assert seams["missing"] == seams["extra"] == seams["duplicated"] == 0
    assert seams["nan_mismatches"] == 0
    assert seams["max_abs_minutes"] <= 1e-6
    assert _city(tmp_path / "out")["units_count"]["ok"] == 12


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--workers", "0"], "at least one worker"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "give one"),
    ],
)
def test_worker_options_are_checked_before_any_work(tmp_path, capsys, args, expected):
    config = _grid_case(tmp_path)
    assert main(["batch", str(config), *args]) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_empty_name_column_is_refused_by_the_schema(tmp_path, capsys):
    config = _grid_case(tmp_path)
    _config(tmp_path, name_column='" "')
    assert main(["batch", str(config)]) == 2
    assert "study_area.boundary.name_column" in capsys.readouterr().err


def test_a_scheduler_that_does_not_answer_is_a_user_error(tmp_path, capsys):
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _grid_case(tmp_path)
    address = f"tcp://127.0.0.1:{port}"
    assert main(["batch", str(config), "--scheduler", address, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"No Dask scheduler answered at {address}" in err and "dask scheduler" in err
    assert not (tmp_path / "out").exists()


def test_resume_hash_follows_every_input_file(tmp_path):
    """A changed facility list, shapefile sidecar or Geofabrik file makes units compute again."""
    import os

    from lifecircle.batch_units import input_files_identity
    from lifecircle.config import load_config

    (tmp_path / "geofabrik").mkdir()
    (tmp_path / "geofabrik" / "gis_osm_roads_free_1.dbf").write_bytes(b"roads")
    (tmp_path / "养老设施.csv").write_text("name,lng,lat\n甲,121.4,31.2\n", encoding="utf-8")
    for suffix in (".shp", ".dbf", ".shx"):
        (tmp_path / f"buildings{suffix}").write_bytes(b"x")
    config_path = tmp_path / "run.yml"
    config_path.write_text(
        """
sources:
  geofabrik: geofabrik
facilities:
  - {path: 养老设施.csv, category: day_care, x_column: lng, y_column: lat}
buildings: {path: buildings.shp}
output: out
""",
        encoding="utf-8",
    )
    config = load_config(config_path)
    before = input_files_identity(config)
    named = {Path(entry[0]).name for entry in before}
    assert named == {"gis_osm_roads_free_1.dbf", "养老设施.csv", "buildings.shp",
                     "buildings.dbf", "buildings.shx"}
    assert input_files_identity(config) == before  # nothing changed, same identity
    (tmp_path / "out").mkdir()  # the output folder does not count
    (tmp_path / "out" / "x.txt").write_text("x", encoding="utf-8")
    assert input_files_identity(config) == before
    for changed in ("养老设施.csv", "buildings.dbf", "geofabrik/gis_osm_roads_free_1.dbf"):
        path = tmp_path / changed
        stat = path.stat()
        path.write_bytes(path.read_bytes() + b"\n")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old time
        assert input_files_identity(config) != before, changed
        before = input_files_identity(config)
