"""The project files agree with each other: dependencies, CI command, layering."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest
import yaml

from tests.conftest import REPO_ROOT

# conda-forge names that differ from PyPI names.
CONDA_TO_PYPI = {"pyosmium": "osmium"}
#: Repository folder of each subpackage, lowest first: a package may import only those before it.
LAYER_ORDER = ["spatial", "standards", "layers", "analyses", "maps", "lifecircle"]
TOP_NAMES = {"spatial", "standards", "layers", "analyses", "maps"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_declares_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pypi = {_name(r) for r in project["dependencies"]}
    pypi |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {
        CONDA_TO_PYPI.get(_name(dep), _name(dep))
        for dep in env["dependencies"]
        if isinstance(dep, str) and _name(dep) not in {"python", "pip"}
    }
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda |= {_name(r) for r in dep.get("pip", [])}
    assert conda == pypi


def test_ci_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1].strip() == "make test"
    assert "make test" in readme and "make demo" in readme


def _modules(path) -> set[str]:
    """Every absolute module name a file imports (relative imports are not used)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; write lifecircle.… in full"
            names.add(node.module)
    return names


def _imports(path) -> set[str]:
    """The lifecircle layers a file imports, named by folder (``lifecircle`` = the app)."""
    layers = set()
    for module in _modules(path):
        parts = module.split(".")
        if parts[0] != "lifecircle":
            continue
        layers.add(parts[1] if len(parts) > 1 and parts[1] in TOP_NAMES else "lifecircle")
    return layers


def _source_files():
    for folder in [*LAYER_ORDER, "tests", "benchmarks", "examples"]:
        yield from (REPO_ROOT / folder).rglob("*.py")


def test_imports_go_one_way():
    """application → maps → analyses → layers → standards → spatial; never back up."""
    for rank, package in enumerate(LAYER_ORDER):
        higher = set(LAYER_ORDER[rank + 1 :])
        for path in (REPO_ROOT / package).rglob("*.py"):
            reaching_up = _imports(path) & higher
            assert not reaching_up, f"{path.relative_to(REPO_ROOT)} imports {reaching_up}"


def test_nothing_imports_a_bare_top_level_folder():
    """``import maps`` would pick up a user's own maps/ folder: always lifecircle.maps."""
    for path in _source_files():
        bare = {m for m in _modules(path) if m.split(".")[0] in TOP_NAMES}
        assert not bare, f"{path.relative_to(REPO_ROOT)} imports {sorted(bare)}"


def test_spatial_has_no_io_or_folium():
    for path in (REPO_ROOT / "spatial").rglob("*.py"):
        imports = _imports(path)
        assert not imports & {"folium", "pyogrio", "fiona", "rasterio", "osmium"}, path


HEAVY_MODULES = ("folium", "matplotlib", "osmium", "osmnx", "rasterio")


def _python(code: str, cwd, env_extra: dict[str, str] | None = None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_import_and_help_load_no_heavy_module(tmp_path):
    code = (
        "import sys, lifecircle, lifecircle.cli\n"
        "try:\n    lifecircle.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY_MODULES!r}))"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_lifecircle_runs_the_command_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "lifecircle", "--help"], cwd=tmp_path, capture_output=True,
        text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: lifecircle" in done.stdout


def test_a_users_maps_or_spatial_folder_does_not_shadow_lifecircle(tmp_path):
    """A notebook folder holding maps/ and spatial/ packages, and another `maps` on the path."""
    for name in ("maps", "spatial", "layers", "analyses", "standards"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("raise ImportError('user folder')\n")
    other = tmp_path / "site" / "maps"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text("MapOptions = None  # an unrelated distribution\n")
    (tmp_path / "site" / "maps-9.9.dist-info").mkdir()
    (tmp_path / "site" / "maps-9.9.dist-info" / "METADATA").write_text("Name: maps\nVersion: 9.9\n")
    code = (
        "import lifecircle as lc\n"
        "from lifecircle.maps import MapOptions\n"
        "assert MapOptions is not None\n"
        "layers = lc.demo_layers()\n"
        "print(len(layers.demand) > 0, lc.load_profile('shanghai').id)"
    )
    done = _python(code, tmp_path, {"PYTHONPATH": str(tmp_path / "site")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "shanghai"]


@pytest.mark.slow
def test_the_wheel_installs_exactly_one_top_level_name(tmp_path):
    """Built as pip builds it for users; no network (the venv has setuptools and wheel)."""
    # build from a copy: setuptools writes build/ and *.egg-info beside the sources, and a
    # stale egg-info SOURCES.txt would hide a missing package-data line
    source = tmp_path / "source"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "out", "__pycache__", ".*_cache",
        ".hypothesis", "results",
    ))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("lifecircle-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"lifecircle"}
    for needed in (
        "lifecircle/spatial/graph.py",
        "lifecircle/standards/shanghai.yml",
        "lifecircle/standards/gb50180-2018.yml",
        "lifecircle/layers/demo/district.py",
        "lifecircle/analyses/siting/__init__.py",
        "lifecircle/maps/write.py",
        "lifecircle/maps/assets/lifecircle.js",
        "lifecircle/maps/assets/lifecircle.css",
        "lifecircle/maps/assets/leaflet/leaflet.js",
        "lifecircle/maps/assets/leaflet/leaflet.css",
        "lifecircle/maps/assets/leaflet/LICENSE",
        "lifecircle/maps/assets/leaflet/images/layers.png",
        "lifecircle/maps/assets/leaflet/images/layers-2x.png",
        "lifecircle/maps/assets/leaflet/images/marker-icon.png",
        "lifecircle/__main__.py",
    ):
        assert needed in names
    assert not any(name.startswith("lifecircle/tests") for name in names)


def test_maps_public_names_resolve_and_light_modules_stay_light(tmp_path):
    """``lifecircle.maps`` loads folium only when a drawing function is asked for."""
    code = (
        "import sys, lifecircle.maps as m, lifecircle.maps.atomic, lifecircle.maps.options\n"
        "light = [x for x in ('folium', 'matplotlib') if x in sys.modules]\n"
        "names = sorted(n for n in m.__all__ if getattr(m, n) is not None)\n"
        "print(light, names == sorted(m.__all__), m._PUBLIC.keys() == set(m.__all__))"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "True", "True"]
