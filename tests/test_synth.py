"""The benchmark's synthetic data (``shandong.synth``): valid, k times the records, same load per agency."""
from __future__ import annotations

from collections import Counter

from shandong.data.check import check
from shandong.data.model import build_model
from shandong.dev.synth import multiply, write


def _counts(docs) -> dict[str, int]:
    return {"agencies": len(docs["agencies"].data["agencies"]),
            "compound_names": len(docs["agencies"].data.get("compound_names", [])),
            "tasks": len(docs["tasks"].data["tasks"]),
            "measures": len(docs["measures"].data["measures"]),
            "themes": len(docs["themes"].data["themes"])}


def test_k3_passes_the_checker_with_three_times_the_records(tmp_path):
    real, problems = check()
    assert problems == []
    counts = write(3, tmp_path / "k3")
    docs, problems = check(tmp_path / "k3")
    assert problems == []
    want, got = _counts(real), _counts(docs)
    assert got == {**{k: 3 * v for k, v in want.items()}, "themes": want["themes"]}
    assert counts == {k: got[k] for k in ("agencies", "tasks", "measures")}


def test_each_copy_gives_every_agency_the_same_items(tmp_path):
    write(3, tmp_path / "k3")
    docs, _ = check(tmp_path / "k3")
    model = build_model(docs)
    real = build_model(check()[0])
    load = {aid: Counter({role: len(items) for role, items in model.by_agency[aid].items()}) for aid in model.agencies}
    for aid in real.agencies:
        want = Counter({role: len(items) for role, items in real.by_agency[aid].items()})
        assert load[aid] == load[f"{aid}-k2"] == load[f"{aid}-k3"] == want


def test_k1_is_the_real_data():
    docs, _ = check()
    data = {k: d.data for k, d in docs.items()}
    assert multiply(data, 1) == data
