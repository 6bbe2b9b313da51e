"""Hostile run configs, profiles and command-line values: a replayable table.

Each case writes a run config (and the files it names) to tmp_path, runs the
command line in-process, and checks that it ends with exit status 2, no
traceback, a message with What / Where / Fix parts that names the right key,
and no output folder. A few cases run again through a real subprocess. Then
the inputs that must *not* stop a run: profile names as category values, rows
dropped by ``null``, a 0-byte Geofabrik .dbf, ``$`` in labels, formula-looking
names.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import STANDARDS_DIR
from tests.osm_fixtures import grid_osm, lonlat

REPO_ROOT = Path(__file__).resolve().parents[1]
LON, LAT = lonlat(150, 150)
LON2, LAT2 = lonlat(250, 250)
CARE_HEADER = "编号,名称,类别,面积,床位,lon,lat\n"


def care_csv(*rows: tuple[str, str, str, str, str]) -> str:
    """A facility list: (id, name, category, floor area m², places) per row, all at one point."""
    return CARE_HEADER + "".join(f"{','.join(row)},{LON},{LAT}\n" for row in rows)


CARE_LIST = (
    "facilities:\n  - path: care.csv\n    crs: EPSG:4326\n"
    "    columns: {facility_id: 编号, name: 名称, category: 类别, floor_area_m2: 面积, "
    "capacity: 床位}\n"
)


def billion_laughs(key: str) -> str:
    """The classic 9 × 10 document of nested anchors, under ``key`` (a mapping or a scalar)."""
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    if key == "name":
        return "laughs:\n" + "".join(f"  {line}\n" for line in lines) + "name: *lol9\n"
    return f"{key}:\n" + "".join(f"  {line}\n" for line in lines)


def shanghai_profile(old: str, new: str) -> str:
    text = (STANDARDS_DIR / "shanghai.yml").read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


DAY_CARE_MINUTES = 'minutes: {value: 5, source: assumption, confidence: I, note: "no standard'


@dataclass(frozen=True)
class Case:
    """One hostile input: config text, extra files, and what the message must say."""

    id: str
    config: str
    fragments: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    absent: tuple[str, ...] = ()


CASES = [
    # -- section 2: typos are refused with a did-you-mean, at the key the user wrote
    Case("typo walk_speed", "overrides: {walk_speed: {elderly: 0.7}}\n",
         ("run config key overrides.walk_speed", "Did you mean 'walk_speed_mps'?")),
    Case("typo eldery at top of overrides", "overrides: {eldery: 0.7}\n",
         ("run config key overrides.eldery",)),
    Case("typo eldery", "overrides: {walk_speed_mps: {eldery: 0.7}}\n",
         ("run config key overrides.walk_speed_mps.eldery", "Did you mean 'elderly'?"),
         absent=("shanghai.yml",)),
    Case("typo elderly_shar", "population: {elderly_shar: 0.3}\n",
         ("population.elderly_shar", "Did you mean 'elderly_share'?")),
    Case("typo placement", "population: {placment: grid}\n",
         ("population.placment", "Did you mean 'placement'?")),
    Case("sparse share 2", "population: {sparse_density_share: 2}\n",
         ("population.sparse_density_share", "0 to 1")),
    Case("osm values as text", "population: {residential_building_values: residential}\n",
         ("population.residential_building_values", "list")),
    Case("typo override elderly_shar", "overrides: {population: {elderly_shar: 0.3}}\n",
         ("overrides.population.elderly_shar", "Did you mean 'elderly_share'?")),
    Case("typo grid_size", "demand: {grid_size: 100}\n",
         ("demand.grid_size", "Did you mean 'grid_size_m'?")),
    Case("typo catgory_values",
         "facilities:\n  - {path: care.csv, columns: {category: 类别}, "
         "catgory_values: {日照: day_care}}\n",
         ("facilities[0].catgory_values", "Did you mean 'category_values'?")),
    Case("typo top-level key", "sourcez: {osm: g.osm}\n",
         ("unknown keys", "Did you mean 'sources'?")),
    Case("typo source type", "sources: {osmm: g.osm}\n",
         ("Unknown source types", "sources.osmm", "Did you mean 'osm'?")),
    Case("unknown map option", "maps: {colour: red}\n", ("Unknown map options", "maps.colour")),
    Case("typo bbox", "study_area: {bbx: [121.44, 31.26, 121.45, 31.27]}\n",
         ("study_area.bbx", "Did you mean 'bbox'?")),
    Case("typo column name", "facilities:\n  - {path: care.csv, columns: {nmae: 名称}}\n",
         ("facilities[0].columns.nmae", "Did you mean 'name'?")),
    Case("typo override category", "overrides: {categories: {day_car: {minutes: 10}}}\n",
         ("run config key overrides.categories.day_car", "Did you mean 'day_care'?")),
    Case("typo override minutes", "overrides: {categories: {day_care: {minuts: 10}}}\n",
         ("overrides.categories.day_care.minuts", "Did you mean 'minutes'?")),
    # -- section 2: out-of-range and non-finite numbers
    Case("share 4.8", "overrides: {population: {elderly_share: 4.8}}\n",
         ("overrides.population.elderly_share", "0 to 1")),
    Case("share 48", "population: {elderly_share: 48}\n", ("population.elderly_share", "0 to 1")),
    Case("share as percent text", "population: {elderly_share: '48%'}\n",
         ("population.elderly_share", "plain number")),
    Case("speed .inf", "overrides: {walk_speed_mps: {general: .inf}}\n",
         ("overrides.walk_speed_mps.general", "finite")),
    Case("speed 0", "overrides: {walk_speed_mps: {elderly: 0}}\n",
         ("overrides.walk_speed_mps.elderly", "0.1 to 5")),
    Case("snap 1e308 read as text", "overrides: {max_snap_m: 1e308}\n",
         ("overrides.max_snap_m", "YAML reads 1e5 as text")),
    Case("snap 1.0e+308", "overrides: {max_snap_m: 1.0e+308}\n",
         ("overrides.max_snap_m", "at most 5000")),
    Case("minutes .nan", "overrides: {categories: {day_care: {minutes: .nan}}}\n",
         ("overrides.categories.day_care.minutes", "finite"), absent=("limit_m",)),
    Case("minutes and distance",
         "overrides: {categories: {day_care: {minutes: 5, distance_m: 3}}}\n",
         ("overrides.categories.day_care", "not both")),
    Case("grid size with unit", "demand: {grid_size_m: 150m}\n", ("demand.grid_size_m",)),
    Case("grid size negative", "demand: {grid_size_m: -5}\n", ("demand.grid_size_m", "10 to 5000")),
    Case("grid shape", "demand: {grid_shape: circle}\n", ("demand.grid_shape", "hexagon")),
    Case("floor area per person 0", "population: {floor_area_per_person_m2: 0}\n",
         ("population.floor_area_per_person_m2",)),
    Case("dpi huge", "maps: {dpi: 1000000}\n", ("maps.dpi",)),
    # -- section 4: wrong types where a mapping, list or number belongs
    Case("study_area as text", "study_area: 宜川路街道\n",
         ("run config key study_area", "mapping")),
    Case("bbox holding text", "study_area: {bbox: [121.44, south, 121.45, 31.27]}\n",
         ("study_area.bbox[1]",)),
    Case("bbox of three numbers", "study_area: {bbox: [121.44, 31.26, 121.45]}\n",
         ("study_area.bbox",)),
    Case("bbox and boundary", "study_area: {bbox: [121.44, 31.26, 121.45, 31.27], "
         "boundary: units.gpkg}\n", ("study_area", "not both")),
    Case("columns as a list", "facilities:\n  - {path: care.csv, columns: [名称, 类别]}\n",
         ("facilities[0].columns", "mapping")),
    Case("overrides as text", "overrides: fast\n", ("run config key overrides", "mapping")),
    Case("facility without path", "facilities:\n  - {layer: care}\n",
         ("facilities[0].path is missing",)),
    Case("name as a list", "name: [a, b]\n", ("run config key name",)),
    # -- section 4: unknown crs
    Case("crs EPSG:999999", "facilities:\n  - {path: care.csv, crs: 'EPSG:999999'}\n",
         ("facilities[0].crs", "PROJ")),
    Case("crs amap", "facilities:\n  - {path: care.csv, crs: amap}\n",
         ("facilities[0].crs", "gcj02")),
    Case("crs 火星坐标", "facilities:\n  - {path: care.csv, crs: 火星坐标}\n",
         ("facilities[0].crs", "gcj02")),
    Case("boundary crs", "study_area: {boundary: {path: units.gpkg, crs: wgs-1984-ish}}\n",
         ("study_area.boundary.crs",)),
    # -- section 3: YAML bombs and malformed files
    Case("billion laughs under overrides", billion_laughs("overrides"),
         ("billion laughs", "aliases")),
    Case("billion laughs under name", billion_laughs("name"), ("billion laughs", "aliases")),
    Case("deeply nested list", "name: " + "[" * 5000 + "]" * 5000 + "\n",
         ("nests lists or mappings more than",)),
    Case("deeply nested mapping", "overrides: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n",
         ("nests lists or mappings more than",)),
    Case("duplicate key", "demand: {grid_size_m: 100}\ndemand: {grid_size_m: 200}\n",
         ("given twice",)),
    Case("YAML syntax", "demand: {grid_size_m: 100\n", ("not valid UTF-8 YAML",)),
    Case("config is a list", "- a\n- b\n", ("not a mapping",)),
    # -- section 2/4/6: the planner's facility list
    Case("floor area 1e308", CARE_LIST,
         ("floor_area_m2", "rows 2 (row numbers as Excel"),
         files={"care.csv": care_csv(("1", "甲", "day_care", "1e308", "40"))}),
    Case("negative capacity", CARE_LIST, ("capacity", "rows 3 (row numbers as Excel"),
         files={"care.csv": care_csv(("1", "甲", "day_care", "300", "40"),
                                     ("2", "乙", "day_care", "300", "-3"))}),
    Case("every unknown category value listed", CARE_LIST,
         (*(f"'类{i}'" for i in range(7)), "7 category values", "rows 2, 3, 4, 5, 6, 7, 8"),
         files={"care.csv": care_csv(*[(str(i), "甲", f"类{i}", "", "") for i in range(7)])}),
    Case("category_values onto an unknown id",
         CARE_LIST + "    category_values: {日照: day_care_centre}\n",
         ("'日照' → 'day_care_centre' (1 row)", "day_care (日间照料中心)"),
         files={"care.csv": care_csv(("1", "甲", "日照", "", ""))}),
    Case("duplicate facility ids", CARE_LIST, ("not unique", "rows 2, 3 (row numbers as Excel"),
         files={"care.csv": care_csv(("1", "甲", "day_care", "", ""),
                                     ("1", "乙", "day_care", "", ""))}),
    Case("replace_categories typo as text", CARE_LIST + "    replace_categories: day_car\n",
         ("replace_categories", "Did you mean 'day_care'?"),
         files={"care.csv": care_csv(("1", "甲", "day_care", "", ""))}),
    # -- standards profiles go through the same schema
    Case("profile speed .inf", "profile: custom.yml\n",
         ("standards profile key walk_speed_mps.general.value", "finite", "custom.yml"),
         files={"custom.yml": shanghai_profile("general: {value: 1.0,", "general: {value: .inf,")}),
    Case("profile minutes .nan", "profile: custom.yml\n",
         ("categories.day_care.minutes.value", "finite"), absent=("limit_m",),
         files={"custom.yml": shanghai_profile(
             DAY_CARE_MINUTES, DAY_CARE_MINUTES.replace("value: 5", "value: .nan"))}),
    Case("profile key typo", "profile: custom.yml\n",
         ("categories.day_care.minuts", "Did you mean 'minutes'?"),
         files={"custom.yml": shanghai_profile(DAY_CARE_MINUTES,
                                               "minuts" + DAY_CARE_MINUTES[7:])}),
    Case("profile share out of range", "profile: custom.yml\n",
         ("population.elderly_share.value", "0 to 1"),
         files={"custom.yml": shanghai_profile("elderly_share: {value: 0.25,",
                                               "elderly_share: {value: 25,")}),
]


def _write_case(case: Case, tmp_path: Path) -> Path:
    grid_osm(tmp_path / "g.osm", n=5, facilities=[(200, 200, {"amenity": "kindergarten"})])
    gpd.GeoDataFrame(
        {"name": ["甲居委"]}, geometry=[shapely.box(LON, LAT, LON2, LAT2)], crs="EPSG:4326"
    ).to_file(tmp_path / "units.gpkg", driver="GPKG")
    (tmp_path / "care.csv").write_text(care_csv(("1", "甲", "day_care", "", "")), encoding="utf-8")
    for name, text in case.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    text = case.config
    top_keys = {line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()}
    if text.lstrip().startswith("- "):
        pass  # a YAML list: nothing can be added
    else:
        text += "" if "sources" in top_keys else "sources: {osm: g.osm}\n"
        text += "" if "maps" in top_keys else "maps: {basemap: none}\n"
        text += "output: out\n"
    config = tmp_path / "run.yml"
    config.write_text(text, encoding="utf-8")
    return config


def assert_user_error(code: int, err: str, fragments, absent=()) -> None:
    assert code == EXIT_USER_ERROR, err
    assert "Traceback" not in err
    message = err.split("lifecircle: error:", 1)[-1]
    assert "lifecircle: error:" in err and "Where:" in message and "Fix:" in message, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    for fragment in absent:
        assert fragment not in err, f"{fragment!r} in {err!r}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_run_config_is_refused_with_a_clear_message(case, tmp_path, capsys):
    config = _write_case(case, tmp_path)
    code = main(["run", "--quiet", str(config)])
    assert_user_error(code, capsys.readouterr().err, case.fragments, case.absent)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


SUBPROCESS_CASES = ["typo eldery", "billion laughs under name", "crs 火星坐标", "floor area 1e308"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_hostile_config_in_a_real_subprocess(case_id, tmp_path):
    case = next(case for case in CASES if case.id == case_id)
    config = _write_case(case, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "lifecircle", "run", "--quiet", str(config)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, check=False,
    )
    assert_user_error(done.returncode, done.stderr, case.fragments, case.absent)
    assert not (tmp_path / "out").exists()


def _sites_folder(tmp_path: Path, summary_text: str) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "summary.json").write_text(summary_text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("summary_text", "extra", "fragments"),
    [
        ('{"lifecircle_summary_version": 1, "study_a', [], ("damaged", "summary.json")),
        ("[1, 2, 3]", [], ("JSON list", "summary.json")),
        ("{}", ["--time-limit", "0"], ("--time-limit", "greater than 0")),
        ("{}", ["--time-limit", "nan"], ("--time-limit",)),
        ("{}", ["--crs", "EPSG:999999"], ("--crs", "PROJ")),
        ("{}", ["--crs", "火星坐标"], ("--crs", "gcj02")),
    ],
    ids=["truncated summary", "summary is a list", "time limit 0", "time limit nan",
         "crs unknown", "crs nickname"],
)
def test_hostile_sites_values_are_refused(tmp_path, capsys, summary_text, extra, fragments):
    folder = _sites_folder(tmp_path, summary_text)
    before = sorted(p.name for p in folder.iterdir())
    out = tmp_path / "sites-out"
    args = ["sites", "--quiet", "--from", str(folder), "--category", "day_care", "--k", "1",
            "--out", str(out)]
    code = main(args + extra)
    assert_user_error(code, capsys.readouterr().err, fragments)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert not out.exists()


def test_the_python_api_is_checked_like_a_config_file(tmp_path):
    import lifecircle as lc

    osm = grid_osm(tmp_path / "g.osm")
    with pytest.raises(LifecircleError) as info:
        lc.load_layers(osm=osm, population={"elderly_shar": 0.3})
    assert "run config key population.elderly_shar" in str(info.value)
    assert "Did you mean 'elderly_share'?" in str(info.value)
    with pytest.raises(LifecircleError, match=r"facilities\[0\]\.crs"):
        lc.load_layers(osm=osm, facilities=[{"path": tmp_path / "x.csv", "crs": "amap"}])
    with pytest.raises(LifecircleError) as info:
        lc.load_profile("shanghai", {"walk_speed_mps": {"eldery": 0.7}})
    assert "run config key overrides.walk_speed_mps.eldery" in str(info.value)
    with pytest.raises(LifecircleError, match=r"overrides\.population\.elderly_share"):
        lc.load_profile("shanghai", {"population": {"elderly_share": float("inf")}})


def test_alias_limit_refuses_bombs_but_not_ordinary_anchors():
    import yaml

    from lifecircle.standards.safe_yaml import MAX_ALIASES, load_yaml_text

    with pytest.raises(yaml.YAMLError, match="aliases"):
        load_yaml_text(billion_laughs("overrides"))
    many = "base: &b 1\nitems: [" + ", ".join(["*b"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(yaml.YAMLError, match="aliases"):
        load_yaml_text(many)
    shared = load_yaml_text(
        "base: &base {crs: EPSG:4326, x_column: lng}\n"
        "a: {<<: *base, path: a.csv}\nb: {<<: *base, path: b.csv, x_column: x}\n"
    )
    assert shared["a"] == {"crs": "EPSG:4326", "x_column": "lng", "path": "a.csv"}
    assert shared["b"]["x_column"] == "x"


def test_formula_cells_are_neutralised_and_numbers_kept(tmp_path):
    from lifecircle.output import write_csv

    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "普通"],
            "delta": [-1.5, 2.0, -3.0, 0.0, 1.0, 1.0, 1.0],
            "count": [-1, 2, 3, 4, 5, 6, 7],
        }
    )
    write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert all(v.startswith("'") for v in back["name"][:6]) and back["name"][6] == "普通"
    assert back["name"][0] == '\'=HYPERLINK("http://x","y")'
    assert back["delta"].tolist() == frame["delta"].tolist()
    assert back["count"].tolist() == frame["count"].tolist()


@pytest.fixture(scope="module")
def tolerant_run(tmp_path_factory):
    """One run with inputs that must not stop it (written once, checked by several tests)."""
    tmp_path = tmp_path_factory.mktemp("tolerant")
    grid_osm(
        tmp_path / "g.osm",
        n=6,
        facilities=[(150, 150, {"amenity": "kindergarten", "name": "测试幼儿园"}),
                    (350, 350, {"name": "某某日间照料中心"})],
    )
    geofabrik = tmp_path / "geofabrik"
    geofabrik.mkdir()
    gpd.GeoDataFrame(
        {"osm_id": ["1"], "fclass": ["bus_stop"], "name": ["站"]},
        geometry=[shapely.Point(LON, LAT)], crs="EPSG:4326",
    ).to_file(geofabrik / "gis_osm_transport_free_1.shp")
    (geofabrik / "gis_osm_transport_free_1.dbf").write_bytes(b"")  # as in a real download
    west, south = lonlat(0, 0)
    east, north = lonlat(500, 500)
    gpd.GeoDataFrame(
        {"居委": ['=HYPERLINK("http://evil","点我")']},
        geometry=[shapely.box(west, south, east, north)], crs="EPSG:4326",
    ).to_file(tmp_path / "units.gpkg", driver="GPKG")
    (tmp_path / "care.csv").write_text(
        care_csv(("a1", "甲中心", "日间照料中心", "300", "40"),
                 ("a2", "乙店", "药店", "", ""),
                 ("a3", "丙店", "药店", "", ""),
                 ("a4", "丁园", "幼儿园", "", "")),
        encoding="utf-8",
    )
    profile = shanghai_profile(
        "name: {zh: 日间照料中心, en: Elderly day-care centre}",
        "name: {zh: 日间照料中心, en: '$\\undefinedmacro{$ day care'}",
    )
    (tmp_path / "custom.yml").write_text(profile, encoding="utf-8")
    (tmp_path / "run.yml").write_text(
        "profile: custom.yml\nsources: {osm: g.osm, geofabrik: geofabrik}\n"
        "study_area: {boundary: {path: units.gpkg, name_column: 居委}}\n"
        + CARE_LIST + "    category_values: {药店: null}\n"
        "maps: {basemap: none, lang: en}\noutput: out\n",
        encoding="utf-8",
    )
    assert main(["run", "--quiet", str(tmp_path / "run.yml")]) == 0
    out = tmp_path / "out"
    return out, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_profile_names_are_category_values_and_null_drops_rows(tolerant_run):
    out, summary = tolerant_run
    facilities = gpd.read_file(out / "results.gpkg", layer="facilities")
    planner = facilities[facilities["source"] == "planner:care.csv"]
    assert sorted(planner["facility_id"]) == ["care:a1", "care:a4"]
    assert dict(zip(planner["facility_id"], planner["category"], strict=True)) == {
        "care:a1": "day_care", "care:a4": "kindergarten"}
    report = {entry["issue"]: entry for entry in summary["input_report"]}
    assert report["planner rows dropped by category_values: null"]["count"] == 2


def test_an_empty_geofabrik_dbf_is_skipped_and_reported(tolerant_run):
    _, summary = tolerant_run
    report = {entry["issue"]: entry for entry in summary["input_report"]}
    skipped = report["Geofabrik layer without attributes skipped"]
    assert skipped["layer"] == "transport" and "0 bytes" in skipped["detail"]


def test_dollar_labels_are_drawn_as_text(tolerant_run):
    out, _ = tolerant_run
    pngs = list(out.rglob("*.png"))
    assert pngs and all(path.stat().st_size > 0 for path in pngs)


def test_formula_like_unit_names_stay_text_in_the_tables(tolerant_run):
    out, _ = tolerant_run
    texts = [path.read_text(encoding="utf-8-sig") for path in (out / "tables").glob("*.csv")]
    assert any("HYPERLINK" in text for text in texts)
    for text in texts:
        for line in text.splitlines():
            for cell in line.split(","):
                assert not cell.lstrip('"').startswith(("=", "@")), (cell, line)


def test_population_areas_with_more_elderly_than_residents_are_refused(tmp_path, capsys):
    case = Case("areas", "population:\n  areas: {path: areas.gpkg, columns: "
                "{residents: 常住人口, elderly: 老年人口}}\n", ())
    config = _write_case(case, tmp_path)
    west, south = lonlat(0, 0)
    east, north = lonlat(400, 400)
    gpd.GeoDataFrame(
        {"常住人口": [10_717], "老年人口": [51_442]},
        geometry=[shapely.box(west, south, east, north)], crs="EPSG:4326",
    ).to_file(tmp_path / "areas.gpkg", driver="GPKG")
    code = main(["run", "--quiet", str(config)])
    assert_user_error(code, capsys.readouterr().err, ("more elderly than residents", "areas.gpkg"))
    assert not (tmp_path / "out").exists()


def test_the_readme_run_config_passes_the_schema(tmp_path):
    from lifecircle.config import load_config

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### A run configuration", 1)[1].split("```yaml", 1)[1].split("```")[0]
    (tmp_path / "run.yml").write_text(block, encoding="utf-8")
    config = load_config(tmp_path / "run.yml")
    assert config.facilities[0]["category_values"]["药店"] is None
    assert config.overrides["walk_speed_mps"] == {"elderly": 0.7}


def test_replace_categories_written_as_text_is_one_category(tmp_path):
    from lifecircle.config import load_config

    (tmp_path / "run.yml").write_text(
        "facilities:\n  - {path: care.csv, category: day_care, replace_categories: day_care}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "run.yml")
    assert config.facilities[0]["replace_categories"] == ["day_care"]
    assert config.facilities[0]["path"] == tmp_path.resolve() / "care.csv"


def test_every_reported_input_problem_reads_in_the_run_language(tolerant_run):
    """Planner rows dropped, a skipped Geofabrik layer, a category without data: each entry
    has its sentence in the run's language (en in the config, zh when asked)."""
    from tests.test_input_report_language import assert_chinese

    out, summary = tolerant_run
    assert summary["maps"]["lang"] == "en"
    for entry in summary["input_report"]:
        assert entry["text"].startswith(entry["issue"])
    zh_out = out.parent / "out-zh"
    config = str(out.parent / "run.yml")
    assert main(["run", "--quiet", config, "--lang", "zh", "--out", str(zh_out)]) == 0
    in_chinese = json.loads((zh_out / "summary.json").read_text(encoding="utf-8"))
    assert_chinese(in_chinese["input_report"])
    texts = [e["text"] for e in in_chinese["input_report"]]
    assert any("缺少字段" in text and "0 字节" in text for text in texts)
    assert any(text.startswith("类别“小学”没有任何设施") for text in texts), texts
