"""lifecircle: network-based 15-minute life-circle analysis for Shanghai sub-districts.

One import name; the engine, profiles, readers, analyses and maps are its
subpackages (:mod:`lifecircle.spatial`, :mod:`lifecircle.standards`,
:mod:`lifecircle.layers`, :mod:`lifecircle.analyses`, :mod:`lifecircle.maps`).
The functions analysts call live in :mod:`lifecircle.api` and are re-exported
here. They are loaded on first use, so ``import lifecircle`` and
``lifecircle --help`` stay fast and pull in none of folium, matplotlib,
osmium, osmnx or rasterio.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "LayerSet",
    "LifecircleError",
    "Profile",
    "analyse_all",
    "care_coverage",
    "demo_layers",
    "fitness_circle",
    "life_circle",
    "load_layers",
    "load_profile",
    "map",
    "recommend_sites",
    "write_maps",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time these load lazily
    from lifecircle.api import (
        LayerSet,
        Profile,
        analyse_all,
        care_coverage,
        demo_layers,
        fitness_circle,
        life_circle,
        load_layers,
        load_profile,
        map,
        recommend_sites,
        write_maps,
    )
    from lifecircle.spatial.errors import LifecircleError


def __getattr__(name: str) -> Any:
    if name == "LifecircleError":
        from lifecircle.spatial.errors import LifecircleError

        return LifecircleError
    if name in __all__:
        return getattr(importlib.import_module("lifecircle.api"), name)
    raise AttributeError(f"module 'lifecircle' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
