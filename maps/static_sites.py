"""``maps/sites.png``: the new sites of one category, numbered by rank, over its gaps.

Only the sited category's gap zones and existing facilities are drawn, so the
map answers one question: where do the new sites go, and whom do they reach.
"""

from __future__ import annotations

import dataclasses

import matplotlib
from matplotlib.patches import Patch

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.maps import static
from lifecircle.maps.labels import category_name, fmt_number, t
from lifecircle.maps.mapdata import SitesOverlay, make_context, symbols_for
from lifecircle.maps.options import MapOptions

SITE_COLOUR = "#b2182b"
AREA_COLOUR = "#2166ac"
COVERED_COLOUR = "#4dac26"


def sites_category(overlay: SitesOverlay) -> str | None:
    """The one category the sites serve, or None when they serve several (evaluation)."""
    cats = overlay.sites["category"].dropna().astype(str).unique()
    return str(cats[0]) if len(cats) == 1 else None


def draw_sites_map(results: RunFrames, overlay: SitesOverlay, options: MapOptions) -> bytes:
    """The sites map as PNG bytes (:func:`sites_figure`), at ``options.dpi``."""
    fig = sites_figure(results, overlay, options)
    with matplotlib.rc_context(static._rc(static.static_lang(options.lang))):
        return static._png(fig, options.dpi)


def sites_figure(results: RunFrames, overlay: SitesOverlay, options: MapOptions):
    """The sites map as a matplotlib Figure, at print size with its legend below.

    Parameters
    ----------
    results : RunFrames
    overlay : SitesOverlay
        Sites (``rank``, ``category``, ``new_residents_covered``), their service
        areas and the demand they newly cover.
    options : MapOptions
        Language and dpi.
    """
    lang = static.static_lang(options.lang)
    options = dataclasses.replace(options, lang=lang, basemap="none", tianditu_key=None)
    ctx = make_context(results, options)
    crs = results.demand.crs
    sites = overlay.sites.to_crs(crs)
    category = sites_category(overlay) or (results.summary.get("sites") or {}).get("category")
    cats = [category] if category else sorted(sites["category"].dropna().astype(str).unique())
    names = "、".join if lang == "zh" else ", ".join
    cat_text = names(category_name(results.profile, c, lang) for c in cats)
    gained = (
        float(sites.get("new_target_covered", sites.get("new_residents_covered")).sum())
        if ("new_target_covered" in sites or "new_residents_covered" in sites)
        else float("nan")
    )
    title = t("rp_sites_map_title", lang, cat=cat_text, n=fmt_number(gained))
    gaps = results.gaps
    if not gaps.empty:
        gaps = gaps[(gaps["kind"] == "category") & gaps["kind_key"].isin(cats)]
    symbols = symbols_for(ctx, overlay.circle)
    with matplotlib.rc_context(static._rc(lang)):
        fig, ax, legend_ax, extent = static._map_layout(static.map_bounds(results), 10)
        ax.set_facecolor("#f4f3ef")
        static.draw_context(ax, results.layerset)
        handles: list = []
        if not gaps.empty:
            static.draw_gap(ax, gaps.to_crs(crs).geometry)
            handles.append(static.gap_handle(t("rp_gap_category", lang, cat=cat_text)))
        if overlay.service_areas is not None and not overlay.service_areas.empty:
            areas = overlay.service_areas.to_crs(crs)
            areas.plot(
                ax=ax,
                facecolor=AREA_COLOUR,
                alpha=0.12,
                edgecolor=AREA_COLOUR,
                linewidth=1.0,
                zorder=3,
            )
            handles.append(
                Patch(
                    facecolor=(0.13, 0.4, 0.67, 0.12),
                    edgecolor=AREA_COLOUR,
                    label=t("rp_site_area", lang),
                )
            )
        if overlay.newly_covered is not None and not overlay.newly_covered.empty:
            covered = overlay.newly_covered.to_crs(crs)
            ax.scatter(
                covered.geometry.x,
                covered.geometry.y,
                s=14,
                c=COVERED_COLOUR,
                edgecolors="#333333",
                linewidths=0.3,
                zorder=4,
            )
            handles.append(static.marker_handle(t("rp_newly_covered", lang), COVERED_COLOUR))
        existing = results.facilities[results.facilities["category"].isin(cats)].to_crs(crs)
        for cat in cats:
            subset = existing[existing["category"] == cat]
            symbol = symbols.get(cat)
            if subset.empty or symbol is None:
                continue
            static.draw_facilities(ax, subset, symbol)
            label = t("rp_existing", lang, cat=category_name(results.profile, cat, lang))
            handles.append(
                static.marker_handle(label, symbol.colour, symbol.mpl_marker, 8, "black")
            )
        ordered = sites.sort_values("rank") if "rank" in sites else sites
        for number, (_, site) in enumerate(ordered.iterrows(), start=1):
            rank = int(site["rank"]) if "rank" in site and site["rank"] == site["rank"] else number
            ax.scatter(
                [site.geometry.x],
                [site.geometry.y],
                s=330,
                c=SITE_COLOUR,
                edgecolors="white",
                linewidths=1.5,
                zorder=7,
                marker="o",
            )
            ax.text(
                site.geometry.x,
                site.geometry.y,
                str(rank),
                ha="center",
                va="center",
                color="white",
                fontsize=9,
                fontweight="bold",
                zorder=8,
                gid=f"site-{rank}",
            )
        marker = static.marker_handle(t("rp_site_marker", lang), SITE_COLOUR, "o", 11, "white")
        handles.insert(0, marker)
        handles += static.context_handles(results.layerset, lang)
        static.finish_map(
            fig, ax, legend_ax, results, handles, None, title, lang, ctx.today, extent
        )
        return fig
