"""The ``lifecircle`` command line.

::

    lifecircle demo [--out DIR]
    lifecircle run [CONFIG.yml] [--osm FILE] [--geofabrik DIR] [--layers FILE.gpkg]
                   [--boundary FILE | --bbox W,S,E,N] [--profile NAME] [--out DIR]
    lifecircle layers --osm FILE ... --out layers.gpkg
    lifecircle sites --from OUTDIR --category CAT (--k N | --target-share 0.99)
                     [--candidates FILE] [--out DIR]
    lifecircle sites --from OUTDIR --evaluate proposed.gpkg

Errors a user can cause print a readable message (what, where, how to fix)
and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from lifecircle import __version__
from lifecircle.config import RunConfig, load_config
from lifecircle.spatial.errors import LifecircleError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", help="standards profile: shanghai, gb50180-2018, or a .yml path"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _add_map_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=["zh", "en"], help="labels on maps and report (zh)")
    parser.add_argument(
        "--basemap",
        choices=["osm", "tianditu", "amap", "none"],
        help="none: vector basemap with road and place names, drawn from the layers "
        "(default without a Tianditu key); tianditu (default with a key in "
        "LIFECIRCLE_TIANDITU_KEY); osm; amap (GCJ-02)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="no tiles whatever the basemap (pages are always self-contained: Leaflet is inlined)",
    )
    parser.add_argument("--dpi", type=int, help="resolution of static PNG maps (300 for print)")
    parser.add_argument(
        "--output-crs",
        choices=["analysis", "cgcs2000"],
        help="CRS of results.gpkg: analysis (the run's UTM zone, default) or cgcs2000 "
        "(CGCS2000 3-degree Gauss-Kruger, as Chinese bureaus use)",
    )


def _apply_map_options(config: RunConfig, args: argparse.Namespace) -> None:
    for key in ("lang", "basemap", "dpi"):
        if getattr(args, key, None) is not None:
            config.maps[key] = getattr(args, key)
    if getattr(args, "offline", False):
        config.maps["offline"] = True
    if getattr(args, "output_crs", None):
        config.output_crs = args.output_crs


def _add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--osm",
        action="append",
        type=Path,
        metavar="FILE",
        help="OSM extract (.osm, .osm.bz2, .osm.pbf); may repeat",
    )
    parser.add_argument(
        "--geofabrik",
        action="append",
        type=Path,
        metavar="DIR",
        help="Geofabrik shapefile folder (gis_osm_*_free_1.shp); may repeat",
    )
    parser.add_argument(
        "--layers", type=Path, metavar="FILE.gpkg", help="layers written by `lifecircle layers`"
    )
    area = parser.add_mutually_exclusive_group()
    area.add_argument(
        "--boundary",
        type=Path,
        metavar="FILE",
        help="study area polygons (GeoPackage, Shapefile, GeoJSON)",
    )
    area.add_argument("--bbox", metavar="W,S,E,N", help="study area box in degrees")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs)."""
    parser = argparse.ArgumentParser(
        prog="lifecircle",
        description="Network-based 15-minute life circle, fitness circle and elderly-care "
        "coverage for Shanghai sub-districts.",
    )
    parser.add_argument("--version", action="version", version=f"lifecircle {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run everything on the embedded synthetic district")
    demo.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder")
    _add_common(demo)
    _add_map_options(demo)

    run = commands.add_parser("run", help="run the analyses on your data")
    run.add_argument("config", nargs="?", type=Path, help="run configuration YAML")
    _add_sources(run)
    run.add_argument("--out", type=Path, help="output folder (default: config's output or out/run)")
    _add_common(run)
    _add_map_options(run)

    layers = commands.add_parser("layers", help="normalize inputs into one GeoPackage for QGIS")
    layers.add_argument("config", nargs="?", type=Path, help="run configuration YAML")
    _add_sources(layers)
    layers.add_argument("--out", type=Path, required=True, help="output .gpkg")
    _add_common(layers)

    sites = commands.add_parser(
        "sites", help="recommend new facility sites, or evaluate proposed ones"
    )
    sites.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        required=True,
        metavar="OUTDIR",
        help="output folder of an earlier `lifecircle run` or `demo`",
    )
    sites.add_argument("--category", help="profile category the sites serve, e.g. day_care")
    how_many = sites.add_mutually_exclusive_group()
    how_many.add_argument("--k", type=int, help="number of new sites (maximal covering)")
    how_many.add_argument(
        "--target-share", type=float, help="fewest sites reaching this covered share, e.g. 0.99"
    )
    how_many.add_argument(
        "--evaluate",
        type=Path,
        metavar="FILE",
        help="proposed sites (with a category column) to evaluate",
    )
    sites.add_argument(
        "--candidates",
        type=Path,
        metavar="FILE",
        help="candidate sites (vacant plots...); default: the run's, else generated",
    )
    sites.add_argument(
        "--generate",
        action="store_true",
        help="generate candidates along streets inside the gap zones (not with --candidates)",
    )
    sites.add_argument(
        "--spacing-m",
        type=float,
        default=150.0,
        help="spacing of generated candidates along streets, metres",
    )
    sites.add_argument(
        "--method",
        default="auto",
        choices=["auto", "milp", "greedy"],
        help="solver: auto (greedy, then HiGHS when not proven), milp (HiGHS) or greedy",
    )
    sites.add_argument(
        "--capacitated",
        action="store_true",
        help="a site serves at most its capacity in people (capacity column, else the "
        "profile's default for the category); with --k",
    )
    sites.add_argument("--time-limit", type=float, default=60.0, help="solver time limit, seconds")
    sites.add_argument(
        "--crs",
        help="coordinates of a CSV file: EPSG:4326 (default), gcj02 (AMap), bd09 (Baidu)",
    )
    sites.add_argument("--out", type=Path, help="output folder (default: rewrite --from)")
    sites.add_argument("--quiet", action="store_true", help="no progress lines")
    _add_batch(commands)
    return parser


def _add_batch(commands: argparse._SubParsersAction) -> None:
    """``lifecircle batch``: every unit of one boundary file on Dask (lifecircle.batch)."""
    batch = commands.add_parser(
        "batch",
        help="run every sub-district (街道/镇) of one boundary file on Dask, with a city table",
    )
    batch.add_argument(
        "config", type=Path, help="run configuration YAML (study_area.boundary with name_column)"
    )
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    batch.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes of the local cluster (default: cores)",
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="skip units whose folder is complete and made with the same config",
    )
    batch.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default: the config's output)",
    )
    batch.add_argument("--lang", choices=["zh", "en"], help="labels of every output (zh)")
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def _run_batch(args: argparse.Namespace) -> int:
    """Run ``lifecircle batch``; 1 when some units failed (their errors are printed)."""
    from lifecircle.batch import EXIT_SOME_FAILED, BatchRequest, run_batch

    result = run_batch(
        BatchRequest(
            config_path=args.config,
            out=args.out,
            scheduler=args.scheduler,
            workers=args.workers,
            resume=args.resume,
            lang=args.lang,
            quiet=args.quiet,
        )
    )
    for outcome in result.failed:
        print(f"lifecircle: unit {outcome.name} failed: {outcome.error}", file=sys.stderr)
    _print_outputs(result.city_files)
    return EXIT_SOME_FAILED if result.failed else 0


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Merge the run config file (if any) with command-line options (which win)."""
    config = load_config(getattr(args, "config", None))
    if getattr(args, "osm", None):
        config.osm = list(args.osm)
    if getattr(args, "geofabrik", None):
        config.geofabrik = list(args.geofabrik)
    if getattr(args, "layers", None):
        config.layers_gpkg = args.layers
    if getattr(args, "boundary", None):
        config.boundary = {"path": args.boundary}
        config.bbox = None
    if getattr(args, "bbox", None):
        config.bbox = _pipeline().parse_bbox(args.bbox)
        config.boundary = None
    if args.profile:
        config.profile = args.profile
        config.base_dir = Path.cwd()
    if getattr(args, "out", None):
        config.output = args.out
    return config


def _print_outputs(files: Sequence[Path]) -> None:
    print("\nOpen these files / 请打开以下文件:")
    for path in files:
        print(f"  {path}")


def _check_sites_values(args: argparse.Namespace) -> None:
    """Refuse a solver time limit or a CSV crs that cannot work, before any reading."""
    if not (math.isfinite(args.time_limit) and args.time_limit > 0):
        raise LifecircleError(
            f"--time-limit is {args.time_limit:g} seconds; the solver needs some time to run.",
            where="--time-limit",
            fix="Give a number of seconds greater than 0, e.g. --time-limit 60 (the default).",
        )
    if args.crs is not None:
        from lifecircle.spatial.crs_text import check_crs

        check_crs(args.crs, where="--crs")


def _run_sites(args: argparse.Namespace) -> None:
    from lifecircle.sites import SitesRequest, run_sites

    _check_sites_values(args)

    if args.evaluate is None and args.k is None and args.target_share is None:
        raise LifecircleError(
            "Say how many sites: --k N, or --target-share 0.99, or --evaluate FILE.",
            where="lifecircle sites",
            fix="For example: lifecircle sites --from out/demo --category day_care --k 3",
        )
    request = SitesRequest(
        from_dir=args.from_dir,
        category=args.category,
        k=args.k,
        target_share=args.target_share,
        candidates=args.candidates,
        generate=args.generate,
        spacing_m=args.spacing_m,
        evaluate=args.evaluate,
        method=args.method,
        capacitated=args.capacitated,
        time_limit_s=args.time_limit,
        out=args.out,
        crs=args.crs,
    )
    folder, block = run_sites(request, quiet=args.quiet)
    if "message" in block:
        print(block["message"])
    _print_outputs(
        [
            folder / "maps" / "sites.html",
            folder / "report.html",
            folder / "summary.json",
            folder / "results.gpkg",
        ]
    )


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it cleans up as after Ctrl-C."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While the command runs, SIGTERM unwinds like Ctrl-C (staging folders removed)."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main else None
    try:
        yield
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _pipeline():
    """The pipeline module, imported only once the command's inputs have been checked.

    It loads geopandas, the readers and the maps (about 2 s), so a mistyped config is
    refused before that cost.
    """
    from lifecircle import pipeline

    return pipeline


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "batch":
        return _run_batch(args)
    config_file = [args.config] if getattr(args, "config", None) else []
    if args.command == "demo":
        config = RunConfig(output=args.out, profile=args.profile or "shanghai")
        _apply_map_options(config, args)
        outputs = _pipeline().run(config, demo=True, quiet=args.quiet)
        _print_outputs(outputs.files)
    elif args.command == "run":
        config = config_from_args(args)
        _apply_map_options(config, args)
        outputs = _pipeline().run(config, quiet=args.quiet, inputs=config_file)
        _print_outputs(outputs.files)
    elif args.command == "sites":
        _run_sites(args)
    elif args.command == "layers":
        config = config_from_args(args)
        path = _pipeline().write_layers_only(config, args.out, quiet=args.quiet, inputs=config_file)
        _print_outputs([path])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lifecircle`` command; returns the exit status.

    0 on success, 2 for an error the user can fix (message on stderr), 130
    after Ctrl-C and 143 after SIGTERM; an interrupted run removes what it had
    staged and leaves the earlier output as it was.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _sigterm_as_interrupt():
            status = _dispatch(args)
    except LifecircleError as exc:
        print(f"lifecircle: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        print(
            f"lifecircle: {'terminated (SIGTERM)' if terminated else 'interrupted'}; the output "
            "was not changed and nothing half-written was left.",
            file=sys.stderr,
        )
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    return status


if __name__ == "__main__":
    sys.exit(main())
