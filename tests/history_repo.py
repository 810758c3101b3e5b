"""A small git repository of the data, for the tests of the data's history (test_changes.py) and of the
feeds (test_feeds.py). Built from a copy of data/ (conftest's ``copy_data``), one commit per step,
each with its own date (git lists commits newest first by that date):

    initial        2026-01-01  every data file (every record added)
    rename         2026-01-03  on the branch "side" (from initial): big-data-bureau's name 山东省大数据局 → 山东省大数据发展局
    schedule       2026-01-02  on main: task 12: schedule 2020年基本完成 → 2021年基本完成, year 2020 → 2021
    code           2026-01-04  on main: scripts/tool.py only
    merge          2026-01-05  merges "side" into main: a merge commit whose data differs from both parents'
                               (so that git log -- data lists it)
    unit-added     2026-01-06  task 12: units + cbirc-qingdao
    layout         2026-01-07  comments, quoting, flow style and key order only (tasks.yaml, agencies.yaml)
    schema         2026-01-08  data/schemas/tasks.schema.json only (not a data file)
    unit-removed   2026-01-09  task 12: cbirc-qingdao removed again
    report         2026-01-10  progress.yaml: a report on m1-1-1 (2026-11-20, on-track)

The final data passes the check (the model of ``data`` is the site's)."""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shandong.config import DATA

REPORT = """reports:
  - item: m1-1-1
    as_of: 2026-11-20
    status: on-track
    summary: 测试摘要：一链办理集成服务正在上线。
"""


def git(cwd: Path, *args: str, when: str = "2026-01-01T00:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass
class DataRepo:
    root: Path
    data: Path
    commits: dict[str, str] = field(default_factory=dict)  # step -> commit id

    def commit(self, step: str, day: int, *extra: str) -> str:
        when = f"2026-01-{day:02d}T08:00:00Z"
        if extra:
            git(self.root, *extra, when=when)
        else:
            git(self.root, "add", "-A")
            git(self.root, "commit", "-q", "-m", f"{step}: a developer's message, never shown", when=when)
        self.commits[step] = git(self.root, "rev-parse", "HEAD").strip()
        return self.commits[step]


TASK_12 = 'units: [agriculture-rural, all-city-governments]\n    schedule:\n      as_written: "{0}年基本完成"\n      year: {0}\n'


def start(root: Path, copy_data: Callable[[Path], Path]) -> DataRepo:
    """A repository holding a copy of data/, committed once on main (step "initial")."""
    repo = DataRepo(root, copy_data(root / "data"))
    git(root, "init", "-q", "-b", "main")
    repo.commit("initial", 1)
    return repo


def make(root: Path, copy_data: Callable[[Path], Path]) -> DataRepo:
    repo = DataRepo(root, copy_data(root / "data"))
    tasks, agencies = repo.data / "plan" / "tasks.yaml", repo.data / "agencies.yaml"
    (root / "scripts").mkdir()
    (root / "scripts" / "tool.py").write_text("print('tool')\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    repo.commit("initial", 1)
    git(root, "checkout", "-q", "-b", "side")
    edit(agencies, "    name: 山东省大数据局\n", "    name: 山东省大数据发展局\n")
    repo.commit("rename", 3)
    git(root, "checkout", "-q", "main")
    edit(tasks, TASK_12.format(2020), TASK_12.format(2021))
    repo.commit("schedule", 2)
    (root / "scripts" / "tool.py").write_text("print('tool, changed')\n", encoding="utf-8")
    repo.commit("code", 4)
    repo.commit("merge", 5, "merge", "-q", "--no-ff", "side", "-m", "Merge branch 'side'")
    edit(tasks, "units: [agriculture-rural, all-city-governments]\n",
         "units: [agriculture-rural, all-city-governments, cbirc-qingdao]\n")
    repo.commit("unit-added", 6)
    edit(tasks, "# theme is editorial.", "# theme is editorial. A comment added by an editor.")
    edit(tasks, '    schedule:\n      as_written: "持续推进"\n      kind: ongoing\n    theme: infrastructure  # editorial\n  - number: 2\n',
         "    theme: 'infrastructure'\n    schedule: {kind: ongoing, as_written: 持续推进}  # keys in another order\n\n  - number: 2\n")
    edit(agencies, '    en: "Shandong Big Data Bureau"\n', "    en:   Shandong Big Data Bureau   # quotes removed\n")
    repo.commit("layout", 7)
    (repo.data / "schemas").mkdir()
    shutil.copyfile(DATA / "schemas" / "tasks.schema.json", repo.data / "schemas" / "tasks.schema.json")
    repo.commit("schema", 8)
    edit(tasks, "units: [agriculture-rural, all-city-governments, cbirc-qingdao]\n",
         "units: [agriculture-rural, all-city-governments]\n")
    repo.commit("unit-removed", 9)
    edit(repo.data / "progress.yaml", "reports: []\n", REPORT)
    repo.commit("report", 10)
    return repo
