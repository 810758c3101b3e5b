"""What a dataset's progress should look like on the site, computed from its YAML files directly
(PyYAML, no shandong code): each item's state, reports, units, theme and deadline; the reviewed
date. Shared by tests/test_progress_site.py, tests/test_feeds.py and tests/test_briefs.py."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "progress-data"
ALL_STATES = ["completed", "on-track", "delayed", "not-started", "cancelled", "overdue-unreported", "no-report"]


def _date(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


@dataclass
class Expected:
    key: str
    title: str  # as the website names it
    url: str
    theme: str
    units: dict[str, list[str]]  # role -> agency ids
    year: int | None
    reports: list[dict] = field(default_factory=list)  # newest first
    state: str = ""


@dataclass
class Dataset:
    as_of: date
    reviewed_by: str
    items: dict[str, Expected]
    sources: dict[str, dict]
    targets: list[dict]  # each: text, value, unit, item, values (newest first)
    agencies: dict[str, dict]
    themes: dict[str, dict]

    def counts(self, keys) -> dict[str, int]:
        c = Counter(self.items[k].state for k in keys)
        return {s: c[s] for s in ALL_STATES}

    def agency_items(self, aid: str) -> list[str]:
        return [k for k, x in self.items.items() if any(aid in ids for ids in x.units.values())]


@cache
def dataset(data_dir: Path = FIXTURE) -> Dataset:
    def load(rel):
        return yaml.safe_load((data_dir / rel).read_text(encoding="utf-8"))

    progress, sources = load("progress.yaml"), load("sources.yaml")
    tasks, measures = load("plan/tasks.yaml"), load("action-2020/measures.yaml")
    agencies, themes = load("agencies.yaml"), load("themes.yaml")
    as_of = _date(progress["reviewed"]["date"])
    section_theme = {s["number"]: s["theme"] for s in measures["sections"]}
    items: dict[str, Expected] = {}
    targets = []
    for t in tasks["tasks"]:
        key = f"task-{t['number']}"
        items[key] = Expected(key, f"重点任务 {t['number']}：{t['title']}", f"tasks/{t['number']}/", t["theme"],
                              {"task": list(t["units"])}, t["schedule"].get("year"))
    for r in measures["measures"]:
        mid = r["id"]
        items[mid] = Expected(mid, "行动措施 " + mid[1:].replace("-", ".") + "：" + r["title"], f"measures/{mid}/",
                              section_theme[r["section"]],
                              {role: list(r[role]) for role in ("lead", "support", "responsible") if r.get(role)},
                              int(str(r["deadline"]["date"])[:4]))
        for tg in r.get("targets", []):
            targets.append({"text": tg["text"], "value": tg["value"], "unit": tg["unit"], "item": mid, "values": []})
    for rep in progress.get("reports") or []:
        items[rep["item"]].reports.append(rep)
        for v in rep.get("values", []):
            t = next(t for t in targets if t["item"] == rep["item"] and t["text"] == v["target"])
            t["values"].append({**v, "report_as_of": _date(rep["as_of"])})
    for x in items.values():
        x.reports.sort(key=lambda r: _date(r["as_of"]), reverse=True)
        if x.reports:
            x.state = x.reports[0]["status"]
        elif x.year is not None and date(x.year, 12, 31) < as_of:
            x.state = "overdue-unreported"
        else:
            x.state = "no-report"
    for t in targets:
        t["values"].sort(key=lambda v: (_date(v["as_of"]), v["report_as_of"]), reverse=True)
    return Dataset(as_of, progress["reviewed"]["by"], items, {s["id"]: s for s in sources.get("sources") or []},
                   targets, {a["id"]: a for a in agencies["agencies"]}, {t["id"]: t for t in themes["themes"]})

# The Chinese labels of the states, as CONTRACT.md fixes them (a test of the vocabulary too).
ZH = {
    "completed": "已完成", "on-track": "按计划推进", "delayed": "滞后", "not-started": "未启动",
    "cancelled": "已取消或被替代", "overdue-unreported": "已过期限，未报告进展", "no-report": "未报告进展",
}
