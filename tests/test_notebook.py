"""examples/lifecircle_demo.ipynb runs top to bottom in a local kernel (no network).

The map cell must show inline (folium's ``_repr_html_``: an HTML frame carrying Leaflet,
inlined) and the last cell a table.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO_ROOT

NOTEBOOK = REPO_ROOT / "examples" / "lifecircle_demo.ipynb"


def _html_outputs(cell) -> list[str]:
    return [
        out["data"]["text/html"]
        for out in cell.get("outputs", [])
        if "data" in out and "text/html" in out["data"]
    ]


@pytest.mark.slow
def test_the_notebook_runs_and_shows_a_map_and_a_table(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError on any failing cell
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [out for cell in code for out in cell.outputs if out["output_type"] == "error"]
    assert not errors
    map_cell = next(cell for cell in code if "lc.map(" in cell.source)
    (frame,) = _html_outputs(map_cell)
    assert "<iframe" in frame and "L.map" in frame and "15分钟社区生活圈" in frame
    assert "cdn.jsdelivr" not in frame and "unpkg.com" not in frame  # Leaflet is inlined
    table = _html_outputs(code[-1])
    assert table and "<table" in table[0] and "day_care" not in table[0]  # life circle rows
    assert "kindergarten" in table[0] and "幼儿园" in table[0]
    assert not list(tmp_path.iterdir()), "the notebook writes no files"


def test_lc_map_returns_a_folium_map_that_shows_inline(demo_results):
    import folium

    import lifecircle as lc
    from lifecircle.spatial.errors import LifecircleError

    for kind, lang, title in (
        ("life_circle", "zh", "15分钟社区生活圈"),
        ("care_coverage", "en", "15-minute elderly-service circle"),
    ):
        m = lc.map(demo_results, kind=kind, lang=lang)
        assert isinstance(m, folium.Map)
        html = m._repr_html_()
        assert "<iframe" in html and title in html
    with pytest.raises(LifecircleError, match="Unknown map kind"):
        lc.map(demo_results, kind="sites")
    with pytest.raises(LifecircleError):
        lc.map(demo_results, lang="fr")
