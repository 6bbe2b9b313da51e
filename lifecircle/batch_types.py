"""What ``lifecircle batch`` knows about one unit once it is done: :class:`UnitOutcome`.

Kept apart from :mod:`lifecircle.batch` (which imports Dask) so the city writers
can take outcomes without importing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

#: ``ok``: the unit's folder was written now; ``skipped``: ``--resume`` found it complete;
#: ``failed``: the unit raised an error (``error`` says which), its folder was not written.
UnitStatus = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class UnitOutcome:
    """One unit (街道/镇) of a batch, as the city folder reports it.

    Attributes
    ----------
    unit_id : str
        Stable id of the unit, made from its name (the boundary's ``name_column``);
        also the name of its run folder.
    name : str
        The unit's name as written in the boundary file (e.g. 宜川路街道).
    status : {"ok", "failed", "skipped"}
        See :data:`UnitStatus`.
    folder : str
        The unit's run folder relative to the batch output folder (``units/<unit_id>``);
        from the city folder (``OUT/city``) it is ``../units/<unit_id>``.
    error : str or None
        The error text (a ``LifecircleError``'s what/where/fix, or the exception's
        type and message) when ``status`` is ``failed``.
    indicators : pandas.DataFrame or None
        The unit's 城市体检 indicators (one row per indicator), None when failed.
    summary : dict or None
        The unit's ``summary.json`` content, None when failed.
    seconds : float
        Wall time the unit took on its worker (s); 0 when skipped.
    peak_rss_mb : float or None
        Peak resident memory of the worker process when the unit ended (MB);
        None when skipped or when the worker was lost.
    worker : str or None
        ``host:pid`` of the worker process that computed the unit.
    """

    unit_id: str
    name: str
    status: UnitStatus
    folder: str
    error: str | None = None
    indicators: pd.DataFrame | None = None
    summary: dict[str, Any] | None = None
    seconds: float = 0.0
    peak_rss_mb: float | None = None
    worker: str | None = None
