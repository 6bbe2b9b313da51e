"""Online features fail offline with a clear message; no test touches the network."""

from __future__ import annotations

import socket

import pytest

from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.layers.osmnx_source import download_osm
from lifecircle.spatial.errors import LifecircleError


@pytest.fixture
def offline(monkeypatch):
    """Make every connection attempt fail as it does on a machine without internet."""

    def refuse(*args, **kwargs):
        raise OSError("Network is unreachable (simulated by the test)")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_osmnx_download_offline_says_how_to_use_a_local_extract(offline):
    with pytest.raises(LifecircleError) as info:
        download_osm({"place": "宜川路街道, 普陀区, 上海市"})
    message = str(info.value)
    assert "No network connection" in message
    assert "--osm FILE" in message and ".osm.pbf" in message


def test_osmnx_spec_without_area_is_refused():
    with pytest.raises(LifecircleError, match="place, bbox or polygon"):
        download_osm({"name": "x"})


def test_run_config_with_osmnx_source_offline(offline, tmp_path, capsys):
    config = tmp_path / "run.yml"
    config.write_text("sources:\n  osmnx: {place: 宜川路街道}\n", encoding="utf-8")
    code = main(["run", str(config), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR
    assert "Traceback" not in err and "local extract" in err
    assert not (tmp_path / "out").exists()
