"""``lifecircle sites``: recommend new sites, or evaluate proposed ones, for a finished run.

It reads the run's prepared inputs (``layers.gpkg``), profile and gap zones
(``results.gpkg``) so the figures match that run, and writes the run folder
again atomically with a ``sites`` (or ``proposed_sites``) layer in
``results.gpkg``, a ``sites`` (or ``sites_evaluation``) block in
``summary.json`` and CSV tables.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from lifecircle.analyses.access import AccessTable, compute_access
from lifecircle.analyses.siting.geography import (
    DEFAULT_SPACING_M,
    SitingProblem,
    build_problem,
    evaluate_sites,
    generate_candidates,
    recommend_sites,
)
from lifecircle.analyses.subdistrict import analyse
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.layerset_io import read_run
from lifecircle.layers.planner_files import read_candidates
from lifecircle.maps import MapOptions, SitesOverlay, write_maps
from lifecircle.output import (
    PROFILE_COPY_NAME,
    atomic_folder,
    write_csv,
    write_gpkg_layers,
    write_json,
)
from lifecircle.output_guard import check_output_folder
from lifecircle.progress import Progress
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.service_areas import service_areas
from lifecircle.standards.profile import Profile, available_profiles, load_profile


@dataclass
class SitesRequest:
    """What ``lifecircle sites`` was asked to do.

    Attributes
    ----------
    from_dir : Path
        Output folder of an earlier run.
    category : str or None
        Profile category id (required unless evaluating a file with categories).
    k : int or None
        Number of new sites (maximal covering).
    target_share : float or None
        Covered share to reach with the fewest sites.
    candidates : Path or None
        Candidate sites file; default: the run's candidates, else generated.
    generate : bool
        Generate candidates in the gap zones even when the run has candidates.
    spacing_m : float
        Spacing of generated candidates along streets (m).
    evaluate : Path or None
        Proposed sites to evaluate (what-if).
    method : str
        Solver (auto, milp, greedy, brute-force).
    capacitated : bool
        Use the capacity-aware model.
    time_limit_s : float
        MILP time limit (s).
    out : Path or None
        Output folder (default: ``from_dir``, rewritten atomically).
    crs : str or None
        CRS of a CSV's coordinate columns (default EPSG:4326; ``gcj02``, ``bd09``).
    """

    from_dir: Path
    category: str | None = None
    k: int | None = None
    target_share: float | None = None
    candidates: Path | None = None
    generate: bool = False
    spacing_m: float = DEFAULT_SPACING_M
    evaluate: Path | None = None
    method: str = "auto"
    capacitated: bool = False
    time_limit_s: float = 60.0
    out: Path | None = None
    crs: str | None = None


def _profile(summary: dict[str, Any], from_dir: Path) -> Profile:
    """The exact profile of the run: its copy in the run folder, with the run's overrides.

    Runs written before the copy existed fall back to the recorded file; if
    that is gone, only a shipped profile may stand in for it, never silently
    for a custom one.
    """
    overrides = summary.get("profile_overrides") or None
    copy = from_dir / PROFILE_COPY_NAME
    if copy.is_file():
        return load_profile(copy, overrides)
    recorded = summary.get("profile") or {}
    path = Path(str(recorded.get("path") or ""))
    if path.is_file():
        return load_profile(path, overrides)
    shipped = str(recorded.get("id", ""))
    if shipped in available_profiles() and path.name == f"{shipped}.yml":
        return load_profile(shipped, overrides)
    raise LifecircleError(
        f"The run folder {from_dir} has no {PROFILE_COPY_NAME}, and the profile file it "
        f"used ({path}) is gone.",
        where=f"--from {from_dir}",
        fix="Put the profile file back at that path, or re-run `lifecircle run` so the run "
        f"folder keeps its own {PROFILE_COPY_NAME}.",
    )


def _read_points(
    path: Path, layerset: LayerSet, category: str | None, crs: str | None
) -> gpd.GeoDataFrame:
    """Candidate or proposed sites in the LayerSet CRS; --category fills empty categories.

    A CSV has no CRS of its own: its lon/lat columns are read as ``crs``
    (default WGS84; ``gcj02`` or ``bd09`` for Chinese map coordinates).
    """
    if crs is None and path.suffix.lower() in {".csv", ".txt"}:
        crs = "EPSG:4326"
    frame = read_candidates({"path": path, "crs": crs}).to_crs(layerset.crs)
    if category:
        frame["category"] = frame["category"].where(frame["category"].notna(), category)
    return frame


def _gap_zones(from_dir: Path, category: str) -> gpd.GeoDataFrame:
    gaps = gpd.read_file(from_dir / "results.gpkg", layer="gaps")
    return gaps[gaps["kind_key"] == category]


def run_sites(request: SitesRequest, quiet: bool = False) -> tuple[Path, dict[str, Any]]:
    """Recommend or evaluate sites and rewrite the run folder with the results.

    Returns
    -------
    folder : Path
        The output folder.
    block : dict
        The ``sites`` or ``sites_evaluation`` summary block.
    """
    progress = Progress(quiet=quiet)
    from_dir = Path(request.from_dir)
    check_output_folder(_target(request), _inputs(request), rewrites=from_dir)
    with progress.stage("read the earlier run") as info:
        layerset, summary = read_run(from_dir)
        profile = _profile(summary, from_dir)
        info["detail"] = f"{len(layerset.demand)} demand points, profile {profile.id}"
    with progress.stage("access from existing facilities"):
        access = compute_access(layerset, profile)
    if request.evaluate is not None:
        return _evaluate(request, layerset, profile, access, summary, progress)
    if not request.category:
        raise LifecircleError(
            "Which category should the new sites serve?",
            where="--category",
            fix=f"Add --category, one of: {', '.join(profile.categories)}.",
        )
    with progress.stage("candidates and coverage matrix") as info:
        candidates = _candidates(request, layerset, access, from_dir)
        problem = build_problem(
            layerset, profile, access, request.category, candidates, request.capacitated
        )
        origin = candidates["source"].iloc[0] if len(candidates) else "-"
        info["detail"] = (
            f"{len(candidates)} candidates ({origin}), {problem.coverage.nnz} covered pairs"
        )
    with progress.stage("solve") as info:
        outcome = recommend_sites(
            problem,
            layerset,
            k=request.k,
            target_share=request.target_share,
            method=request.method,
            time_limit_s=request.time_limit_s,
        )
        if outcome.result.objective == 0 and request.k is not None:
            outcome.summary["message"] += (
                " None of these candidates reaches uncovered people within the threshold;"
                " try --generate to place candidates on the streets inside the gap zones."
            )
        info["detail"] = outcome.summary["message"]
    summary["sites"] = outcome.summary
    overlay = _overlay(outcome.sites, problem, access, layerset, outcome.newly_covered)
    overlay = dataclasses.replace(overlay, circle=profile.circle_of(problem.category))
    layers = {
        "sites": outcome.sites,
        "site_candidates": problem.candidates,
        "site_service_areas": overlay.service_areas,
        "newly_covered_demand": overlay.newly_covered,
    }
    tables = {"sites": pd.DataFrame(outcome.sites.drop(columns="geometry"))}
    maps = _MapJob(layerset, profile, access, overlay)
    folder = _rewrite(from_dir, request.out, summary, layers, tables, progress, maps)
    return folder, outcome.summary


@dataclass
class _MapJob:
    """What the sites map needs: the run's inputs, its access table and the overlay."""

    layerset: LayerSet
    profile: Profile
    access: AccessTable
    overlay: SitesOverlay


def _overlay(
    sites: gpd.GeoDataFrame,
    problem: SitingProblem,
    access: AccessTable,
    layerset: LayerSet,
    newly_covered,
) -> SitesOverlay:
    """Sites, their network service areas and the demand they newly cover, for the map."""
    network = access.network
    xy = sites.get_coordinates().to_numpy() if len(sites) else []
    snapped = network.snap(xy) if len(sites) else None
    polygons = (
        service_areas(network.graph, snapped, problem.threshold_m) if snapped is not None else []
    )
    areas = gpd.GeoDataFrame(
        {"site_id": sites["site_id"].to_numpy(), "category": problem.category},
        geometry=list(polygons),
        crs=layerset.crs,
    )
    mask = pd.Series(newly_covered).astype(float).to_numpy() > 0
    demand = layerset.demand
    newly = demand.loc[mask, ["demand_id", "residents", "elderly", "geometry"]]
    return SitesOverlay(sites=sites, service_areas=areas, newly_covered=newly)


def _candidates(request, layerset, access, from_dir) -> gpd.GeoDataFrame:
    if request.candidates is not None:
        frame = _read_points(Path(request.candidates), layerset, request.category, request.crs)
        frame["source"] = f"file:{Path(request.candidates).name}"
        return frame
    if not request.generate and layerset.candidates is not None and len(layerset.candidates):
        frame = layerset.candidates.copy()
        frame["source"] = "run candidates"
        return frame
    return generate_candidates(
        layerset, access, _gap_zones(from_dir, request.category), request.spacing_m
    )


def _evaluate(request, layerset, profile, access, summary, progress):
    with progress.stage("evaluate proposed sites") as info:
        proposed = _read_points(Path(request.evaluate), layerset, request.category, request.crs)
        if proposed["category"].isna().any():
            raise LifecircleError(
                "The proposed sites have no category.",
                where=str(request.evaluate),
                fix="Add a 'category' column, or pass --category for all of them.",
            )
        by_category, by_unit = evaluate_sites(layerset, profile, access, proposed)
        info["detail"] = ", ".join(
            f"{r.category}: {r.share_before:.1%} → {r.share_after:.1%}"
            for r in by_category.itertuples()
        )
    block = {
        "file": str(request.evaluate),
        "categories": by_category.to_dict(orient="records"),
        "units": by_unit.to_dict(orient="records"),
    }
    summary["sites_evaluation"] = block
    layers = {"proposed_sites": proposed}
    tables = {"sites_evaluation": by_category, "sites_evaluation_units": by_unit}
    shown = proposed.rename(columns={"candidate_id": "site_id"})
    maps = _MapJob(layerset, profile, access, SitesOverlay(sites=shown))
    folder = _rewrite(Path(request.from_dir), request.out, summary, layers, tables, progress, maps)
    return folder, block


def _target(request: SitesRequest) -> Path:
    """The output folder: ``--out``, else the ``--from`` folder itself."""
    return Path(request.out) if request.out else Path(request.from_dir)


def _inputs(request: SitesRequest) -> list[Path]:
    """Files and folders ``sites`` reads; the output may replace only ``--from`` itself."""
    read = [Path(request.from_dir)]
    return read + [Path(p) for p in (request.candidates, request.evaluate) if p is not None]


def _hidden_top(folder: Path) -> Callable[[str, list[str]], list[str]]:
    """A ``copytree`` ignore function that skips hidden entries at the top of ``folder``."""

    def ignore(directory: str, names: list[str]) -> list[str]:
        if Path(directory) != folder:
            return []
        return [name for name in names if name.startswith(".")]

    return ignore


def _rewrite(
    from_dir: Path,
    out: Path | None,
    summary: dict[str, Any],
    layers: dict[str, gpd.GeoDataFrame],
    tables: dict[str, pd.DataFrame],
    progress: Progress,
    maps: _MapJob,
) -> Path:
    target = Path(out) if out else from_dir
    with (
        atomic_folder(target, inputs=[from_dir], rewrites=from_dir, command="sites") as staging,
        progress.stage("write outputs") as info,
    ):
        # hidden entries (the marker, other runs' staging folders) are not part of the run
        shutil.copytree(from_dir, staging, dirs_exist_ok=True, ignore=_hidden_top(from_dir))
        results = {
            name: gpd.read_file(staging / "results.gpkg", layer=name)
            for name in pyogrio.list_layers(staging / "results.gpkg")[:, 0]
            if name not in layers
        }
        results.update(layers)
        (staging / "results.gpkg").unlink()
        write_gpkg_layers(results, staging / "results.gpkg")
        (staging / "tables").mkdir(exist_ok=True)
        for name, table in tables.items():
            write_csv(table, staging / "tables" / f"{name}.csv")
        options = MapOptions(**(summary.get("maps") or {})).validated()
        results = analyse(maps.layerset, maps.profile, access=maps.access)
        write_maps(results, staging, options, sites=maps.overlay)
        write_json(json.loads(json.dumps(summary, default=str)), staging / "summary.json")
        info["detail"] = f"{target}, maps/sites.html"
    return target
