"""The matcher's quality benchmark (bench/quality.py) still runs: a tiny market, figures in range, no ineligible
provider ranked as eligible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality.py"


@pytest.fixture(scope="module")
def quality():
    """bench/ is not a package: load the script from its path (registered, as dataclasses look the module up)."""
    spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def result(quality):
    return quality.evaluate(seed=3, providers=300, tenders=5)


def test_no_ineligible_provider_is_ranked_as_eligible(result, quality):
    assert result["lots"] == 5
    assert result["marked_eligible"] > 0
    assert result["distractors"] > 0
    assert result["ineligible_as_eligible"] == 0
    assert result["distractors_as_eligible"] == 0
    assert result["disagreements"] == 0  # the generator's distractors fail exactly what assess says they fail
    for method in ("matcher", "baseline, rules checked", "ideal"):
        assert result["figures"][method, "ineligible share shown eligible"] == 0.0


def test_figures_lie_in_0_1_and_the_ideal_is_ideal(result, quality):
    figures = result["figures"]
    assert set(figures) == {(method, metric) for method in quality.METHODS for metric in quality.METRICS}
    assert all(0.0 <= value <= 1.0 for value in figures.values())
    assert figures["ideal", "NDCG@10"] == pytest.approx(1.0)
    for metric in quality.METRICS[:3]:
        assert figures["matcher", metric] <= figures["ideal", metric] + 1e-9


def test_same_seed_same_figures(result, quality):
    again = quality.evaluate(seed=3, providers=300, tenders=5)
    assert again["figures"] == result["figures"]


def test_metrics(quality):
    labels = {1: 2, 2: 1, 3: 0, 4: 0}
    assert quality.ndcg([1, 2, 3], labels) == pytest.approx(1.0)
    assert quality.ndcg([3, 4], labels) == 0.0
    assert 0.0 < quality.ndcg([2, 1], labels) < 1.0
    assert quality.recall([3, 1], labels, 1) == 0.5
    assert quality.recall([3, 1], labels, 2) == 1.0


def test_main_prints_the_table_and_exits_0(quality, capsys):
    assert quality.main(["--providers", "200", "--tenders", "3", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "NDCG@10" in out and "recall@20" in out
