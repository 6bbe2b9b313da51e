"""Tiny OSM XML documents written by tests (no data files are committed)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

ORIGIN_LON = 121.44
ORIGIN_LAT = 31.26
DEG_PER_M_LAT = 1 / 111_320.0
DEG_PER_M_LON = 1 / (111_320.0 * 0.8545)  # cos(31.26°)


def lonlat(x_m: float, y_m: float) -> tuple[float, float]:
    """Degrees for a point x_m east and y_m north of the fixture origin."""
    return ORIGIN_LON + x_m * DEG_PER_M_LON, ORIGIN_LAT + y_m * DEG_PER_M_LAT


def _tags(tags: dict[str, str]) -> str:
    return "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())


def grid_osm(
    path: Path,
    n: int = 6,
    spacing_m: float = 100.0,
    facilities: list[tuple[float, float, dict[str, str]]] | None = None,
    missing_node_ids: tuple[int, ...] = (),
) -> Path:
    """Write an n × n street grid as OSM XML.

    Parameters
    ----------
    path : Path
        Output .osm file.
    n : int
        Nodes per side.
    spacing_m : float
        Street spacing in metres.
    facilities : list of (x_m, y_m, tags)
        Tagged nodes to add.
    missing_node_ids : tuple of int
        Node ids referenced by ways but left out of the file (an extract cut).
    """
    nodes = []
    node_id = {}
    next_id = 1
    for i in range(n):
        for j in range(n):
            node_id[i, j] = next_id
            if next_id not in missing_node_ids:
                lon, lat = lonlat(i * spacing_m, j * spacing_m)
                nodes.append(f'<node id="{next_id}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
            next_id += 1
    for x, y, tags in facilities or []:
        lon, lat = lonlat(x, y)
        nodes.append(f'<node id="{next_id}" lat="{lat:.7f}" lon="{lon:.7f}">{_tags(tags)}</node>')
        next_id += 1
    ways = []
    way_id = 1
    for i in range(n):
        for row in (True, False):
            refs = "".join(f'<nd ref="{node_id[(i, j) if row else (j, i)]}"/>' for j in range(n))
            tags = _tags({"highway": "residential", "name": f"测试路{way_id}"})
            ways.append(f'<way id="{way_id}">{refs}{tags}</way>')
            way_id += 1
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="lifecircle-tests">\n'
        + "\n".join(nodes + ways)
        + "\n</osm>\n",
        encoding="utf-8",
    )
    return path


def write_osm(
    path: Path,
    nodes: dict[int, tuple],
    ways: list[tuple[int, list[int], dict[str, str]]],
    relations: list[tuple[int, list[tuple[str, int, str]], dict[str, str]]] = (),
) -> Path:
    """Write any small OSM XML document from metres around the fixture origin.

    Parameters
    ----------
    nodes : dict of id → (x_m, y_m) or (x_m, y_m, tags)
    ways : list of (id, node ids, tags)
    relations : list of (id, [(member type, ref, role)], tags)
    """
    lines = []  # osmium wants each object type sorted by id
    for node, (x, y, *tags) in sorted(nodes.items()):
        lon, lat = lonlat(x, y)
        body = f">{_tags(tags[0])}</node>" if tags else "/>"
        lines.append(f'<node id="{node}" lat="{lat:.8f}" lon="{lon:.8f}"{body}')
    for way, refs, tags in sorted(ways, key=lambda w: w[0]):
        nds = "".join(f'<nd ref="{ref}"/>' for ref in refs)
        lines.append(f'<way id="{way}">{nds}{_tags(tags)}</way>')
    for rel, members, tags in sorted(relations, key=lambda r: r[0]):
        parts = "".join(
            f'<member type="{kind}" ref="{ref}" role="{role}"/>' for kind, ref, role in members
        )
        lines.append(f'<relation id="{rel}">{parts}{_tags(tags)}</relation>')
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="lifecircle-tests">\n'
        + "\n".join(lines)
        + "\n</osm>\n",
        encoding="utf-8",
    )
    return path
