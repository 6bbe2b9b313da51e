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
from typing import Any, NoReturn

from lifecircle import __version__
from lifecircle.cli_text import DEFAULT_LANG, LANGS, epilog, lang_from_argv, resolve_lang, text
from lifecircle.config import RunConfig, load_config
from lifecircle.spatial.errors import LABELS, LifecircleError
from lifecircle.spatial.messages import translate

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class LangParser(argparse.ArgumentParser):
    """An argument parser whose help, usage and errors are in one language (zh or en)."""

    def __init__(self, *args: Any, lang: str = DEFAULT_LANG, **kwargs: Any) -> None:
        self.lang = lang
        kwargs.setdefault("formatter_class", _formatter(lang))
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = text("positionals", lang)
        self._optionals.title = text("options", lang)
        self.add_argument("-h", "--help", action="help", help=text("help", lang))

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in the parser's language; exit 2."""
        self.print_usage(sys.stderr)
        label = LABELS[self.lang]["what"]
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {label}{translate(message, self.lang)}\n")


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
            super().add_usage(
                usage, actions, groups, text("usage", lang) if prefix is None else prefix
            )

    return Formatter


def _add_common(parser: LangParser, quiet: bool = True) -> None:
    lang = parser.lang
    parser.add_argument("--profile", help=text("profile", lang))
    if quiet:
        parser.add_argument("-q", "--quiet", action="store_true", help=text("quiet", lang))


def _add_lang(parser: LangParser, key: str = "lang") -> None:
    parser.add_argument("--lang", choices=LANGS, help=text(key, parser.lang))


def _add_map_options(parser: LangParser) -> None:
    lang = parser.lang
    _add_lang(parser)
    parser.add_argument(
        "--basemap", choices=["osm", "tianditu", "amap", "none"], help=text("basemap", lang)
    )
    parser.add_argument("--offline", action="store_true", help=text("offline", lang))
    parser.add_argument("--dpi", type=int, help=text("dpi", lang))
    parser.add_argument(
        "--output-crs", choices=["analysis", "cgcs2000"], help=text("output_crs", lang)
    )


def _apply_map_options(config: RunConfig, args: argparse.Namespace) -> None:
    for key in ("lang", "basemap", "dpi"):
        if getattr(args, key, None) is not None:
            config.maps[key] = getattr(args, key)
    if getattr(args, "offline", False):
        config.maps["offline"] = True
    if getattr(args, "output_crs", None):
        config.output_crs = args.output_crs


def _add_sources(parser: LangParser) -> None:
    lang = parser.lang
    parser.add_argument("config", nargs="?", type=Path, help=text("config", lang))
    parser.add_argument("--osm", action="append", type=Path, metavar="FILE", help=text("osm", lang))
    parser.add_argument(
        "--geofabrik", action="append", type=Path, metavar="DIR", help=text("geofabrik", lang)
    )
    parser.add_argument("--layers", type=Path, metavar="FILE.gpkg", help=text("layers", lang))
    area = parser.add_mutually_exclusive_group()
    area.add_argument("--boundary", type=Path, metavar="FILE", help=text("boundary", lang))
    area.add_argument("--bbox", metavar="W,S,E,N", help=text("bbox", lang))


def _command(commands: Any, name: str, lang: str) -> LangParser:
    """A subcommand parser with its help line and examples in ``lang``."""
    return commands.add_parser(
        name, help=text(f"cmd_{name}", lang), epilog=epilog(name, lang), lang=lang
    )


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    """The argument parser, its help in ``lang`` (zh or en); also used by the docs."""
    parser = LangParser(
        prog="lifecircle",
        description=f"{text('description', lang)}\n\n{text('lang_rule', lang)}",
        lang=lang,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"lifecircle {__version__}",
        help=text("version", lang),
    )
    # read by lang_from_argv before parsing, here or after the command
    parser.add_argument("--lang", choices=LANGS, dest="top_lang", help=text("lang", lang))
    commands = parser.add_subparsers(
        dest="command", required=True, title=text("commands", lang), metavar="COMMAND"
    )

    demo = _command(commands, "demo", lang)
    demo.add_argument(
        "-o", "--out", type=Path, default=Path("out/demo"), help=text("out_demo", lang)
    )
    _add_common(demo)
    _add_map_options(demo)

    run = _command(commands, "run", lang)
    _add_sources(run)
    run.add_argument("-o", "--out", type=Path, help=text("out_run", lang))
    _add_common(run)
    _add_map_options(run)

    layers = _command(commands, "layers", lang)
    _add_sources(layers)
    layers.add_argument("-o", "--out", type=Path, required=True, help=text("out_layers", lang))
    _add_common(layers)
    _add_lang(layers, "lang_messages")

    _add_sites(_command(commands, "sites", lang))
    _add_batch(_command(commands, "batch", lang))
    return parser


def _category_choices() -> str:
    """The shipped Shanghai profile's categories with their Chinese names, for the help."""
    from lifecircle.standards.profile import load_profile

    return load_profile("shanghai").category_choices()


def _add_sites(sites: LangParser) -> None:
    lang = sites.lang
    sites.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        required=True,
        metavar="OUTDIR",
        help=text("from", lang),
    )
    sites.add_argument(
        "--category",
        metavar="CATEGORY",
        help=text("category", lang).format(choices=_category_choices()),
    )
    how_many = sites.add_mutually_exclusive_group()
    how_many.add_argument("--k", type=int, help=text("k", lang))
    how_many.add_argument("--target-share", type=float, help=text("target_share", lang))
    how_many.add_argument("--evaluate", type=Path, metavar="FILE", help=text("evaluate", lang))
    sites.add_argument("--candidates", type=Path, metavar="FILE", help=text("candidates", lang))
    sites.add_argument("--generate", action="store_true", help=text("generate", lang))
    sites.add_argument("--spacing-m", type=float, default=150.0, help=text("spacing_m", lang))
    sites.add_argument(
        "--method", default="auto", choices=["auto", "milp", "greedy"], help=text("method", lang)
    )
    sites.add_argument("--capacitated", action="store_true", help=text("capacitated", lang))
    sites.add_argument("--time-limit", type=float, default=60.0, help=text("time_limit", lang))
    sites.add_argument("--crs", help=text("crs", lang))
    sites.add_argument("-o", "--out", type=Path, help=text("out_sites", lang))
    sites.add_argument("-q", "--quiet", action="store_true", help=text("quiet", lang))
    _add_lang(sites, "lang_messages")


def _add_batch(batch: LangParser) -> None:
    """``lifecircle batch``: every unit of one boundary file on Dask (lifecircle.batch)."""
    lang = batch.lang
    batch.add_argument("config", type=Path, metavar="CONFIG.yml", help=text("batch_config", lang))
    batch.add_argument("--scheduler", metavar="ADDRESS", help=text("scheduler", lang))
    batch.add_argument("--workers", type=int, metavar="N", help=text("workers", lang))
    batch.add_argument("--resume", action="store_true", help=text("resume", lang))
    batch.add_argument("-o", "--out", type=Path, metavar="DIR", help=text("out_batch", lang))
    _add_lang(batch)
    batch.add_argument("-q", "--quiet", action="store_true", help=text("quiet", lang))


def _run_batch(args: argparse.Namespace, lang: str) -> int:
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
    _print_outputs(result.city_files, lang)
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


def _print_outputs(files: Sequence[Path], lang: str) -> None:
    print(f"\n{text('open_files', lang)}")
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


def _run_sites(args: argparse.Namespace, lang: str) -> None:
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
    folder, block = run_sites(request, quiet=args.quiet, lang=lang)
    if "message" in block:
        print(translate(block["message"], lang))
    _print_outputs(
        [
            folder / "maps" / "sites.html",
            folder / "report.html",
            folder / "summary.json",
            folder / "results.gpkg",
        ],
        lang,
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


class _Language:
    """The language of a command's messages, settled as soon as its inputs say it."""

    def __init__(self, option: str | None) -> None:
        self.option = option
        self.lang = resolve_lang(option)

    def from_config(self, config: RunConfig) -> str:
        """Settle on --lang, else the config's maps.lang, else the locale; maps follow it."""
        self.lang = resolve_lang(self.option, config.maps.get("lang"))
        config.maps["lang"] = self.lang
        return self.lang


def _dispatch(args: argparse.Namespace, language: _Language) -> int:
    if args.command == "batch":
        return _run_batch(args, language.lang)
    config_file = [args.config] if getattr(args, "config", None) else []
    if args.command == "demo":
        config = RunConfig(output=args.out, profile=args.profile or "shanghai")
        _apply_map_options(config, args)
        lang = language.from_config(config)
        outputs = _pipeline().run(config, demo=True, quiet=args.quiet)
        _print_outputs(outputs.files, lang)
    elif args.command == "run":
        config = config_from_args(args)
        _apply_map_options(config, args)
        lang = language.from_config(config)
        outputs = _pipeline().run(config, quiet=args.quiet, inputs=config_file)
        _print_outputs(outputs.files, lang)
    elif args.command == "sites":
        _run_sites(args, language.lang)
    elif args.command == "layers":
        config = config_from_args(args)
        _apply_map_options(config, args)
        lang = language.from_config(config)
        path = _pipeline().write_layers_only(config, args.out, quiet=args.quiet, inputs=config_file)
        _print_outputs([path], lang)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lifecircle`` command; returns the exit status.

    0 on success, 2 for an error the user can fix (message on stderr), 130
    after Ctrl-C and 143 after SIGTERM; an interrupted run removes what it had
    staged and leaves the earlier output as it was. Help, messages and outputs
    are in one language (:func:`lifecircle.cli_text.resolve_lang`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    language = _Language(lang_from_argv(argv))
    args = build_parser(language.lang).parse_args(argv)
    try:
        with _sigterm_as_interrupt():
            status = _dispatch(args, language)
    except LifecircleError as exc:
        print(f"lifecircle: {exc.render(language.lang)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        message = text("terminated" if terminated else "interrupted", language.lang)
        print(f"lifecircle: {message}", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    return status


if __name__ == "__main__":
    sys.exit(main())
