"""Write the maps of a run: every map at once, or only the sites page and the index.

:func:`write_maps` draws the three circle maps, optional sites, detail pages,
PNGs and the index. :func:`write_sites_maps` is for ``lifecircle sites``: it
adds ``sites.html`` to maps written earlier and rewrites the index, drawing
nothing else.

Layout under ``out_dir/maps``::

    index.html                 links to everything below
    life_circle.html           15分钟社区生活圈
    fitness_circle.html        10分钟健身圈
    care_coverage.html         15分钟养老服务圈
    sites.html                 only when sites are given
    detail/<map>_<unit>.html   per sub-unit, when demand was aggregated to hexagons
    *.png                      static maps and the coverage chart (matplotlib)
"""

from __future__ import annotations

import dataclasses
import re
from html import escape
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.maps import mapdata, static
from lifecircle.maps.atomic import ensure_folder, write_bytes_atomic, write_text_atomic
from lifecircle.maps.folium_maps import build_map, render_html
from lifecircle.maps.labels import attribution, circle_name, profile_title, t
from lifecircle.maps.mapdata import MAP_KINDS, MapContext, SitesOverlay, make_context
from lifecircle.maps.options import MapOptions
from lifecircle.maps.static_sites import draw_sites_map
from lifecircle.maps.static_units import units_map
from lifecircle.spatial.threads import run_beside

MAPS_DIR = "maps"
#: The PNGs :func:`lifecircle.maps.static.write_static_maps` writes (and ``sites.png``
#: of ``lifecircle sites``), in index order.
PNG_NAMES = (*MAP_KINDS, "units_map", "coverage_chart", "sites")

_Page = tuple[str, Path, list[tuple[str, Path]]]
#: Demand points above which a sub-unit gets no detail page (its overview shows hexagons).
DETAIL_MAX_POINTS = 50_000


def _safe(text: str) -> str:
    """A file-name-safe version of an id."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "unit"


def _detail_path(maps_dir: Path, kind: str, unit_id: str) -> Path:
    return maps_dir / "detail" / f"{kind}_{_safe(unit_id)}.html"


def _map_label(ctx: MapContext, kind: str) -> str:
    if kind in MAP_KINDS:
        return circle_name(ctx.profile, kind, ctx.lang)
    return t(kind, ctx.lang)


def _write_detail_pages(ctx: MapContext, kind: str, maps_dir: Path) -> list[tuple[str, Path]]:
    """One page per sub-unit with that unit's demand points (not aggregated).

    A detail page embeds only what lies in its unit's window
    (:func:`lifecircle.maps.mapdata.detail_window`): the service areas and gap
    zones that reach the unit, and the context, facilities and names around
    it, cut at the window's edge. The display frames are computed once and
    shared with the overview. A unit with more than ``DETAIL_MAX_POINTS``
    demand points gets no detail page: a single file could not draw them.
    """
    results = ctx.results
    boundary = results.layerset.boundary
    names = ctx.unit_names()
    pages: list[tuple[str, Path]] = []
    detail_ctx = dataclasses.replace(
        ctx, options=dataclasses.replace(ctx.options, max_demand_points=10**9)
    )
    unit_of_point = results.demand["unit_id"].astype(str).to_numpy()
    rows_of_unit = pd.Series(np.arange(len(unit_of_point))).groupby(unit_of_point).indices
    for unit_id in boundary["unit_id"].astype(str):
        rows = rows_of_unit.get(unit_id, ())
        if len(rows) == 0 or len(rows) > DETAIL_MAX_POINTS:
            continue
        subset = results.demand.iloc[rows]
        focus = boundary[boundary["unit_id"].astype(str) == unit_id]
        name = names.get(unit_id, unit_id)
        path = _detail_path(maps_dir, kind, unit_id)
        m, _ = build_map(
            dataclasses.replace(detail_ctx, window=mapdata.detail_window(ctx, focus)),
            kind,
            demand=subset,
            focus=focus,
            unit_name=name,
            back_link=(t("overview", ctx.lang), f"../{kind}.html"),
        )
        write_text_atomic(path, render_html(m))
        pages.append((name, path))
    return pages


def _write_one(
    ctx: MapContext, kind: str, maps_dir: Path, sites: SitesOverlay | None = None
) -> tuple[Path, list[tuple[str, Path]]]:
    aggregated = len(ctx.results.demand) > ctx.options.max_demand_points  # as demand_frame
    details: list[tuple[str, Path]] = []
    if aggregated and kind in MAP_KINDS:
        details = _write_detail_pages(ctx, kind, maps_dir)
    links = [(name, path.relative_to(maps_dir).as_posix()) for name, path in details]
    m, _ = build_map(
        ctx,
        kind,
        detail_links=links,
        back_link=(t("index_title", ctx.lang), "index.html"),
        sites=sites,
    )
    path = write_text_atomic(maps_dir / f"{kind}.html", render_html(m))
    return path, details


def _written_details(ctx: MapContext, kind: str, maps_dir: Path) -> list[tuple[str, Path]]:
    """The detail pages of a map that an earlier run wrote, in sub-unit order."""
    names = ctx.unit_names()
    pages = []
    for unit_id in ctx.results.layerset.boundary["unit_id"].astype(str):
        path = _detail_path(maps_dir, kind, unit_id)
        if path.is_file():
            pages.append((names.get(unit_id, unit_id), path))
    return pages


def _index_html(
    ctx: MapContext,
    pages: list[_Page],
    pngs: list[Path],
    maps_dir: Path,
) -> str:
    lang = ctx.lang
    title = ctx.options.title or f"{t('index_title', lang)} — {ctx.study_name()}"
    items = []
    for label, path, details in pages:
        sub = ""
        if details:
            sub = (
                "<ul>"
                + "".join(
                    f'<li><a href="{escape(p.relative_to(maps_dir).as_posix())}">'
                    f"{escape(n)}</a></li>"
                    for n, p in details
                )
                + "</ul>"
            )
        items.append(f'<li><a href="{escape(path.name)}">{escape(label)}</a>{sub}</li>')
    images = "".join(
        f'<figure><a href="{escape(p.name)}"><img src="{escape(p.name)}" alt="{escape(p.stem)}">'
        f"</a><figcaption>{escape(p.name)}</figcaption></figure>"
        for p in pngs
    )
    synthetic = (
        f'<p class="synthetic">{escape(t("synthetic_banner", lang))}</p>'
        if ctx.meta.get("synthetic")
        else ""
    )
    source = escape(attribution(ctx.meta, lang))
    return f"""<!DOCTYPE html>
<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", Arial, sans-serif;
  margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }}
.synthetic {{ display: inline-block; background: #b2182b; color: #fff; padding: 3px 10px;
  font-weight: bold; border-radius: 3px; }}
figure {{ display: inline-block; margin: 0.5em; width: 30%; vertical-align: top; }}
figure img {{ max-width: 100%; border: 1px solid #ccc; }}
li {{ margin: 0.3em 0; }}
</style></head><body>
<h1>{escape(title)}</h1>
<p>{escape(t("profile", lang))}: {escape(profile_title(ctx.profile, lang))} ·
{escape(t("date", lang))}: {escape(ctx.today)}</p>
{synthetic}
<h2>{escape(t("interactive_maps", lang))}</h2>
<ul>{"".join(items)}</ul>
<h2>{escape(t("static_maps", lang))}</h2>
{images}
<p><small>{escape(t("attribution", lang))}: {source}</small></p>
</body></html>
"""


def write_maps(
    results: RunFrames,
    out_dir: Path,
    options: MapOptions,
    sites: SitesOverlay | gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write the interactive maps, static PNGs and an index under ``out_dir/maps``.

    Parameters
    ----------
    results : RunFrames
        From :func:`lifecircle.analyses.subdistrict.analyse`.
    out_dir : Path
        The run's output folder; maps go to ``out_dir/maps``.
    options : MapOptions
        Language, basemap, offline, dpi …
    sites : SitesOverlay or GeoDataFrame, optional
        New facility sites (a bare GeoDataFrame is taken as the sites alone),
        with their service areas and newly covered demand; adds
        ``maps/sites.html``.

    Returns
    -------
    list of Path
        ``index.html`` first, then the map pages, detail pages and PNGs.

    Raises
    ------
    LifecircleError
        For a bad option (unknown basemap or language, Tianditu without a key),
        or when ``out_dir`` is a file or cannot be written (read-only, full disk).
    """
    if isinstance(sites, gpd.GeoDataFrame):
        sites = SitesOverlay(sites=sites)
    ctx = make_context(results, options)
    maps_dir = ensure_folder(ensure_folder(Path(out_dir), "out_dir") / MAPS_DIR, "out_dir")
    kinds = list(MAP_KINDS) + (["sites"] if sites is not None else [])

    def pages() -> list[_Page]:
        written = []
        for kind in kinds:
            path, details = _write_one(ctx, kind, maps_dir, sites if kind == "sites" else None)
            written.append((_map_label(ctx, kind), path, details))
        return written

    def pngs() -> list[Path]:
        drawn = static.write_static_maps(results, maps_dir, options)
        units = units_map(results, static.static_lang(options.lang), options.dpi, ctx.today)
        if units is not None:
            drawn.insert(len(MAP_KINDS), write_bytes_atomic(maps_dir / "units_map.png", units))
        return drawn

    # the PNGs (matplotlib, zlib) are drawn while the pages are built: about 0.5 s less
    # on the central box; the pages' code never touches matplotlib's global state
    drawn, written = run_beside(pngs, pages)
    return _write_index(ctx, written, drawn, maps_dir)


def write_sites_maps(
    results: RunFrames, out_dir: Path, options: MapOptions, sites: SitesOverlay
) -> list[Path]:
    """Add ``maps/sites.html`` to the maps of an earlier run and rewrite the index.

    The circle maps, their detail pages and the PNGs already in ``out_dir/maps``
    are kept as they are and linked again; only the sites page, ``sites.png``
    and the index are drawn.

    Parameters
    ----------
    results : RunFrames
        The run's results (read back from its folder by ``lifecircle sites``).
    out_dir : Path
        The run's output folder.
    options : MapOptions
        The options the run's maps were drawn with.
    sites : SitesOverlay
        The sites, their service areas and the demand they newly cover.

    Returns
    -------
    list of Path
        As :func:`write_maps`: ``index.html`` first, then the map pages, detail
        pages and PNGs that exist.
    """
    ctx = make_context(results, options)
    maps_dir = Path(out_dir) / MAPS_DIR
    maps_dir.mkdir(parents=True, exist_ok=True)
    pages: list[_Page] = [
        (_map_label(ctx, kind), maps_dir / f"{kind}.html", _written_details(ctx, kind, maps_dir))
        for kind in MAP_KINDS
        if (maps_dir / f"{kind}.html").is_file()
    ]
    path, details = _write_one(ctx, "sites", maps_dir, sites)
    pages.append((_map_label(ctx, "sites"), path, details))
    write_bytes_atomic(maps_dir / "sites.png", draw_sites_map(results, sites, options))
    pngs = [maps_dir / f"{name}.png" for name in PNG_NAMES if (maps_dir / f"{name}.png").is_file()]
    return _write_index(ctx, pages, pngs, maps_dir)


def _write_index(
    ctx: MapContext, pages: list[_Page], pngs: list[Path], maps_dir: Path
) -> list[Path]:
    """Write ``index.html``; return it, the pages, their detail pages and the PNGs."""
    index = write_text_atomic(maps_dir / "index.html", _index_html(ctx, pages, pngs, maps_dir))
    written = [index]
    for _, path, details in pages:
        written.append(path)
        written.extend(p for _, p in details)
    written.extend(pngs)
    return written
