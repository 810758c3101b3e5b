"""The checked data as typed records, with every derived view computed once.

Pages, exports and briefs read these views; none of them re-scans the data per page.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from .load import Document

CN_NUMERALS = "一二三四五六七八九十"  # section and subsection numbers as the documents write them
ROLE_NAMES = {  # role -> (Chinese, English), in display order
    "lead": ("牵头", "Lead"),
    "support": ("配合", "Support"),
    "responsible": ("按职责分工负责", "Responsible"),
    "task": ("责任单位", "Responsible (task division)"),
}
ROLE_ORDER = tuple(ROLE_NAMES)  # the action plan's roles, then the task division's
ROLE_ITEM_KIND = {"lead": "measure", "support": "measure", "responsible": "measure", "task": "task"}  # what each role is on
# An ongoing task (持续推进) has no deadline year: where items are sorted by deadline, it comes after every year.
ONGOING_LAST = 9999


def task_key(number: int | str) -> str:
    """A task's key (progress reports, feeds, filters): ``task-12``."""
    return f"task-{number}"


def measure_number(mid: str) -> str:
    """A measure's number as the site writes it: ``m1-2-3`` → ``1.2.3``."""
    return mid[1:].replace("-", ".")


# An agency's kind -> (Chinese, English): the enum of data/schemas/agencies.schema.json.
KIND_NAMES = {
    "provincial-department": ("省直部门", "Provincial department"),
    "party-committee-office": ("省委部门", "Party committee office"),
    "city-government": ("市政府", "City government"),
    "central-branch": ("中央驻鲁单位", "Central-government branch or regulator"),
    "collective": ("泛指单位", "Collective group"),
}
# A cited source's kind -> (Chinese, English): the enum of data/schemas/sources.schema.json (a test compares them).
SOURCE_KINDS = {
    "policy-document": ("政策文件", "Policy document"),
    "government-report": ("政府工作报告或工作总结", "Government report or work summary"),
    "statistics": ("统计数据", "Statistics"),
    "news": ("新闻报道", "News report"),
    "other": ("其他", "Other"),
}
# Progress: the status a report gives an item. key -> (Chinese, English, what it means, in Chinese).
# The same keys, in the same order, are the enum of data/schemas/progress.schema.json (a test compares them).
STATUSES = {
    "completed": ("已完成", "Completed", "报告所述的工作已经完成，并有来源为证。"),
    "on-track": ("按计划推进", "On track", "正在实施，进度符合文件的安排。"),
    "delayed": ("滞后", "Delayed", "正在实施，但落后于文件的安排。"),
    "not-started": ("未启动", "Not started", "截至报告日期尚未开始实施。"),
    "cancelled": ("已取消或被替代", "Cancelled or superseded", "已取消，或已由后来的政策、项目取代。"),
}
# The state of an item on the site: its current report's status, or, with no report, whether its deadline has passed.
STATES = {
    **STATUSES,
    "overdue-unreported": ("已过期限，未报告进展", "Deadline passed, no progress reported",
                           "期限已过，本站尚未收录这一项的进展报告。"),
    "no-report": ("未报告进展", "No progress reported", "本站尚未收录这一项的进展报告；期限未到或为持续推进。"),
}
DEADLINE_KINDS = {  # kind -> (Chinese, English), in display order; the year is the item's deadline_year
    "year-end": ("年底前完成", "By the end of the year (stated)"),
    "plan-year": ("行动方案年度内", "Within the action plan's year (no date stated)"),
    "complete": ("完成", "Complete by"),
    "basic": ("基本完成", "Basically complete by"),
    "ongoing": ("持续推进", "Ongoing"),
}


@dataclass
class Agency:
    id: str
    name: str
    short: str
    en: str
    kind: str
    aliases: list[str]
    note: str | None
    line: int
    search_aliases: list[str] = field(default_factory=list)  # editorial abbreviations, search only

    @property
    def url(self) -> str:
        return f"agencies/{self.id}/"

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind][0]


@dataclass
class Theme:
    id: str
    name: str
    en: str
    description: str
    description_en: str

    @property
    def url(self) -> str:
        return f"themes/{self.id}/"


@dataclass
class Target:
    text: str
    metric: str
    value: float
    value_as_written: str | None
    unit: str
    qualifier: str | None
    due: str
    due_as_written: str | None
    item: Item = field(repr=False, default=None)
    values: list[TargetValue] = field(default_factory=list, repr=False)  # reported values, newest first

    @property
    def value_text(self) -> str:
        v = int(self.value) if float(self.value).is_integer() else self.value
        return f"{v:,}" if isinstance(v, int) else str(v)

    @property
    def latest(self) -> TargetValue | None:
        return self.values[0] if self.values else None

    @property
    def progress(self) -> float | None:
        """The latest reported value as a fraction of the target's value (may exceed 1)."""
        return self.latest.value / self.value if self.latest else None


@dataclass
class Source:
    """A source cited as evidence (data/sources.yaml)."""

    id: str
    title: str
    issuer: str
    date: date
    url: str | None
    doc_number: str | None
    kind: str
    line: int


@dataclass
class Citation:
    source: Source
    locator: str | None


@dataclass
class TargetValue:
    """A measured value of a numeric target, as a progress report gives it."""

    target: Target
    value: float
    unit: str
    as_of: date
    report: Report = field(repr=False, default=None)


@dataclass
class Report:
    """A progress report on one item (data/progress.yaml)."""

    item: Item = field(repr=False)
    as_of: date
    status: str  # a key of STATUSES
    summary: str
    evidence: list[Citation]
    values: list[TargetValue]
    file: str
    line: int

    @property
    def status_name(self) -> str:
        return STATUSES[self.status][0]


@dataclass
class Subsection:
    number: int
    heading: str

    @property
    def label(self) -> str:
        return f"（{CN_NUMERALS[self.number - 1]}）{self.heading}"


@dataclass
class Section:
    number: int
    heading: str
    theme: str
    subsections: list[Subsection]

    @property
    def label(self) -> str:
        return f"{CN_NUMERALS[self.number - 1]}、{self.heading}"


@dataclass
class Item:
    """A task of the task division or a measure of the 2020 action plan."""

    kind: str  # "task" | "measure"
    id: str  # "12" for task 12, "m1-1-1" for a measure
    text: str
    short_title: str  # editorial: from the opening clause of the text (data: title)
    theme: str
    roles: dict[str, list[str]]  # role -> agency ids, in the document's order
    units_as_written: str  # the unit list or attribution, verbatim
    deadline_kind: str  # a key of DEADLINE_KINDS
    deadline_year: int | None
    deadline_as_written: str | None
    targets: list[Target]
    open_roles: list[str]
    lead_each: bool
    note: str | None
    file: str
    line: int
    number: int | None = None  # tasks
    section: Section | None = None  # measures
    subsection: Subsection | None = None
    ordinal: int | None = None  # measures: position in its (sub)section
    related: list[Item] = field(default_factory=list, repr=False)
    due: str | None = None  # measures: the deadline date as the data writes it (YYYY-MM-DD)
    reports: list[Report] = field(default_factory=list, repr=False)  # newest first
    as_of: date | None = field(default=None, repr=False)  # the dataset's reviewed date (Model.as_of)
    document: dict = field(default_factory=dict, repr=False)  # its file's ``document``: title, source, year or period

    @property
    def current(self) -> Report | None:
        """The newest report: the item's current status."""
        return self.reports[0] if self.reports else None

    @property
    def deadline_date(self) -> date | None:
        """December 31 of the deadline year; None for an ongoing task (持续推进)."""
        return date(self.deadline_year, 12, 31) if self.deadline_year else None

    @property
    def deadline_passed(self) -> bool:
        return self.deadline_date is not None and self.as_of is not None and self.deadline_date < self.as_of

    @property
    def state(self) -> str:
        """A key of STATES."""
        if self.current:
            return self.current.status
        return "overdue-unreported" if self.deadline_passed else "no-report"

    @property
    def url(self) -> str:
        return f"tasks/{self.number}/" if self.kind == "task" else f"measures/{self.id}/"

    @property
    def key(self) -> str:
        return task_key(self.number) if self.kind == "task" else self.id

    @property
    def label(self) -> str:
        """The item's number as the site names it: 重点任务 13, 行动措施 1.1.1."""
        if self.kind == "task":
            return f"重点任务 {self.number}"
        return f"行动措施 {measure_number(self.id)}"

    @property
    def title(self) -> str:
        """How the site names the item in headings, lists, links, feeds, briefs and search results:
        its number and its short title (editorial), e.g. 重点任务 13：建设省数据大厅."""
        return f"{self.label}：{self.short_title}"

    @property
    def source(self) -> str:
        """Where in its document the item is, e.g. 《数字山东2020行动方案》一（一）第 1 项措施."""
        title = f"《{self.document.get('title', '')}》"
        if self.kind == "task":
            return f"{title}，序号 {self.number}"
        where = self.section.label.split("、")[0] + "、"
        if self.subsection:
            where = where[:-1] + f"（{CN_NUMERALS[self.subsection.number - 1]}）"
        return f"{title}{where}第 {self.ordinal} 项措施"

    @property
    def source_short(self) -> str:
        if self.kind == "task":
            return f"任务分工 {self.number}"
        return f"{self.document.get('year', '')}方案 {measure_number(self.id)}"

    @property
    def deadline_text(self) -> str:
        if self.kind == "task":
            return self.deadline_as_written or ""
        if self.deadline_kind == "year-end":
            return f"{self.deadline_year}{self.deadline_as_written}"  # 2020年底前, 2020年内
        return f"{self.deadline_year}年（行动方案年度）"

    @property
    def deadline_sort(self) -> tuple:
        order = list(DEADLINE_KINDS)
        year = self.deadline_year or ONGOING_LAST
        return (year, order.index(self.deadline_kind), self.kind != "task", self.sort_key)

    @property
    def sort_key(self) -> tuple:
        if self.kind == "task":
            return (0, self.number, 0, 0)
        return (1, self.section.number, self.subsection.number if self.subsection else 0, self.ordinal)

    def units(self) -> list[str]:
        return [u for ids in self.roles.values() for u in ids]

    def role_of(self, aid: str) -> str | None:
        for role, ids in self.roles.items():
            if aid in ids:
                return role
        return None


@dataclass
class Model:
    agencies: dict[str, Agency]
    themes: dict[str, Theme]
    tasks: list[Item]
    measures: list[Item]
    sections: list[Section]
    preamble: str
    documents: dict[str, dict]
    compound_names: list[dict]
    # derived views
    by_agency: dict[str, dict[str, list[Item]]] = field(default_factory=dict)
    by_theme: dict[str, list[Item]] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    pairs: Counter = field(default_factory=Counter)
    partners: dict[str, Counter] = field(default_factory=dict)  # agency -> co-unit -> shared items
    # progress (data/progress.yaml, data/sources.yaml)
    as_of: date | None = None  # reviewed.date: the date the data was last reviewed
    reviewed_by: str = ""
    reviewed_note: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)  # newest first

    @property
    def items(self) -> list[Item]:
        return self.tasks + self.measures

    def agency_count(self, aid: str, role: str) -> int:
        return len(self.by_agency[aid].get(role, []))

    def agency_items(self, aid: str) -> list[Item]:
        """The agency's items, each once (an item lists a unit once, in one role), in role order."""
        return list({id(x): x for xs in self.by_agency[aid].values() for x in xs}.values())

    def agency_total(self, aid: str) -> int:
        return sum(len(v) for v in self.by_agency[aid].values())

    def agencies_by_load(self, kind: str | None = None) -> list[Agency]:
        """Agencies (of one kind) with the most items first; ties in the registry's order."""
        chosen = [a for a in self.agencies.values() if kind is None or a.kind == kind]
        return sorted(chosen, key=lambda a: -self.agency_total(a.id))  # stable: the registry's order

    def co_units(self, item: Item, aid: str) -> list[str]:
        return [u for u in item.units() if u != aid]

    def state_counts(self, items: list[Item] | None = None) -> dict[str, int]:
        """How many of ``items`` (default: all) are in each state, over every key of STATES in order."""
        counts = Counter(item.state for item in (self.items if items is None else items))
        return {state: counts[state] for state in STATES}


def build_model(docs: dict[str, Document]) -> Model:
    a, th, t, m = (docs[k].data for k in ("agencies", "themes", "tasks", "measures"))
    agencies = {
        r["id"]: Agency(r["id"], r["name"], r["short"], r["en"], r["kind"], list(r["aliases"]), r.get("note"),
                        docs["agencies"].where(("agencies", i))[0], list(r.get("search_aliases", [])))
        for i, r in enumerate(a["agencies"])
    }
    themes = {r["id"]: Theme(r["id"], r["name"], r["en"], r["description"], r["description_en"]) for r in th["themes"]}
    sections = [Section(s["number"], s["heading"], s["theme"],
                        [Subsection(x["number"], x["heading"]) for x in s.get("subsections", [])])
                for s in m["sections"]]
    sec_by_no = {s.number: s for s in sections}

    def targets_of(rec) -> list[Target]:
        return [Target(x["text"], x["metric"], x["value"], x.get("value_as_written"), x["unit"], x.get("qualifier"),
                       x["due"], x.get("due_as_written")) for x in rec.get("targets", [])]

    tasks = []
    for i, r in enumerate(t["tasks"]):
        s = r["schedule"]
        tasks.append(Item(
            kind="task", id=str(r["number"]), number=r["number"], text=r["text"], short_title=r["title"], theme=r["theme"],
            roles={"task": list(r["units"])}, units_as_written=r["units_as_written"],
            deadline_kind=s["kind"], deadline_year=s.get("year"), deadline_as_written=s["as_written"],
            targets=[], open_roles=[], lead_each=False, note=r.get("note"),
            file=docs["tasks"].file, line=docs["tasks"].where(("tasks", i))[0], document=t["document"]))
    measures, ordinal = [], Counter()
    for i, r in enumerate(m["measures"]):
        sec = sec_by_no[r["section"]]
        sub = next((x for x in sec.subsections if x.number == r.get("subsection")), None)
        ordinal[(sec.number, sub.number if sub else 0)] += 1
        dl = r["deadline"]
        measures.append(Item(
            kind="measure", id=r["id"], text=r["text"], short_title=r["title"], theme=sec.theme,
            roles={role: list(r[role]) for role in ("lead", "support", "responsible") if r.get(role)},
            units_as_written=r["attribution"],
            deadline_kind="year-end" if dl.get("as_written") else "plan-year",
            deadline_year=int(dl["date"][:4]), deadline_as_written=dl.get("as_written"), due=dl["date"],
            targets=targets_of(r), open_roles=list(r.get("open", [])), lead_each=bool(r.get("lead_each")),
            note=r.get("note"), file=docs["measures"].file, line=docs["measures"].where(("measures", i))[0],
            section=sec, subsection=sub, ordinal=ordinal[(sec.number, sub.number if sub else 0)], document=m["document"]))
    model = Model(agencies, themes, tasks, measures, sections, m["preamble"],
                  {"plan": t["document"], "action": m["document"]}, list(a.get("compound_names", [])))

    task_by_no = {x.number: x for x in tasks}
    for x, r in zip(measures, m["measures"], strict=True):
        x.related = [task_by_no[n] for n in r.get("related_tasks", [])]
        for task in x.related:
            task.related.append(x)
    model.by_agency = {aid: defaultdict(list) for aid in agencies}
    model.by_theme = {tid: [] for tid in themes}
    for item in model.items:
        for role, ids in item.roles.items():
            for aid in ids:
                model.by_agency[aid][role].append(item)
        model.by_theme[item.theme].append(item)
        for target in item.targets:
            target.item = item
            model.targets.append(target)
        for u, v in combinations(sorted(set(item.units())), 2):
            model.pairs[(u, v)] += 1
    model.partners = {aid: Counter() for aid in agencies}
    for (u, v), n in model.pairs.items():
        model.partners[u][v] = n
        model.partners[v][u] = n
    model.by_agency = {aid: dict(roles) for aid, roles in model.by_agency.items()}
    add_progress(model, docs)
    return model


def add_progress(model: Model, docs: dict[str, Document]) -> None:
    """Sources, reports and target values, linked to their items and targets, newest first."""
    p, src = docs["progress"], docs["sources"]
    reviewed = p.data["reviewed"]
    model.as_of = date.fromisoformat(reviewed["date"])
    model.reviewed_by = reviewed["by"]
    model.reviewed_note = reviewed.get("note")
    model.sources = {
        r["id"]: Source(r["id"], r["title"], r["issuer"], date.fromisoformat(r["date"]), r.get("url"),
                        r.get("doc_number"), r["kind"], src.where(("sources", i))[0])
        for i, r in enumerate(src.data["sources"])
    }
    by_key = {item.key: item for item in model.items}
    for item in model.items:
        item.as_of = model.as_of
    for i, r in enumerate(p.data["reports"]):
        item = by_key[r["item"]]
        report = Report(item, date.fromisoformat(r["as_of"]), r["status"], r["summary"],
                        [Citation(model.sources[c["source"]], c.get("locator")) for c in r.get("evidence", [])],
                        [], p.file, p.where(("reports", i))[0])
        targets = {t.text: t for t in item.targets}
        for v in r.get("values", []):
            tv = TargetValue(targets[v["target"]], v["value"], v["unit"], date.fromisoformat(v["as_of"]), report)
            report.values.append(tv)
            tv.target.values.append(tv)
        model.reports.append(report)
    # Newest first; reports of one day in the documents' order, then the file's order (stable sort).
    model.reports.sort(key=lambda r: r.item.sort_key)
    model.reports.sort(key=lambda r: r.as_of, reverse=True)
    for report in model.reports:
        report.item.reports.append(report)
    for target in model.targets:
        target.values.sort(key=lambda v: (v.as_of, v.report.as_of), reverse=True)
