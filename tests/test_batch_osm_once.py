"""A batch parses each OSM file once; every unit reads only its box from the parsed layers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from lifecircle.batch_cache import CACHE_FOLDER, cache_path, parse_osm_once
from lifecircle.batch_units import read_units, unit_tasks
from lifecircle.cli import main
from lifecircle.config import load_config
from lifecircle.layers.osm import read_osm
from lifecircle.layers.raw_io import RAW_LAYER_NAMES, read_raw_layers
from lifecircle.standards.profile import load_profile
from tests.batch_seams import make_boundary
from tests.osm_fixtures import grid_osm, lonlat, write_osm

#: A street, a pedestrian square between two streets, a building and a building
#: multipolygon with a hole, a pond, a canal, a railway in a tunnel, tagged nodes and areas.
NODES = {
    **{k: (100 * (k - 1), 0) for k in range(1, 6)},
    **{10 + k: (100 * (k - 1), 300) for k in range(1, 6)},
    21: (100, 100, {"amenity": "clinic", "name": "社区卫生服务中心", "capacity": "12"}),
    22: (300, 200, {"shop": "supermarket", "name": "菜场"}),
    31: (150, 120),
    32: (250, 120),
    33: (250, 180),
    34: (150, 180),
    41: (20, 20),
    42: (60, 20),
    43: (60, 60),
    44: (20, 60),
    51: (320, 20),
    52: (380, 20),
    53: (380, 80),
    54: (320, 80),
    55: (340, 40),
    56: (360, 40),
    57: (360, 60),
    58: (340, 60),
    61: (0, 400),
    62: (400, 420),
    71: (0, 500),
    72: (200, 520),
    73: (400, 500),
    81: (450, 100),
    82: (480, 100),
    83: (480, 130),
    84: (450, 130),
}
WAYS = [
    (1, [1, 2, 3, 4, 5], {"highway": "residential", "name": "南路"}),
    (2, [11, 12, 13, 14, 15], {"highway": "residential", "name": "北路", "foot": "yes"}),
    (3, [2, 12], {"highway": "footway", "layer": "1", "access": "private"}),
    (4, [3, 31, 13], {"highway": "service"}),
    (12, [33, 14], {"highway": "service"}),
    (5, [31, 32, 33, 34, 31], {"highway": "pedestrian", "area": "yes", "name": "广场"}),
    (6, [41, 42, 43, 44, 41], {"building": "apartments", "building:levels": "6"}),
    (7, [51, 52, 53, 54, 51], {}),
    (8, [55, 56, 57, 58, 55], {}),
    (9, [61, 62], {"waterway": "canal", "name": "河"}),
    (10, [71, 72, 73], {"railway": "subway", "tunnel": "yes"}),
    (11, [81, 82, 83, 84, 81], {"natural": "water", "name": "池"}),
]
RELATIONS = [
    (1, [("way", 7, "outer"), ("way", 8, "inner")], {"type": "multipolygon", "building": "yes"})
]


def _same(a: pd.Series, b: pd.Series) -> bool:
    if a.name == "vertex_ids":
        return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    return a.astype(object).where(a.notna(), None).tolist() == (
        b.astype(object).where(b.notna(), None).tolist()
    )


def test_parsed_layers_read_back_exactly_and_by_box(tmp_path):
    osm = write_osm(tmp_path / "town.osm", NODES, WAYS, RELATIONS)
    whole = read_osm(osm)
    gpkg = Path(parse_osm_once(str(osm), str(tmp_path / "cache" / "layers.gpkg")))
    back = read_raw_layers(gpkg)
    assert (back.source, back.attribution, back.report) == (
        whole.source,
        whole.attribution,
        whole.report,
    )
    for name in RAW_LAYER_NAMES:
        expected, got = getattr(whole, name), getattr(back, name)
        assert len(expected) > 0, name  # the fixture has every kind of layer
        assert set(got.columns) == set(expected.columns), name
        assert list(got.geom_type) == list(expected.geom_type), name
        assert shapely.equals_exact(got.geometry.values, expected.geometry.values, 0).all()
        for column in expected.columns.drop("geometry"):
            assert _same(expected[column], got[column]), (name, column)
    assert back.roads["road_id"].str.contains("#cross").any()  # the square's crossings
    # a box: everything that meets it, in the file's order, nothing else
    west, south = lonlat(-10, -10)
    east, north = lonlat(120, 140)
    box = shapely.box(west, south, east, north)
    part = read_raw_layers(gpkg, (west, south, east, north))
    for name in RAW_LAYER_NAMES:
        expected = getattr(whole, name)
        kept = expected[expected.intersects(box)]
        id_column = next(c for c in expected.columns if c.endswith("_id"))
        assert list(getattr(part, name)[id_column]) == list(kept[id_column]), name
    assert 0 < len(part.roads) < len(whole.roads)


def _grid_batch(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    facilities = [(300, 300, {"amenity": "kindergarten"}), (1500, 1200, {"amenity": "clinic"})]
    grid_osm(folder / "streets.osm", n=14, spacing_m=150.0, facilities=facilities)
    west, south = lonlat(0, 0)
    east, north = lonlat(1950, 1950)
    make_boundary(folder / "units.gpkg", cols=2, rows=2, bbox=(west, south, east, north))
    config = folder / "batch.yml"
    config.write_text(
        "sources: {osm: streets.osm}\n"
        "study_area: {boundary: {path: units.gpkg, name_column: 街道}}\n"
        "demand: {grid_size_m: 150}\n"
        "maps: {basemap: none, offline: true}\noutput: out\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def reads(monkeypatch):
    """Count OSM parses and record the box of every GeoPackage read (same process)."""
    import osmium

    seen: dict[str, list] = {"parsed": [], "read": []}
    processor, read_dataframe = osmium.FileProcessor, pyogrio.read_dataframe

    def parse(path, *args, **kwargs):
        seen["parsed"].append(Path(path))
        return processor(path, *args, **kwargs)

    def read(path, *args, **kwargs):
        seen["read"].append((Path(path), kwargs.get("layer"), kwargs.get("bbox")))
        return read_dataframe(path, *args, **kwargs)

    monkeypatch.setattr(osmium, "FileProcessor", parse)
    monkeypatch.setattr(pyogrio, "read_dataframe", read)
    return seen


def test_a_batch_parses_the_osm_file_once_and_each_unit_reads_its_box(tmp_path, reads):
    from dask.distributed import LocalCluster

    config_path = _grid_batch(tmp_path)
    osm = tmp_path / "streets.osm"
    config = load_config(config_path)
    profile = load_profile(config.profile, config.overrides, base_dir=config.base_dir)
    out = tmp_path / "out"
    tasks = unit_tasks(read_units(config, config_path), config, profile, out, (), "zh")
    boxes = {task.window.bbox for task in tasks}
    assert len(boxes) == 4
    # an in-process cluster, so the counters see what the workers do
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert main(["batch", str(config_path), "--scheduler", address, "-q"]) == 0
        cache = cache_path(out.resolve(), osm.resolve())
        assert cache.is_file() and [p.name for p in (out / CACHE_FOLDER).iterdir()] == [
            cache.parent.name
        ]
        assert reads["parsed"] == [osm.resolve()]  # once for the batch, not once per unit
        from_cache = [(layer, box) for path, layer, box in reads["read"] if path == cache]
        assert len(from_cache) == 4 * len(RAW_LAYER_NAMES)  # each unit reads each layer once
        assert {box for _, box in from_cache} == boxes  # and only its own box
        assert None not in {box for _, box in from_cache}

        # --resume reuses the parsed file for the units it computes again
        reads["parsed"].clear()
        reads["read"].clear()
        shutil.rmtree(out / "units" / "单元03")
        assert main(["batch", str(config_path), "--scheduler", address, "-q", "--resume"]) == 0
        assert reads["parsed"] == []
        assert {box for path, _, box in reads["read"] if path == cache} == {
            next(t.window.bbox for t in tasks if t.unit_id == "单元03")
        }

        # a changed OSM file is parsed again, into a new cache that replaces the old
        # one, and every unit is computed again from it
        reads["parsed"].clear()
        osm.write_text(osm.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert main(["batch", str(config_path), "--scheduler", address, "-q", "--resume"]) == 0
        assert reads["parsed"] == [osm.resolve()]
        city = json.loads((out / "city" / "summary.json").read_text(encoding="utf-8"))
        assert {unit["status"] for unit in city["units"]} == {"ok"}
        assert [p.name for p in (out / CACHE_FOLDER).iterdir()] == [
            cache_path(out.resolve(), osm.resolve()).parent.name
        ]
        assert not cache.exists()


def test_an_osm_file_that_cannot_be_parsed_stops_the_batch_before_any_unit(tmp_path, capsys):
    config_path = _grid_batch(tmp_path)
    (tmp_path / "streets.osm").write_text("<osm><node id='1' lat=", encoding="utf-8")
    assert main(["batch", str(config_path), "--workers", "1", "-q"]) == 2
    err = capsys.readouterr().err
    assert "streets.osm could not be read" in err and "Traceback" not in err
    assert list((tmp_path / "out" / "units").iterdir()) == []
    assert not any((tmp_path / "out" / CACHE_FOLDER).iterdir())  # no half-written cache
    assert not (tmp_path / "out" / "city").exists()
