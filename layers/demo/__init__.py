"""The embedded synthetic demo district (示范街道, synthetic data).

Kept apart from the readers in :mod:`lifecircle.layers`: it builds a finished
:class:`~lifecircle.layers.layerset.LayerSet` from constants, for the demo,
the examples and the tests. Every frame it returns is labelled synthetic.
"""

from lifecircle.layers.demo.district import build_demo_layerset

__all__ = ["build_demo_layerset"]
