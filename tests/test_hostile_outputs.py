"""Outputs that cannot hurt (issue #12, sections 1, 4 and 5).

A replayable table of hostile output paths: each must exit 2 with what/where/fix and
no traceback, leave no staging folder or lock behind, and leave the earlier output
and the user's files byte for byte as they were. Then the cases that must work
(replacing an earlier output, concurrent runs), runs stopped at every stage by a
real SIGTERM or SIGINT, a full and a read-only disk, and the profile copy that
``lifecircle sites`` reads.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.output import atomic_folder
from lifecircle.output_guard import MARKER_NAME, read_marker
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import STANDARDS_DIR
from tests.osm_fixtures import grid_osm, lonlat

# real runs, signals and concurrent subprocesses: in the full suite, not in make test-fast
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
KINDERGARTEN = {"amenity": "kindergarten", "name": "测试幼儿园"}
LEFTOVER_MARKS = (".partial-", "lifecircle-lock", "lifecircle-probe")
FAST = ["--quiet", "--basemap", "none"]


def bbox_arg() -> str:
    west, south = lonlat(50, 50)
    east, north = lonlat(450, 450)
    return f"{west},{south},{east},{north}"


@pytest.fixture(scope="module")
def earlier_output(tmp_path_factory) -> Path:
    """One real demo output folder, copied into each scene as the earlier output."""
    out = tmp_path_factory.mktemp("earlier") / "earlier"
    assert main(["demo", *FAST, "--out", str(out)]) == 0
    return out


def make_scene(root: Path, earlier: Path) -> Path:
    """A working folder with inputs, the user's own files and an earlier output."""
    (root / "data").mkdir()
    grid_osm(root / "data" / "roads.osm", facilities=[(200, 200, KINDERGARTEN)])
    (root / "docs").mkdir()
    (root / "docs" / "notes.txt").write_text("my own notes", encoding="utf-8")
    mine = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(121.44, 31.26)], crs=4326)
    mine.to_file(root / "docs" / "mine.gpkg", driver="GPKG")
    (root / "home").mkdir()
    (root / "home" / "thesis.txt").write_text("years of work", encoding="utf-8")
    (root / "cfg").mkdir()
    (root / "cfg" / "run.yml").write_text(
        f"sources: {{osm: ../data/roads.osm}}\nstudy_area: {{bbox: [{bbox_arg()}]}}\noutput: .\n",
        encoding="utf-8",
    )
    (root / "prof").mkdir()
    shutil.copy(STANDARDS_DIR / "shanghai.yml", root / "prof" / "p.yml")
    (root / "b").mkdir()
    west, south, east, north = (float(v) for v in bbox_arg().split(","))
    area = gpd.GeoDataFrame(
        {"name": ["area"]}, geometry=[shapely.box(west, south, east, north)], crs=4326
    )
    area.to_file(root / "b" / "area.geojson", driver="GeoJSON")
    (root / "cands").mkdir()
    (root / "cands" / "c.csv").write_text("lon,lat\n121.441,31.261\n", encoding="utf-8")
    shutil.copytree(earlier, root / "earlier")
    return root


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders)."""
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


def leftovers(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [
                p.name for p in folder.rglob(".*") if any(m in p.name for m in LEFTOVER_MARKS)
            ]
    return found


def assert_refused(code: int, err: str, fragments: tuple[str, ...]) -> None:
    assert code == EXIT_USER_ERROR, err
    assert "Traceback" not in err
    assert "lifecircle: error:" in err
    assert "Where:" in err and "Fix:" in err, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


@dataclass(frozen=True)
class Case:
    """One hostile command: ``argv(root)`` gives its arguments; ``says`` must be in stderr."""

    id: str
    argv: Callable[[Path], list[str]]
    says: tuple[str, ...]


def _run(*args: str) -> Callable[[Path], list[str]]:
    """Arguments with ``{root}`` standing for the scene folder."""
    return lambda root: [a.replace("{root}", str(root)) for a in args]


OSM = "{root}/data/roads.osm"
SITES = ("sites", "--quiet", "--from", "{root}/earlier", "--category", "day_care", "--k", "1")
LAYERS = ("layers", "--quiet", "--osm", OSM, "--bbox", bbox_arg())
CASES = [
    Case(
        "out-holds-the-input",
        _run("run", *FAST, "--osm", OSM, "--bbox", bbox_arg(), "--out", "{root}/data"),
        ("holds the input", "roads.osm"),
    ),
    Case(
        "out-is-the-input-file",
        _run("run", *FAST, "--osm", OSM, "--bbox", bbox_arg(), "--out", OSM),
        ("also an input",),
    ),
    Case(
        "out-is-a-user-folder", _run("demo", *FAST, "--out", "{root}/docs"), ("not a lifecircle",)
    ),
    Case("out-dot", _run("demo", *FAST, "--out", "."), ("working folder",)),
    Case(
        "out-config-dot", _run("run", *FAST, "{root}/cfg/run.yml"), ("holds the input", "run.yml")
    ),
    Case("out-home", _run("demo", *FAST, "--out", "{root}/home"), ("home folder",)),
    Case("out-root", _run("demo", *FAST, "--out", "/"), ("root of the file system",)),
    Case(
        "out-holds-the-profile",
        _run("demo", *FAST, "--profile", "{root}/prof/p.yml", "--out", "{root}/prof"),
        ("holds the input", "p.yml"),
    ),
    Case(
        "out-holds-the-boundary",
        _run(
            "run", *FAST, "--osm", OSM, "--boundary", "{root}/b/area.geojson", "--out", "{root}/b"
        ),
        ("holds the input", "area.geojson"),
    ),
    Case(
        "out-is-a-file",
        _run("demo", *FAST, "--out", "{root}/docs/notes.txt"),
        ("is a file",),
    ),
    Case(
        "out-under-a-file",
        _run("demo", *FAST, "--out", "{root}/docs/notes.txt/sub"),
        ("is a file",),
    ),
    Case(
        "out-name-300-bytes", _run("demo", *FAST, "--out", "{root}/" + "长" * 100), ("300 bytes",)
    ),
    Case(
        "out-in-proc",
        _run("demo", *FAST, "--out", "/proc/lifecircle-test/out"),
        ("Cannot write", "/proc/lifecircle-test/out"),
    ),
    Case(
        "earlier-output-with-a-user-file",
        _run("demo", *FAST, "--out", "{root}/earlier"),
        ("did not write", "notes.txt"),
    ),
    Case("sites-rewrite-of-a-run-with-a-user-file", _run(*SITES), ("did not write", "notes.txt")),
    Case(
        "sites-out-inside-from",
        _run(
            *SITES,
            "--out",
            "{root}/earlier/inner",
        ),
        ("inside the run folder",),
    ),
    Case(
        "sites-out-holds-the-candidates",
        _run(
            *SITES,
            "--candidates",
            "{root}/cands/c.csv",
            "--out",
            "{root}/cands",
        ),
        ("holds the input", "c.csv"),
    ),
    Case(
        "layers-over-its-input",
        _run(*LAYERS, "--out", OSM),
        ("also an input",),
    ),
    Case(
        "layers-into-a-folder",
        _run(*LAYERS, "--out", "{root}/docs"),
        ("is a folder",),
    ),
    Case(
        "layers-over-a-user-geopackage",
        _run(*LAYERS, "--out", "{root}/docs/mine.gpkg"),
        ("not written by `lifecircle layers`",),
    ),
    Case(
        "layers-not-gpkg",
        _run(*LAYERS, "--out", "{root}/x.osm"),
        ("does not end in .gpkg",),
    ),
    Case(
        "layers-in-proc",
        _run(*LAYERS, "--out", "/proc/x.gpkg"),
        ("Cannot write",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_output_is_refused_and_harms_nothing(
    case, tmp_path, earlier_output, monkeypatch, capsys
):
    root = make_scene(tmp_path, earlier_output)
    (root / "earlier" / "notes.txt").write_text("added by the user", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", str(root / "home"))
    before = snapshot(root)
    code = main(case.argv(root))
    assert_refused(code, capsys.readouterr().err, case.says)
    assert snapshot(root) == before
    assert leftovers(root) == []


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.id in {"out-holds-the-input", "out-config-dot", "layers-over-its-input"}
    ],
    ids=lambda c: c.id,
)
def test_hostile_output_end_to_end(case, tmp_path, earlier_output):
    """The same refusals through a real process: exit status 2, no traceback."""
    root = make_scene(tmp_path, earlier_output)
    before = snapshot(root)
    result = subprocess.run(
        [sys.executable, "-m", "lifecircle", *case.argv(root)],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    assert_refused(result.returncode, result.stderr, case.says)
    assert snapshot(root) == before


def test_replaces_an_earlier_output_and_an_empty_folder(tmp_path, earlier_output, capsys):
    target = tmp_path / "earlier"
    shutil.copytree(earlier_output, target)
    (target / "summary.json").write_text("stale", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    assert main(["demo", *FAST, "--out", str(target)]) == 0
    assert main(["demo", *FAST, "--out", str(tmp_path / "empty")]) == 0
    for folder in (target, tmp_path / "empty"):
        marker = read_marker(folder)
        assert marker is not None and marker["command"] == "demo"
        assert sorted(p.name for p in folder.iterdir()) == sorted([*marker["entries"], MARKER_NAME])
        assert (folder / "profile.yml").read_bytes() == (
            STANDARDS_DIR / "shanghai.yml"
        ).read_bytes()
    assert json.loads((target / "summary.json").read_text(encoding="utf-8"))["created"]
    assert leftovers(tmp_path) == []


def test_a_symlinked_output_replaces_the_folder_it_points_to(tmp_path, earlier_output):
    real = tmp_path / "real"
    shutil.copytree(earlier_output, real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert main(["demo", *FAST, "--out", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert read_marker(real) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_sites_rewrites_its_run_folder_in_place(tmp_path, earlier_output):
    run = tmp_path / "run"
    shutil.copytree(earlier_output, run)
    profile = (run / "profile.yml").read_bytes()
    argv = ["sites", "--quiet", "--from", str(run), "--category", "day_care", "--k", "1"]
    assert main(argv) == 0
    marker = read_marker(run)
    assert marker is not None and marker["command"] == "sites"
    assert sorted(p.name for p in run.iterdir()) == sorted([*marker["entries"], MARKER_NAME])
    assert (run / "profile.yml").read_bytes() == profile
    assert "sites" in json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_sites_on_a_run_without_marker_is_offered_a_folder_outside_it(
    tmp_path, earlier_output, capsys
):
    old = tmp_path / "old"
    shutil.copytree(earlier_output, old)
    (old / MARKER_NAME).unlink()  # as written before the marker existed
    before = snapshot(tmp_path)
    code = main(["sites", "--quiet", "--from", str(old), "--category", "day_care", "--k", "1"])
    assert_refused(code, capsys.readouterr().err, ("not a lifecircle output", f"{old}-sites"))
    assert snapshot(tmp_path) == before


def test_layers_replaces_only_its_own_geopackage(tmp_path, capsys):
    osm = grid_osm(tmp_path / "g.osm", facilities=[(200, 200, KINDERGARTEN)])
    out = tmp_path / "layers.gpkg"
    argv = ["layers", "--quiet", "--osm", str(osm), "--bbox", bbox_arg(), "--out", str(out)]
    assert main(argv) == 0
    first = out.stat().st_mtime_ns
    assert main(argv) == 0
    assert out.stat().st_mtime_ns != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.osm", "layers.gpkg"]


# ---------------------------------------------------------------------------
# Concurrent runs with the same --out


def test_two_concurrent_runs_end_with_one_complete_folder(tmp_path):
    out = tmp_path / "shared" / "out"
    command = [sys.executable, "-m", "lifecircle", "demo", *FAST, "--out", str(out)]
    runs = [subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE) for _ in range(2)]
    errors = [run.communicate(timeout=300)[1].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    marker = read_marker(out)
    assert marker is not None
    assert sorted(p.name for p in out.iterdir()) == sorted([*marker["entries"], MARKER_NAME])
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["population"]
    assert [p.name for p in (tmp_path / "shared").iterdir()] == ["out"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_many_swaps_of_one_folder_never_mix_or_leave_anything(tmp_path, monkeypatch, exchange):
    """Threads swapping the same folder at once: each result is one writer's complete folder."""
    if not exchange:
        monkeypatch.setattr("lifecircle.output._exchange", lambda first, second: False)
    target = tmp_path / "out"
    workers, rounds = 6, 8
    barrier = threading.Barrier(workers)
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for round_ in range(rounds):
                with atomic_folder(target, command="test") as staging:
                    for part in range(3):
                        (staging / f"part{part}.txt").write_text(f"{worker}-{round_}")
                    barrier.wait()
        except BaseException as exc:  # collected and re-raised in the test thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    texts = {(target / f"part{part}.txt").read_text() for part in range(3)}
    assert len(texts) == 1, texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------------------
# Runs stopped at each stage by a real signal

# Runs lifecircle in a child process and pauses it, printing PAUSED, where argv[1] says:
# on entering a progress stage ("stage:NAME"), or on the Nth GeoDataFrame.to_file call
# ("to_file:N", half-way through writing a GeoPackage), so the test can send a signal there.
PAUSER = """
import sys, time, contextlib
import geopandas
from lifecircle import progress
kind, _, arg = sys.argv[1].partition(":")

def pause():
    print("PAUSED", file=sys.stderr, flush=True)
    time.sleep(120)

real_stage = progress.Progress.stage
@contextlib.contextmanager
def stage(self, name):
    with real_stage(self, name) as info:
        if kind == "stage" and name == arg:
            pause()
        yield info

calls = []
real_to_file = geopandas.GeoDataFrame.to_file
def to_file(self, *args, **kwargs):
    calls.append(1)
    if kind == "to_file" and len(calls) == int(arg):
        pause()
    return real_to_file(self, *args, **kwargs)

progress.Progress.stage = stage
geopandas.GeoDataFrame.to_file = to_file
from lifecircle.cli import main
sys.exit(main(sys.argv[2:]))
"""

DEMO_STOPS = [
    "stage:build synthetic demo district",
    "stage:classify facilities and place residents",
    "stage:access, circles, service areas and gaps",
    "stage:write outputs",
    "to_file:3",  # half-way through results.gpkg, inside the staging folder
    "stage:maps and report",
]


def stop_at(where: str, argv: list[str], cwd: Path, signum: int) -> subprocess.CompletedProcess:
    """Run ``lifecircle argv`` until it reaches ``where``, send ``signum``, wait for the end."""
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSER, where, *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in child.stderr:
        lines.append(line)
        if line.strip() == "PAUSED":
            child.send_signal(signum)
            break
    try:
        out, rest = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        out, rest = child.communicate()
        pytest.fail(
            f"the run went on for 120 s after {signal.Signals(signum).name} at {where}; "
            f"its stderr:\n{''.join(lines)}{rest}"
        )
    return subprocess.CompletedProcess(child.args, child.returncode, out, "".join(lines) + rest)


def assert_stopped_cleanly(
    result: subprocess.CompletedProcess, signum: int, word: str, root: Path, before: dict
) -> None:
    """The signal reached the paused run, which said so, removed its staging and changed nothing."""
    assert "PAUSED" in result.stderr, result.stderr
    assert result.returncode == 128 + signum, result.stderr
    assert word in result.stderr and "Traceback" not in result.stderr
    assert snapshot(root) == before
    assert leftovers(root) == []


@pytest.mark.parametrize("stop", DEMO_STOPS)
def test_sigterm_at_each_stage_of_a_run(stop, tmp_path, earlier_output):
    root = tmp_path
    shutil.copytree(earlier_output, root / "earlier")
    (root / "mine.txt").write_text("mine", encoding="utf-8")
    before = snapshot(root)
    argv = ["demo", "--basemap", "none", "--out", str(root / "earlier")]
    result = stop_at(stop, argv, root, signal.SIGTERM)
    assert_stopped_cleanly(result, signal.SIGTERM, "terminated", root, before)


@pytest.mark.parametrize(
    ("command", "stop"),
    [
        ("demo", "stage:maps and report"),
        ("layers", "to_file:2"),  # half-way through the staged GeoPackage
        ("sites", "stage:write outputs"),
    ],
)
def test_ctrl_c_while_writing_each_command(command, stop, tmp_path, earlier_output):
    root = tmp_path
    shutil.copytree(earlier_output, root / "earlier")
    osm = grid_osm(root / "g.osm", facilities=[(200, 200, KINDERGARTEN)])
    argv = {
        "demo": ["demo", "--basemap", "none", "--out", str(root / "earlier")],
        "layers": ["layers", "--osm", str(osm), "--bbox", bbox_arg(), "--out", f"{root}/l.gpkg"],
        "sites": ["sites", "--from", str(root / "earlier"), "--category", "day_care", "--k", "1"],
    }[command]
    before = snapshot(root)
    result = stop_at(stop, argv, root, signal.SIGINT)
    assert_stopped_cleanly(result, signal.SIGINT, "interrupted", root, before)


# ---------------------------------------------------------------------------
# A full disk and a read-only disk (real tmpfs mounts; root only)


@pytest.fixture
def mount(tmp_path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs file systems under ``tmp_path``; skip where mounting is not allowed."""
    mounted: list[Path] = []

    def make(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr!r}")
        mounted.append(point)
        return point

    yield make
    for point in reversed(mounted):
        subprocess.run(["umount", str(point)], check=False)


@pytest.mark.parametrize("size", ["1m", "2m", "3m"])
def test_full_disk_is_a_user_error_and_keeps_the_earlier_output(mount, capsys, size):
    # the disk fills at different writers and stages; on the larger sizes GDAL's journal
    # can fail a commit and free its space again before it raises (the writer's words count)
    disk = mount(f"size={size}")
    with atomic_folder(disk / "out", command="test") as staging:
        (staging / "earlier.txt").write_text("earlier run", encoding="utf-8")
    before = snapshot(disk)
    code = main(["demo", *FAST, "--out", str(disk / "out")])
    assert_refused(code, capsys.readouterr().err, ("disk is full",))
    assert snapshot(disk) == before
    assert leftovers(disk) == []


@pytest.mark.parametrize("where", ["inside", "equal"])
def test_read_only_output_is_refused_before_any_work(where, mount, capsys):
    disk = mount("ro,size=1m")
    out = disk / "out" if where == "inside" else disk
    code = main(["demo", "--basemap", "none", "--out", str(out)])
    err = capsys.readouterr().err
    assert_refused(code, err, ("read-only",) if where == "inside" else ("mount point",))
    assert "classify facilities" not in err
    assert list(disk.iterdir()) == []


# ---------------------------------------------------------------------------
# Python API and the profile copy


@pytest.fixture(scope="module")
def demo_results():
    import lifecircle as lc

    return lc.analyse_all(lc.demo_layers())


@pytest.mark.parametrize(
    ("where", "says"),
    [("/proc/lifecircle-maps", "Cannot write"), ("file", "is a file")],
)
def test_write_maps_to_an_unwritable_place_raises_a_user_error(where, says, tmp_path, demo_results):
    import lifecircle as lc

    out = Path(where) if where.startswith("/") else tmp_path / "report.txt"
    if where == "file":
        out.write_text("a file", encoding="utf-8")
    with pytest.raises(LifecircleError, match=says) as caught:
        lc.write_maps(demo_results, out, basemap="none")
    assert caught.value.where and caught.value.fix
    assert leftovers(tmp_path) == []


def test_sites_uses_the_profile_copy_after_the_profile_file_moved(tmp_path):
    from lifecircle.layers.layerset_io import read_run
    from lifecircle.sites import _profile

    custom = tmp_path / "mine.yml"
    text = (STANDARDS_DIR / "shanghai.yml").read_text(encoding="utf-8")
    changed = text.replace(
        'minutes: {value: 5, source: assumption, confidence: I, note: "no standard radius',
        'minutes: {value: 9, source: assumption, confidence: I, note: "no standard radius',
    )
    assert changed != text
    custom.write_text(changed, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["demo", *FAST, "--profile", str(custom), "--out", str(out)]) == 0
    assert (out / "profile.yml").read_text(encoding="utf-8") == changed
    custom.rename(tmp_path / "moved.yml")
    _, summary = read_run(out)
    profile = _profile(summary, out)
    assert profile.categories["day_care"].threshold.value == 9
    (out / "profile.yml").unlink()
    with pytest.raises(LifecircleError, match="is gone"):
        _profile(summary, out)


def test_old_runs_without_a_copy_still_find_a_shipped_profile(tmp_path, earlier_output):
    from lifecircle.layers.layerset_io import read_run
    from lifecircle.sites import _profile

    out = tmp_path / "old"
    shutil.copytree(earlier_output, out)
    (out / "profile.yml").unlink()
    _, summary = read_run(out)
    summary["profile"]["path"] = "/elsewhere/standards/shanghai.yml"  # another install
    assert _profile(summary, out).id == "shanghai"


def test_the_marker_lists_exactly_what_a_run_wrote(earlier_output):
    marker = read_marker(earlier_output)
    assert marker is not None
    names = sorted(p.name for p in earlier_output.iterdir() if p.name != MARKER_NAME)
    assert marker["entries"] == names
    assert {"summary.json", "results.gpkg", "layers.gpkg", "profile.yml"} <= set(names)
    assert os.stat(earlier_output / MARKER_NAME).st_size > 0


def test_a_writer_that_says_the_disk_is_full_is_believed(tmp_path):
    """GDAL can roll its journal back before raising, so free space alone may look fine."""
    from lifecircle.maps.atomic import write_error

    said = RuntimeError("sqlite3_exec(INSERT …) failed: database or disk is full")
    error = write_error(said, tmp_path / "results.gpkg", "--out", tmp_path)
    assert isinstance(error, LifecircleError)
    assert "disk is full" in error.what and "Free some space" in error.fix
    assert write_error(RuntimeError("a bug"), tmp_path / "results.gpkg", "--out", tmp_path) is None
