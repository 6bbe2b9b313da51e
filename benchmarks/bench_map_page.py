"""Map page size and draw time: bytes per embedded data set, and Chromium's time to draw.

Run from the repository root on the maps of finished runs::

    .venv/bin/lifecircle run --osm ../shared/data/shanghai-central/roads.osm \\
        --geofabrik ../shared/data/shanghai-central/geofabrik --out out/central
    .venv/bin/python benchmarks/bench_map_page.py out/central                # every page
    .venv/bin/python benchmarks/bench_map_page.py out/central --pages life_circle --repeat 5
    .venv/bin/python benchmarks/bench_map_page.py out/central --json after.json
    .venv/bin/python benchmarks/bench_map_page.py --compare before.json after.json

For each page under ``FOLDER/maps`` (detail pages with ``--details``) it reports the
file size, the bytes of each ``LC.data[...]`` line and its feature count, and the draw
time in headless Chromium (``tests/browser.py``), the median of ``--repeat`` fresh loads:

- ``ready_ms``: ``LC.readyMs``, set by ``LC.finish`` once every layer shown at start is
  added (milliseconds from navigation start; pages older than the compact data lack it);
- ``painted_ms``: ``LC.paintedMs``, two animation frames after ``LC.readyMs``: the
  layers laid out and painted (the draw time the issue asks for);
- ``load_ms``: the navigation's ``loadEventEnd``, which every page has (``LC.finish``
  runs in the last inline script; the browser lays out and paints before the load event);
- ``layer_ms`` (JSON only): ``LC.spent``, the milliseconds each layer shown at start took
  to decode its data and be added to the map, from the last load.

To compare revisions, write the pages with each one and pass both JSON files to
``--compare``. A benchmark, not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser import Browser  # noqa: E402
from tests.conftest import chromium_path  # noqa: E402

DATA_LINE = re.compile(r'^LC\.data\[("[^"]+")\] = (\{.*\});$', re.M)


def data_sets(html: str) -> dict[str, dict[str, int]]:
    """Data-set name → bytes of its ``LC.data`` line and number of features."""
    out = {}
    for match in DATA_LINE.finditer(html):
        data = json.loads(match.group(2))
        count = data["n"] if "n" in data else len(data.get("features", []))
        out[json.loads(match.group(1))] = {
            "bytes": len(match.group(0).encode("utf-8")),
            "features": int(count),
        }
    return out


def draw_times(browser: Browser, page: Path, repeat: int) -> dict[str, float | None]:
    """Median ``LC.readyMs`` and ``loadEventEnd`` (ms) over ``repeat`` loads of ``page``."""
    ready, painted, load, spent = [], [], [], {}
    for _ in range(repeat):
        browser.open(page, settle_s=0.2)
        browser.pump(until=lambda: browser.evaluate("window.LC_READY === true"))
        ready.append(browser.evaluate("window.LC && LC.readyMs !== undefined ? LC.readyMs : null"))
        browser.pump(
            until=lambda: browser.evaluate(
                "!window.LC || LC.readyMs === undefined || !!LC.paintedMs"
            )
        )
        painted.append(browser.evaluate("window.LC && LC.paintedMs ? LC.paintedMs : null"))
        spent = browser.evaluate("window.LC && LC.spent ? LC.spent : {}") or spent
        load.append(browser.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
    ready_ok = [r for r in ready if r is not None]
    painted_ok = [p for p in painted if p is not None]
    return {
        "ready_ms": statistics.median(ready_ok) if ready_ok else None,
        "painted_ms": statistics.median(painted_ok) if painted_ok else None,
        "load_ms": statistics.median(load),
        "layer_ms": spent,  # of the last load: decode and add, per layer shown at start
    }


def measure(folder: Path, pages: list[str] | None, details: bool, repeat: int) -> dict[str, Any]:
    maps_dir = folder / "maps"
    paths = sorted(maps_dir.glob("*.html"))
    if details:
        paths += sorted((maps_dir / "detail").glob("*.html"))
    paths = [p for p in paths if p.name != "index.html"]
    if pages:
        paths = [p for p in paths if p.stem in pages]
    chromium = chromium_path()
    results: dict[str, Any] = {}
    with Browser(chromium, timeout_s=120.0) as browser:
        for path in paths:
            html = path.read_text(encoding="utf-8")
            results[path.relative_to(maps_dir).as_posix()] = {
                "bytes": path.stat().st_size,
                "data": data_sets(html),
                **draw_times(browser, path, repeat),
            }
    return results


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f}"


def _ms(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}"


def table(results: dict[str, Any]) -> str:
    lines = [
        "| page | MB | ready ms | load ms | largest data sets (MB, features) |",
        "|---|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        top = sorted(r["data"].items(), key=lambda kv: -kv[1]["bytes"])[:4]
        parts = ", ".join(f"{k} {_mb(v['bytes'])} ({v['features']:,})" for k, v in top)
        lines.append(
            f"| {name} | {_mb(r['bytes'])} | {_ms(r['ready_ms'])} | "
            f"{_ms(r.get('painted_ms'))} | {_ms(r['load_ms'])} | {parts} |"
        )
    return "\n".join(lines)


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    lines = [
        "| page | MB before | MB after | load ms before | load ms after | ready ms after |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in after:
        b = before.get(name)
        lines.append(
            f"| {name} | {_mb(b['bytes']) if b else '–'} | {_mb(after[name]['bytes'])} | "
            f"{_ms(b['load_ms']) if b else '–'} | {_ms(after[name]['load_ms'])} | "
            f"{_ms(after[name]['ready_ms'])} |"
        )
    names = sorted({k for r in (before, after) for p in r.values() for k in p["data"]})
    for page in after:
        if page not in before:
            continue
        lines.append(f"\n{page}, MB per data set:\n")
        lines.append("| data set | before | after | features |")
        lines.append("|---|---:|---:|---:|")
        for k in names:
            b, a = before[page]["data"].get(k), after[page]["data"].get(k)
            if a or b:
                lines.append(
                    f"| {k} | {_mb(b['bytes']) if b else '–'} | {_mb(a['bytes']) if a else '–'} | "
                    f"{(a or b)['features']:,} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="run output folders")
    parser.add_argument("--pages", nargs="*", help="page names (default: every map page)")
    parser.add_argument("--details", action="store_true", help="detail pages too")
    parser.add_argument("--repeat", type=int, default=3, help="loads per page (median)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print(compare(before, after))
        return 0
    if chromium_path() is None:
        print("Chromium is not installed", file=sys.stderr)
        return 1
    everything: dict[str, Any] = {}
    for folder in args.folders:
        results = measure(folder, args.pages, args.details, args.repeat)
        everything.update({f"{folder.name}/{k}": v for k, v in results.items()})
    print(table(everything))
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
