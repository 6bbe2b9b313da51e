"""The routing engine: CRS handling, walk graph, snapping, routing, catchments.

This package does no file I/O, draws nothing and imports none of the other
lifecircle packages.
"""

from lifecircle.spatial.errors import LifecircleError

__all__ = ["LifecircleError"]
