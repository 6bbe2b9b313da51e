"""Thread pools for GIL-releasing work: same results, in order, whatever the thread count."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import shapely

from lifecircle.spatial.threads import THREADS_ENV, available_threads, map_in_threads


def test_results_keep_the_order_of_the_items(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "4")
    assert map_in_threads(lambda x: x * x, range(50)) == [x * x for x in range(50)]
    assert map_in_threads(lambda x: x, []) == []


def test_the_first_error_is_raised(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "2")

    def fails_on_three(x: int) -> int:
        if x == 3:
            raise ValueError("three")
        return x

    with pytest.raises(ValueError, match="three"):
        map_in_threads(fails_on_three, range(6))


@pytest.mark.parametrize("setting", ["1", "0", "-2", "two", ""])
def test_the_environment_caps_the_threads(monkeypatch, setting):
    monkeypatch.setenv(THREADS_ENV, setting)
    threads = available_threads()
    if setting == "1":
        assert threads == 1
        names = map_in_threads(lambda _: threading.current_thread().name, range(3))
        assert names == [threading.current_thread().name] * 3, "one thread runs in the caller"
    else:  # not a whole number >= 1: ignored, never an error
        assert threads >= 1


def test_service_areas_are_the_same_on_one_thread_and_many(
    demo_results, demo_prepared, monkeypatch
):
    from lifecircle.analyses.service_area_layer import service_area_layer

    access, profile = demo_results.access, demo_results.profile
    layers = {}
    for setting in ("1", "2"):
        monkeypatch.setenv(THREADS_ENV, setting)
        layers[setting] = service_area_layer(access, demo_prepared, profile, facility_areas="all")
    one, many = layers["1"], layers["2"]
    assert len(one) == len(many) and len(one) > 0
    assert (one[["kind", "category"]].to_numpy() == many[["kind", "category"]].to_numpy()).all()
    assert np.array_equal(one["facility_id"].isna(), many["facility_id"].isna())
    same = shapely.equals_exact(one.geometry.to_numpy(), many.geometry.to_numpy(), tolerance=0)
    assert same.all()


@pytest.mark.parametrize("setting", ["1", "2"])
def test_run_beside_returns_both_and_raises_either_error(monkeypatch, setting):
    from lifecircle.spatial.threads import run_beside

    monkeypatch.setenv(THREADS_ENV, setting)
    order: list[str] = []
    assert run_beside(lambda: order.append("b") or "back", lambda: "front") == ("back", "front")
    assert order == ["b"]

    def fails() -> None:
        raise ValueError("background broke")

    with pytest.raises(ValueError, match="background broke"):
        run_beside(fails, lambda: "front")
    finished: list[str] = []

    def slow() -> str:
        finished.append("background")
        return "back"

    def breaks() -> None:
        raise KeyError("foreground broke")

    with pytest.raises(KeyError, match="foreground broke"):
        run_beside(slow, breaks)
    assert finished == ["background"], "the background job finishes before the error is raised"
