"""The project files agree with each other: dependencies, CI command, layering."""

from __future__ import annotations

import ast
import re
import tomllib

import yaml

from tests.conftest import REPO_ROOT

# conda-forge names that differ from PyPI names.
CONDA_TO_PYPI = {"pyosmium": "osmium"}
LAYER_ORDER = ["spatial", "layers", "analyses", "maps", "lifecircle"]


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
    assert "make test" in ci.splitlines()[-1]
    assert "make test" in readme and "make demo" in readme


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imports_go_one_way():
    """application → maps → analyses → layers → spatial; never back up."""
    for rank, package in enumerate(LAYER_ORDER):
        higher = set(LAYER_ORDER[rank + 1 :])
        for path in (REPO_ROOT / package).rglob("*.py"):
            reaching_up = _imports(path) & higher
            assert not reaching_up, f"{path.relative_to(REPO_ROOT)} imports {reaching_up}"


def test_spatial_has_no_io_or_folium():
    for path in (REPO_ROOT / "spatial").rglob("*.py"):
        imports = _imports(path)
        assert not imports & {"folium", "pyogrio", "fiona", "rasterio", "osmium"}, path
