"""Synthetic data for benchmarks: the real data multiplied by a factor k.

    python -m shandong.synth K OUT_DIR [--from DATA_DIR]

Copy 1 is the real data unchanged; copies 2..k repeat every agency, compound name,
task and measure with new identities, so agencies, tasks and measures are all ×k
while the number of items per agency stays the same (each copy's items name only
that copy's units). Themes, sections and the documents' headers are shared.

Copy c (c ≥ 2) renames:

- agency ids ``big-data-bureau`` → ``big-data-bureau-k2``; every spelling (name,
  short, aliases) and compound-name text gets the suffix ``·2``, so no spelling
  is claimed twice;
- ``units_as_written`` / ``attribution``: every spelling in the text gets the
  same suffix (longest match first), so each unit is still named in the text as
  written (the checker's rule); a unit whose spelling would otherwise be missing
  is appended, which never happens with the real data but keeps the output valid;
- task numbers: ``n + (c-1)·N`` (N = the highest real task number), also in
  ``related_tasks``;
- measure ids: ``m1-2-3`` → ``m1-2-<3 + (c-1)·100>`` (the id still names its
  section and subsection).

The result passes ``check()`` with zero problems (tests/test_synth.py).
"""
from __future__ import annotations

import argparse
import copy
import re
import shutil
import sys
from pathlib import Path

import yaml

from ..config import DATA, FILES

MEASURE_STEP = 100  # measure number offset per copy (real numbers are < 100)


def suffix(c: int) -> str:
    return f"·{c}"


def _spellings(agencies: dict) -> list[str]:
    out = set()
    for rec in agencies["agencies"]:
        out |= {rec["name"], rec["short"], *rec.get("aliases", [])}
    out |= {rec["text"] for rec in agencies.get("compound_names", [])}
    return sorted(out, key=lambda s: (-len(s), s))


def _rename_text(pattern: re.Pattern, text: str, c: int) -> str:
    return pattern.sub(lambda m: m[0] + suffix(c), text)


def multiply(data: dict[str, dict], k: int) -> dict[str, dict]:
    """The four data files (as loaded values: agencies, themes, tasks, measures) multiplied by ``k``."""
    if k < 1:
        raise ValueError("k must be at least 1")
    a, th, t, m = (copy.deepcopy(data[x]) for x in ("agencies", "themes", "tasks", "measures"))
    base_agencies, base_compounds = list(a["agencies"]), list(a.get("compound_names", []))
    base_tasks, base_measures = list(t["tasks"]), list(m["measures"])
    by_id = {r["id"]: r for r in base_agencies}
    n_tasks = max(r["number"] for r in base_tasks)
    pattern = re.compile("|".join(re.escape(s) for s in _spellings(a)))

    for c in range(2, k + 1):
        sfx, aid = suffix(c), (lambda x, c=c: f"{x}-k{c}")
        for rec in base_agencies:
            new = copy.deepcopy(rec)
            new["id"] = aid(rec["id"])
            new["name"] = rec["name"] + sfx
            new["short"] = rec["short"] + sfx
            new["aliases"] = [s + sfx for s in rec.get("aliases", [])]
            new["en"] = f"{rec['en']} (copy {c})"
            a["agencies"].append(new)
        for rec in base_compounds:
            new = copy.deepcopy(rec)
            new["text"] = rec["text"] + sfx
            new["units"] = [aid(u) for u in rec["units"]]
            a["compound_names"].append(new)

        def named(text: str, units: list[str], c: int = c) -> str:
            """The text with every spelling renamed; any unit left unnamed is appended."""
            out = _rename_text(pattern, text, c)
            for u in units:
                rec = by_id.get(u)
                if rec is None:
                    continue
                own = {rec["name"], rec["short"], *rec.get("aliases", [])}
                own |= {x["text"] for x in base_compounds if u in x["units"]}
                if not any(s + suffix(c) in out for s in own):
                    out += "、" + rec["short"] + suffix(c)
            return out

        for rec in base_tasks:
            new = copy.deepcopy(rec)
            new["number"] = rec["number"] + (c - 1) * n_tasks
            new["units_as_written"] = named(rec["units_as_written"], rec["units"])
            new["units"] = [aid(u) for u in rec["units"]]
            t["tasks"].append(new)
        for rec in base_measures:
            new = copy.deepcopy(rec)
            head, _, n = rec["id"].rpartition("-")
            new["id"] = f"{head}-{int(n) + (c - 1) * MEASURE_STEP}"
            units = [u for role in ("lead", "support", "responsible") for u in rec.get(role, [])]
            new["attribution"] = named(rec["attribution"], units)
            for role in ("lead", "support", "responsible"):
                if role in rec:
                    new[role] = [aid(u) for u in rec[role]]
            if "related_tasks" in rec:
                new["related_tasks"] = [n_ + (c - 1) * n_tasks for n_ in rec["related_tasks"]]
            m["measures"].append(new)
    # Progress reports and their sources refer to the original items: kept as they are.
    return {"agencies": a, "themes": th, "tasks": t, "measures": m,
            **{x: copy.deepcopy(data[x]) for x in ("progress", "sources") if x in data}}


def _plain(x):
    """YAML-safe values: dates (if the loader produced any) back to their ISO text."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def write(k: int, out_dir: Path, data_dir: Path = DATA) -> dict[str, int]:
    """Write the data multiplied by ``k`` into ``out_dir`` (schemas copied). Returns counts."""
    from ..data.check import check, report

    docs, problems = check(data_dir)
    if problems:
        raise ValueError(f"the source data has problems:\n{report(problems)}")
    out = multiply({kind: docs[kind].data for kind in FILES}, k)
    out_dir = Path(out_dir)
    for kind, (rel, schema_name) in FILES.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        header = f"# yaml-language-server: $schema={'../' * rel.count('/')}schemas/{schema_name}\n" \
                 f"# Synthetic: data/{rel} multiplied by k = {k} (python -m shandong.synth).\n"
        path.write_text(header + yaml.safe_dump(_plain(out[kind]), allow_unicode=True, sort_keys=False, width=10_000),
                        encoding="utf-8")
    # Not sources/: the synthetic copies are not the documents' words (make check compares data with sources/).
    for sub in ("schemas",):
        if (Path(data_dir) / sub).is_dir():
            shutil.copytree(Path(data_dir) / sub, out_dir / sub, dirs_exist_ok=True)
    return {"agencies": len(out["agencies"]["agencies"]), "tasks": len(out["tasks"]["tasks"]),
            "measures": len(out["measures"]["measures"])}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shandong.synth", description=__doc__.splitlines()[0])
    p.add_argument("k", type=int)
    p.add_argument("out_dir", type=Path)
    p.add_argument("--from", dest="data_dir", type=Path, default=DATA)
    args = p.parse_args(argv)
    counts = write(args.k, args.out_dir, args.data_dir)
    print(f"wrote {args.out_dir}/ (k = {args.k}): " + ", ".join(f"{v} {n}" for n, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
