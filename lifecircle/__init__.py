"""lifecircle: network-based 15-minute life-circle analysis for Shanghai sub-districts.

See :mod:`lifecircle.api` for the functions analysts call, and the README.
"""

from lifecircle.api import (
    analyse_all,
    care_coverage,
    demo_layers,
    fitness_circle,
    life_circle,
    load_layers,
    load_profile,
    recommend_sites,
    write_maps,
)

__all__ = [
    "analyse_all",
    "care_coverage",
    "demo_layers",
    "fitness_circle",
    "life_circle",
    "load_layers",
    "load_profile",
    "recommend_sites",
    "write_maps",
]
__version__ = "0.1.0"
