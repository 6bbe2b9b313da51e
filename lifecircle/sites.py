"""``lifecircle sites``: recommend new sites, or evaluate proposed ones, for a finished run.

It reads the run's prepared inputs (``layers.gpkg``) and profile so the
figures match that run, asks :func:`lifecircle.analyses.siting.recommend` (or
``evaluate_sites``), and writes the run folder again atomically with only
what changes: the ``sites`` (or ``proposed_sites``) layers in
``results.gpkg``, a ``sites`` (or ``sites_evaluation``) block in
``summary.json``, CSV tables and ``tables.xlsx``, QGIS styles,
``maps/sites.html``, ``maps/sites.png``, ``maps/index.html`` and ``report.html``
(with its sites section). The run's
other maps and PNGs are copied, not drawn again, and no analysis is run
again: the maps and the report read the run's own results back from its
folder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from lifecircle.analyses import siting
from lifecircle.analyses.access import DEFAULT_MAX_MINUTES, AccessTable, compute_access
from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.analyses.table_locations import with_locations
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.layerset_io import gpkg_layer_names, read_run
from lifecircle.layers.planner_files import read_candidates
from lifecircle.maps import MapOptions, SitesOverlay, write_report, write_sites_maps
from lifecircle.output import PROFILE_COPY_NAME, atomic_folder, gpkg_ready, write_csv, write_json
from lifecircle.output_guard import check_output_folder
from lifecircle.progress import Progress
from lifecircle.qgis_styles import write_layer_styles
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile, available_profiles, load_profile
from lifecircle.workbook import WORKBOOK_NAME, write_workbook

#: The results.gpkg layers the maps and the report read back.
RESULT_LAYERS = ("demand", "facilities", "service_areas", "gaps")


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
        Solver (auto, milp, greedy).
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
    spacing_m: float = siting.DEFAULT_SPACING_M
    evaluate: Path | None = None
    method: str = "auto"
    capacitated: bool = False
    time_limit_s: float = 60.0
    out: Path | None = None
    crs: str | None = None


def read_results(
    folder: Path,
    layerset: LayerSet,
    profile: Profile,
    summary: dict[str, Any],
    access: AccessTable,
) -> RunFrames:
    """The run's results layers, tables and summary, as written by ``lifecircle run``.

    Raises
    ------
    LifecircleError
        When ``results.gpkg`` is missing, unreadable or lacks a results layer.
    """
    fix = "Run `lifecircle run` (or `demo`) again and pass its output folder to --from."
    missing = set(RESULT_LAYERS) - gpkg_layer_names(folder / "results.gpkg", fix)
    if missing:
        raise LifecircleError(
            f"results.gpkg lacks the layers {sorted(missing)}.",
            where=str(folder / "results.gpkg"),
            fix=fix,
        )
    layers = {
        name: gpd.read_file(folder / "results.gpkg", layer=name, engine="pyogrio")
        for name in RESULT_LAYERS
    }
    tables = {
        path.stem: pd.read_csv(path, encoding="utf-8-sig")
        for path in sorted((folder / "tables").glob("*.csv"))
    }
    return RunFrames(
        **layers,
        tables=tables,
        summary=summary,
        layerset=layerset,
        profile=profile,
        access=access,
    )


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


def run_sites(
    request: SitesRequest, quiet: bool = False, lang: str = "en"
) -> tuple[Path, dict[str, Any]]:
    """Recommend or evaluate sites and rewrite the run folder with the results.

    ``lang`` (zh or en) is the language of the progress lines.

    Returns
    -------
    folder : Path
        The output folder.
    block : dict
        The ``sites`` or ``sites_evaluation`` summary block.
    """
    progress = Progress(quiet=quiet, lang=lang)
    from_dir = Path(request.from_dir)
    check_output_folder(_target(request), _inputs(request), rewrites=from_dir)
    with progress.stage("read the earlier run") as info:
        layerset, summary = read_run(from_dir)
        _map_options(summary, from_dir)  # a missing map key is refused before any work
        profile = _profile(summary, from_dir)
        info["detail"] = f"{len(layerset.demand)} demand points, profile {profile.id}"
    with progress.stage("access from existing facilities"):
        cap = (summary.get("network") or {}).get("max_minutes") or DEFAULT_MAX_MINUTES
        access = compute_access(layerset, profile, max_minutes=float(cap))
    results = read_results(from_dir, layerset, profile, summary, access)
    if request.evaluate is not None:
        return _evaluate(request, results, progress)
    if not request.category:
        raise LifecircleError(
            "Which category should the new sites serve?",
            where="--category",
            fix=f"Add --category, one of: {profile.category_choices()}.",
        )
    with progress.stage("candidates, coverage and solve") as info:
        candidates = None
        if request.candidates is not None:
            path = Path(request.candidates)
            candidates = _read_points(path, layerset, request.category, request.crs)
            candidates["source"] = f"file:{path.name}"
        outcome = siting.recommend(
            layerset,
            profile,
            category=request.category,
            k=request.k,
            target_share=request.target_share,
            candidates=candidates,
            generate=request.generate,
            spacing_m=request.spacing_m,
            capacitated=request.capacitated,
            method=request.method,
            time_limit_s=request.time_limit_s,
            access=access,
        )
        block = outcome.summary
        info["detail"] = (
            f"{block['candidates']} candidates ({', '.join(block['candidate_sources'])}), "
            f"solved in {block['solve_seconds']:.2f} s — {block['message']}"
        )
    summary["sites"] = block
    overlay = SitesOverlay(
        sites=outcome.sites,
        service_areas=outcome.service_areas,
        newly_covered=outcome.newly_covered_demand,
        circle=outcome.circle,
    )
    tables = {"sites": with_locations(outcome.sites, layerset.boundary)}
    folder = _rewrite(request, results, outcome.layers(), tables, overlay, progress)
    return folder, block


def _evaluate(
    request: SitesRequest, results: RunFrames, progress: Progress
) -> tuple[Path, dict[str, Any]]:
    layerset, profile, access = results.layerset, results.profile, results.access
    with progress.stage("evaluate proposed sites") as info:
        proposed = _read_points(Path(request.evaluate), layerset, request.category, request.crs)
        if proposed["category"].isna().any():
            raise LifecircleError(
                "The proposed sites have no category.",
                where=str(request.evaluate),
                fix="Add a 'category' column, or pass --category for all of them.",
            )
        by_category, by_unit = siting.evaluate_sites(layerset, profile, access, proposed)
        info["detail"] = ", ".join(
            f"{r.category}: {r.share_before:.1%} → {r.share_after:.1%}"
            for r in by_category.itertuples()
        )
    block = {
        "file": str(request.evaluate),
        "categories": by_category.to_dict(orient="records"),
        "units": by_unit.to_dict(orient="records"),
    }
    results.summary["sites_evaluation"] = block
    layers = {"proposed_sites": proposed}
    tables = {"sites_evaluation": by_category, "sites_evaluation_units": by_unit}
    overlay = SitesOverlay(sites=proposed.rename(columns={"candidate_id": "site_id"}))
    folder = _rewrite(request, results, layers, tables, overlay, progress)
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


def _map_options(summary: dict[str, Any], from_dir: Path) -> MapOptions:
    """The earlier run's map options, with the Tianditu key taken from the environment.

    The key is never written to the run folder, so a Tianditu run needs it again here;
    ``sites`` reads no run config, so only the environment variable can give it.
    """
    options = MapOptions(**(summary.get("maps") or {}))
    if options.effective_basemap == "tianditu" and not options.resolved_tianditu_key():
        raise LifecircleError(
            "The earlier run drew its maps on the Tianditu basemap (天地图), which needs a "
            "key, and no key is set.",
            where=f"{from_dir / 'summary.json'}: maps.basemap = tianditu",
            fix="Set the environment variable LIFECIRCLE_TIANDITU_KEY to your Tianditu key "
            "and run `lifecircle sites` again.",
        )
    return options.validated()


def _rewrite(
    request: SitesRequest,
    results: RunFrames,
    layers: dict[str, gpd.GeoDataFrame],
    tables: dict[str, pd.DataFrame],
    overlay: SitesOverlay,
    progress: Progress,
) -> Path:
    """Copy the run folder and write only what the sites change into the copy."""
    summary = results.summary
    from_dir = Path(request.from_dir)
    target = _target(request)
    with (
        atomic_folder(target, inputs=[from_dir], rewrites=from_dir, command="sites") as staging,
        progress.stage("write outputs") as info,
    ):
        # hidden entries (the marker, other runs' staging folders) are not part of the run
        shutil.copytree(from_dir, staging, dirs_exist_ok=True, ignore=_hidden_top(from_dir))
        # in the CRS the run wrote its results in (output_crs), not the analysis CRS
        results_crs = results.demand.crs
        layers = {name: frame.to_crs(results_crs) for name, frame in layers.items()}
        for name, frame in layers.items():  # replaces a layer of that name, keeps the others
            gpkg_ready(frame).to_file(
                staging / "results.gpkg", layer=name, driver="GPKG", engine="pyogrio"
            )
        (staging / "tables").mkdir(exist_ok=True)
        for name, table in tables.items():
            write_csv(table, staging / "tables" / f"{name}.csv")
        options = _map_options(summary, from_dir)
        profile, lang = results.profile, options.lang
        write_workbook({**results.tables, **tables}, staging / WORKBOOK_NAME, profile, lang)
        write_layer_styles(
            staging / "results.gpkg", layers, profile, lang, results.access.max_minutes
        )
        map_files = write_sites_maps(results, staging, options, overlay)
        write_report(results, staging, options, map_files, sites=overlay)
        write_json(json.loads(json.dumps(summary, default=str)), staging / "summary.json")
        info["detail"] = f"{target}: maps/sites.html, maps/sites.png, maps/index.html, report.html"
    return target
