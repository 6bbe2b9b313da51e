"""``lifecircle batch``: every unit (街道/镇) of one boundary file, spread over Dask distributed.

::

    OUT/
      units/<unit_id>/      one folder per unit, exactly as `lifecircle run` writes it
      city/                 ranking table, overview map, report, summary.json (atomic)
      .cache/<key>/layers.gpkg  each OSM file parsed once; units read their box from it
      .lifecircle-output.json

The units run as Dask tasks (:func:`run_unit`) on a ``LocalCluster`` (one
single-threaded worker process per core, loopback only, no dashboard) or on
the cluster whose scheduler address is given. An OSM file is parsed once, by
one task, into a GeoPackage (:mod:`lifecircle.batch_cache`); a unit's task
reads only its unit and halo from it and from the other sources
(:mod:`lifecircle.batch_units`) and returns a small :class:`UnitOutcome`;
a unit's error is its outcome, so the other units complete. The city folder
is written once, when all units are done, to a staging folder that is
renamed into place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import resource
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lifecircle.analyses.subdistrict import SubdistrictResults
from lifecircle.batch_cache import CACHE_FOLDER, osm_layers
from lifecircle.batch_types import UnitOutcome
from lifecircle.batch_units import UNITS_FOLDER, UnitTask, read_units, unit_tasks
from lifecircle.config import check_settings, load_config
from lifecircle.layers.load import halo_m
from lifecircle.output import atomic_folder, write_json
from lifecircle.output_guard import check_output_folder, read_marker, write_marker
from lifecircle.pipeline import map_options, run, run_inputs
from lifecircle.progress import Progress
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.threads import THREADS_ENV
from lifecircle.standards.profile import Profile, load_profile

#: Exit status when some units failed (the others and the city folder were written).
EXIT_SOME_FAILED = 1
CITY_FOLDER = "city"
#: Longest wait for a first worker on a --scheduler cluster (seconds).
WORKER_WAIT_S = 60.0
#: Keys of a unit's summary.json left out of the city summary (the same for every unit,
#: or long lists that stay in the unit's own folder).
UNIT_KEYS_LEFT_OUT = ("profile", "input_report", "timings_s", "batch", "maps")


@dataclass(frozen=True)
class BatchRequest:
    """What ``lifecircle batch`` was asked to do.

    Attributes
    ----------
    config_path : Path
        The run config; its ``study_area.boundary`` names the units (``name_column``).
    out : Path or None
        Batch output folder (default: the config's ``output``).
    scheduler : str or None
        Address of a running Dask scheduler (``tcp://HOST:8786``); None starts a LocalCluster.
    workers : int or None
        Worker processes of the LocalCluster (default: the number of cores).
    resume : bool
        Skip units whose folder is complete and was made with the same config.
    lang : str or None
        ``zh`` or ``en`` (default: the config's ``maps.lang``, else zh).
    quiet : bool
        No progress lines.
    """

    config_path: Path
    out: Path | None = None
    scheduler: str | None = None
    workers: int | None = None
    resume: bool = False
    lang: str | None = None
    quiet: bool = False


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: the output folder, the city folder's files and every unit's outcome."""

    folder: Path
    city_files: list[Path]
    outcomes: list[UnitOutcome]

    @property
    def failed(self) -> list[UnitOutcome]:
        """The units that failed."""
        return [o for o in self.outcomes if o.status == "failed"]


def run_batch(request: BatchRequest) -> BatchResult:
    """Compute every unit of the boundary on Dask and write the unit and city folders.

    Everything a user can get wrong (the config, the boundary's name column,
    unit names, the output folder, the worker count, the scheduler address)
    is checked before any unit starts.

    Raises
    ------
    LifecircleError
        For bad input; a unit's own failure is not raised but reported in its outcome.
    """
    progress = Progress(quiet=request.quiet)
    if request.workers is not None and request.workers < 1:
        raise LifecircleError(
            f"--workers is {request.workers}; a cluster needs at least one worker.",
            where="--workers",
            fix="Give a whole number of worker processes, e.g. --workers 2 (default: cores).",
        )
    if request.scheduler and request.workers is not None:
        raise LifecircleError(
            "--workers starts a local cluster, --scheduler uses a running one; give one.",
            where="--workers / --scheduler",
            fix="Start workers on the cluster with `dask worker ADDRESS --nworkers N`.",
        )
    config = load_config(request.config_path)
    if request.out is not None:
        config.output = request.out
    if request.lang is not None:
        config.maps["lang"] = request.lang
    check_settings(config)
    lang = map_options(config).lang
    profile = load_profile(config.profile, config.overrides, base_dir=config.base_dir)
    units = read_units(config, request.config_path)
    read = run_inputs(config, profile, [request.config_path])
    out = check_batch_folder(config.output, read)
    tasks = unit_tasks(units, config, profile, out, (request.config_path,), lang)
    for task in tasks:  # before any work: each unit folder is new or a lifecircle output
        check_output_folder(task.config.output, read)
    engine: dict[str, Any] = {"workers": 0, "scheduler": request.scheduler or "LocalCluster"}
    computed: dict[str, UnitOutcome] = {}
    with contextlib.ExitStack() as stack:
        # a scheduler address is checked before anything is written, even when all is done
        client = (
            stack.enter_context(dask_client(request.scheduler, None)) if request.scheduler else None
        )
        mark_batch_folder(out)
        progress.line(
            f"{len(tasks)} units of {Path(config.boundary['path']).name}, halo "
            f"{halo_m(profile):,.0f} m -> {out}"
        )
        done = {task.unit_id: resumed(task, out) for task in tasks} if request.resume else {}
        done = {key: outcome for key, outcome in done.items() if outcome is not None}
        todo = [task for task in tasks if task.unit_id not in done]
        if done:
            progress.line(f"--resume: {len(done)} units complete, {len(todo)} to compute")
        if todo and client is None:
            client = stack.enter_context(dask_client(None, request.workers))
        if client is not None:
            engine["workers"] = len(client.scheduler_info().get("workers", {}))
            progress.line(f"Dask: {engine['scheduler']}, {engine['workers']} workers")
            if todo and config.osm:
                began = time.perf_counter()
                with progress.stage("parse OSM once for all units") as info:
                    parsed = osm_layers(client, config.osm, out)
                    info["detail"] = ", ".join(str(p.relative_to(out)) for p in parsed.values())
                engine["osm_parse_s"] = round(time.perf_counter() - began, 3)
                todo = [reading_parsed_osm(task, parsed) for task in todo]
            bar = UnitBar(len(tasks), progress, start=len(done))
            for outcome in compute(client, todo):
                computed[outcome.unit_id] = outcome
                bar.advance(outcome)
    outcomes = [computed.get(t.unit_id) or done[t.unit_id] for t in tasks]
    with progress.stage("city folder") as info:
        city_files = write_city(out, outcomes, units, profile, lang, read, engine, config)
        info["detail"] = str(out / CITY_FOLDER)
    return BatchResult(folder=out, city_files=city_files, outcomes=outcomes)


def reading_parsed_osm(task: UnitTask, parsed: dict[Path, Path]) -> UnitTask:
    """The task reading its box from the parsed OSM layers instead of the OSM files."""
    window = dataclasses.replace(task.window, osm_layers=parsed)
    return dataclasses.replace(task, window=window)


def check_batch_folder(out: Path, inputs: Sequence[Path]) -> Path:
    """Check the batch folder (new, empty, or an earlier batch output); return its absolute path.

    Raises
    ------
    LifecircleError
        When the folder is refused by :func:`~lifecircle.output_guard.check_output_folder`
        or is the output of another lifecircle command.
    """
    out = check_output_folder(out, inputs)
    marker = read_marker(out)
    if marker is not None and marker.get("command") != "batch":
        raise LifecircleError(
            f"The folder {out} is the output of `lifecircle {marker.get('command')}`, not "
            "of `lifecircle batch`; a batch writes its units and city folders into it.",
            where=f"--out {out}",
            fix=f"Choose a new folder, for example --out {out.parent / (out.name + '-batch')}.",
        )
    return out


def mark_batch_folder(out: Path) -> None:
    """Create ``OUT/units`` and ``OUT/.cache``; mark ``OUT`` as a batch output (listing them)."""
    from lifecircle import __version__

    (out / UNITS_FOLDER).mkdir(parents=True, exist_ok=True)
    (out / CACHE_FOLDER).mkdir(exist_ok=True)
    write_marker(out, "batch", __version__)


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: on the scheduler at ``scheduler``, or on a new LocalCluster.

    The LocalCluster has ``workers`` single-threaded worker processes (default:
    the number of cores; the engine is single-threaded numpy/scipy, so
    processes, not threads, use the cores), listens on 127.0.0.1 only and has no
    dashboard.

    Raises
    ------
    LifecircleError
        When no scheduler answers at ``scheduler`` within 10 s.
    """
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise LifecircleError(
                f"No Dask scheduler answered at {scheduler}: {exc}",
                where=f"--scheduler {scheduler}",
                fix="Start one with `dask scheduler` (it prints its address, "
                "tcp://HOST:8786) and workers with `dask worker tcp://HOST:8786`.",
            ) from exc
        with client:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            except TimeoutError as exc:
                raise LifecircleError(
                    f"The Dask scheduler at {scheduler} has no worker, and none joined "
                    f"within {WORKER_WAIT_S:.0f} s.",
                    where=f"--scheduler {scheduler}",
                    fix=f"Start workers with `dask worker {scheduler}` on the machines "
                    "that have lifecircle and the data.",
                ) from exc
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def compute(client: Any, tasks: Sequence[UnitTask]) -> Iterator[UnitOutcome]:
    """Run every task on the cluster; yield outcomes as units finish.

    A task that could not run at all (its worker was lost) is a failed unit.
    """
    from dask.distributed import as_completed

    futures = {client.submit(run_unit, task, pure=False): task for task in tasks}
    for future in as_completed(futures):
        task = futures[future]
        try:
            yield future.result()
        except Exception as exc:  # the worker died or the task could not run at all
            yield UnitOutcome(
                unit_id=task.unit_id,
                name=task.name,
                status="failed",
                folder=task.folder,
                error=f"{type(exc).__name__}: {exc}",
            )
        finally:
            future.release()


def run_unit(task: UnitTask) -> UnitOutcome:
    """Compute one unit on a worker and write its run folder; never raises.

    The unit's summary.json gets a ``batch`` block: the unit, the config hash
    ``--resume`` checks, and the unit's 城市体检 indicators. Dask runs one unit
    per worker process, so the unit's own thread pools keep to one thread
    (``LIFECIRCLE_THREADS=1`` unless the worker's environment sets it).
    """
    began = time.perf_counter()
    os.environ.setdefault(THREADS_ENV, "1")

    def batch_block(results: SubdistrictResults) -> dict[str, Any]:
        from lifecircle.analyses.city_indicators import unit_indicators

        table = unit_indicators(results, results.profile, lang=task.lang)
        return {
            "batch": {
                "unit_id": task.unit_id,
                "name": task.name,
                "config_hash": task.config_hash,
                "halo_m": task.window.halo_m,
                "indicators": json.loads(table.to_json(orient="records", force_ascii=False)),
            }
        }

    try:
        outputs = run(
            task.config,
            quiet=True,
            inputs=task.inputs,
            window=task.window,
            summary_extra=batch_block,
        )
    except Exception as exc:
        return UnitOutcome(
            unit_id=task.unit_id,
            name=task.name,
            status="failed",
            folder=task.folder,
            error=str(exc) if isinstance(exc, LifecircleError) else f"{type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - began,
            peak_rss_mb=peak_rss_mb(),
            worker=worker_name(),
        )
    return UnitOutcome(
        unit_id=task.unit_id,
        name=task.name,
        status="ok",
        folder=task.folder,
        indicators=pd.DataFrame(outputs.summary["batch"]["indicators"]),
        summary=outputs.summary,
        seconds=time.perf_counter() - began,
        peak_rss_mb=peak_rss_mb(),
        worker=worker_name(),
    )


def worker_name() -> str:
    """``host:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def resumed(task: UnitTask, out: Path) -> UnitOutcome | None:
    """The outcome of a unit already complete in ``out`` with the same config, else None.

    Complete means: the folder carries lifecircle's marker (written last, when
    the folder was swapped into place) and a summary.json whose batch block
    has this task's config hash.
    """
    folder = out / task.folder
    if read_marker(folder) is None:
        return None
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    block = summary.get("batch") if isinstance(summary, dict) else None
    if not isinstance(block, dict) or block.get("config_hash") != task.config_hash:
        return None
    return UnitOutcome(
        unit_id=task.unit_id,
        name=task.name,
        status="skipped",
        folder=task.folder,
        indicators=pd.DataFrame(block.get("indicators") or []),
        summary=summary,
    )


class UnitBar:
    """A progress bar over units on stderr, one line per finished unit (quiet: nothing)."""

    WIDTH = 24

    def __init__(self, total: int, progress: Progress, start: int = 0) -> None:
        self.total = total
        self.done = start
        self.progress = progress

    def advance(self, outcome: UnitOutcome) -> None:
        """Count one finished unit and print the bar with its status."""
        self.done += 1
        filled = round(self.WIDTH * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        text = f"[{bar}] {self.done}/{self.total} {outcome.name}: {outcome.status}"
        text += f" ({outcome.seconds:.1f} s)"
        if outcome.error:
            text += f"\n    {outcome.error}"
        self.progress.line(text)


def write_city(
    out: Path,
    outcomes: Sequence[UnitOutcome],
    units: Any,
    profile: Profile,
    lang: str,
    inputs: Sequence[Path],
    engine: dict[str, Any],
    config: Any,
) -> list[Path]:
    """Write ``OUT/city`` once, atomically: the city writers' files and summary.json."""
    from lifecircle import __version__
    from lifecircle.city_outputs import write_city_outputs

    target = out / CITY_FOLDER
    with atomic_folder(target, inputs=inputs, command="batch") as staging:
        files = write_city_outputs(staging, list(outcomes), units, lang=lang, profile=profile)
        write_json(city_summary(outcomes, profile, lang, engine, config), staging / "summary.json")
    write_marker(out, "batch", __version__)  # now listing the city folder too
    return [target / Path(path).relative_to(staging) for path in files] + [target / "summary.json"]


def city_summary(
    outcomes: Sequence[UnitOutcome],
    profile: Profile,
    lang: str,
    engine: dict[str, Any],
    config: Any,
) -> dict[str, Any]:
    """The city's summary.json: every unit's status, figures and indicators."""
    counts = {status: 0 for status in ("ok", "skipped", "failed")}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return {
        "lifecircle_summary_version": 1,
        "kind": "city",
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "boundary": str(config.boundary["path"]),
        "name_column": config.boundary["name_column"],
        "lang": lang,
        "profile": profile.to_summary(),
        "halo_m": halo_m(profile),
        "engine": engine,
        "units_count": counts,
        "units": [
            {
                "unit_id": outcome.unit_id,
                "name": outcome.name,
                "status": outcome.status,
                "folder": f"../{outcome.folder}",
                "error": outcome.error,
                "seconds": round(outcome.seconds, 3),
                "peak_rss_mb": outcome.peak_rss_mb,
                "worker": outcome.worker,
                "indicators": (
                    json.loads(outcome.indicators.to_json(orient="records", force_ascii=False))
                    if outcome.indicators is not None
                    else None
                ),
                "figures": (
                    {k: v for k, v in outcome.summary.items() if k not in UNIT_KEYS_LEFT_OUT}
                    if outcome.summary is not None
                    else None
                ),
            }
            for outcome in outcomes
        ],
    }
