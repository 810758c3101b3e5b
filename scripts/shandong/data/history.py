"""The git history of the data folder: when it last changed, and which records each commit changed.

Outside a git checkout (a downloaded archive, a copy of the tree without ``.git``) there is no
history (``None`` / ``[]``): the site then shows the dataset's reviewed date only and the feeds hold
the progress reports only. Inside a checkout, git failing is an error (``HistoryError``), never
silently "no history".

Cost: one ``git log --raw`` for the last ``limit`` commits touching the folder, then one
``git cat-file --batch`` for every blob those commits name (each blob parsed once), so the
work is linear in the number of commits shown, never in the length of the history.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import yaml

from ..config import DATA, FILES
from .model import task_key

LIMIT = 50  # commits read for the feeds
# The data files whose records are mapped to items: path under the data folder -> (list key, record key).
RECORDS = {
    FILES["tasks"][0]: ("tasks", "number"),
    FILES["measures"][0]: ("measures", "id"),
    FILES["agencies"][0]: ("agencies", "id"),
    FILES["progress"][0]: ("reports", "item"),
    FILES["sources"][0]: ("sources", "id"),
}


@dataclass
class Change:
    """One commit touching the data folder."""

    commit: str
    when: datetime
    subject: str
    files: list[str]  # paths under the data folder
    items: list[str] = field(default_factory=list)  # Item.key of every task/measure whose record changed
    agencies: list[str] = field(default_factory=list)  # agency ids whose record changed
    sources: list[str] = field(default_factory=list)  # source ids whose record changed

    @property
    def short(self) -> str:
        return self.commit[:7]


class HistoryError(RuntimeError):
    """git failed inside a checkout (not installed, refused the folder, a corrupt repository): the
    build stops with git's own message instead of publishing a site without its change history."""


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise HistoryError(f"{cwd} is in a git checkout, but git could not run: {exc}") from None
    if out.returncode != 0:
        raise HistoryError(f"git {' '.join(args[:2])} failed in {cwd}: {out.stderr.decode('utf-8', 'replace').strip()}")
    return out.stdout


def _checkout(folder: Path) -> Path | None:
    """The top of the git checkout holding ``folder`` (the nearest parent with ``.git``), or None."""
    for parent in [folder, *folder.parents]:
        if (parent / ".git").exists():
            return parent
    return None


def _where(data_dir: Path) -> tuple[Path, str] | None:
    """(repository top level, the data folder relative to it), or None outside a checkout or in one
    without commits. Raises ``HistoryError`` when git fails inside a checkout."""
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir() or _checkout(data_dir) is None:
        return None
    root = Path(_git(["rev-parse", "--show-toplevel"], data_dir).decode().strip()).resolve()
    try:
        rel = data_dir.relative_to(root).as_posix()
    except ValueError:
        return None
    try:
        _git(["rev-parse", "--verify", "--quiet", "HEAD"], root)
    except HistoryError:
        return None  # a repository without commits yet: no history
    return root, rel


def last_changed(data_dir: Path = DATA) -> date | None:
    """The date of the last commit touching the data folder, or None without git history."""
    where = _where(data_dir)
    if where is None:
        return None
    root, rel = where
    out = _git(["log", "-1", "--format=%cs", "--", rel], root)
    text = out.decode().strip() if out else ""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _blobs(root: Path, shas: set[str]) -> dict[str, bytes]:
    """The contents of the given blobs, read by one ``git cat-file --batch``."""
    shas = sorted(s for s in shas if s.strip("0"))
    if not shas:
        return {}
    out = _git(["cat-file", "--batch"], root, stdin=("\n".join(shas) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    while out and pos < len(out):
        nl = out.index(b"\n", pos)
        head = out[pos:nl].split()
        pos = nl + 1
        if len(head) < 3 or head[1] == b"missing":
            continue
        size = int(head[2])
        blobs[head[0].decode()] = out[pos:pos + size]
        pos += size + 1
    return blobs


def _records(blob: bytes | None, list_key: str, key: str) -> dict[str, list]:
    """Records of a YAML list by key (several records may share a key: progress reports of one item)."""
    if blob is None:
        return {}
    try:
        data = yaml.load(blob, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    rows = data.get(list_key) if isinstance(data, dict) else None
    out: dict[str, list] = {}
    for r in rows if isinstance(rows, list) else []:
        if isinstance(r, dict) and key in r:
            out.setdefault(str(r[key]), []).append(r)
    return out


def _changed(old: dict[str, list], new: dict[str, list]) -> list[str]:
    return [k for k in dict.fromkeys([*new, *old]) if old.get(k) != new.get(k)]


@cache
def _changes(root: Path, rel: str, head: str, limit: int) -> tuple[Change, ...]:
    """Cached by the commit checked out (``make serve`` sees new commits)."""
    sep = "\x1f"
    out = _git(["log", f"-n{limit}", "--no-renames", "--raw", "--no-abbrev", "-z",
                f"--format=%x1e%H{sep}%cI{sep}%s", "--", rel], root)
    if not out:
        return ()
    commits: list[tuple[Change, list[tuple[str, str, str]]]] = []
    for chunk in out.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, raw = chunk.partition("\0")  # -z: the header ends with NUL, then a newline
        sha, when, subject = (head.split(sep) + ["", "", ""])[:3]
        fields = [f.strip("\n") for f in raw.split("\0") if f.strip("\n")]
        diffs = []
        # -z --raw: ":old_mode new_mode old_sha new_sha status\0path\0"
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.strip().lstrip(":").split()
            if len(parts) >= 4:
                diffs.append((path[len(rel) + 1:] if path.startswith(rel + "/") else path, parts[2], parts[3]))
        change = Change(sha, datetime.fromisoformat(when), subject, [p for p, _, _ in diffs])
        commits.append((change, diffs))
    blobs = _blobs(root, {s for _, diffs in commits for p, a, b in diffs if p in RECORDS for s in (a, b)})
    parsed: dict[tuple[str, str], dict[str, list]] = {}

    def records(path: str, sha: str) -> dict[str, list]:
        if (path, sha) not in parsed:
            parsed[(path, sha)] = _records(blobs.get(sha), *RECORDS[path])
        return parsed[(path, sha)]

    for change, diffs in commits:
        for path, old, new in diffs:
            if path not in RECORDS:
                continue
            keys = _changed(records(path, old), records(path, new))
            if path == FILES["tasks"][0]:
                change.items += [task_key(k) for k in keys]
            elif path in (FILES["measures"][0], FILES["progress"][0]):
                change.items += keys
            elif path == FILES["agencies"][0]:
                change.agencies += keys
            else:
                change.sources += keys
        change.items = list(dict.fromkeys(change.items))
    return tuple(c for c, _ in commits)


def changes(data_dir: Path = DATA, limit: int = LIMIT) -> list[Change]:
    """The last ``limit`` commits touching the data folder, newest first, each with the records it
    changed; ``[]`` without git history."""
    where = _where(Path(data_dir))
    head = _git(["rev-parse", "HEAD"], where[0]) if where else None
    return list(_changes(*where, head.decode().strip(), limit)) if where and head else []
