"""The git history of the data folder: when it last changed, and what each commit changed in the data.

Outside a git checkout (a downloaded archive, a copy of the tree without ``.git``) there is no
history (``None`` / ``[]``): the site then shows the dataset's reviewed date only and the feeds hold
the progress reports only. Inside a checkout, git failing is an error (``HistoryError``), never
silently "no history".

A commit's changes are the records of the data files it changed, field by field (``data.changes``),
compared with its parent: merge commits are left out (their changes are the commits merged), and a
commit that changed no value (comments, layout, order; schemas, source texts, code) has none.

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

from ..config import DATA
from .changes import KIND_OF_PATH, RecordChange, Unreadable, diff_file

LIMIT = 50  # commits read for the feeds
NO_BLOB = "0" * 40  # --raw's blob of a file that does not exist on that side


@dataclass
class Change:
    """One commit touching the data folder, and the records it changed."""

    commit: str
    when: datetime
    files: list[str]  # paths under the data folder
    records: list[RecordChange] = field(default_factory=list)  # in the order of the files, then of each file
    unreadable: list[str] = field(default_factory=list)  # data files not YAML before or after: not compared

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


def _raw(out: str, rel: str) -> list[tuple[str, str, str]]:
    """(path under the data folder, old blob, new blob) of ``--raw -z`` output:
    ``:old_mode new_mode old_sha new_sha status\0path\0`` per file."""
    fields = [f.strip("\n") for f in out.split("\0") if f.strip("\n")]
    diffs = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        parts = meta.strip().lstrip(":").split()
        if len(parts) >= 4:
            diffs.append((path[len(rel) + 1:] if path.startswith(rel + "/") else path, parts[2], parts[3]))
    return diffs


class _Differ:
    """Compares versions of data files read by one ``git cat-file --batch``; each blob is parsed once."""

    def __init__(self, root: Path, diffs: list[tuple[str, str, str]]):
        self.blobs = _blobs(root, {s for p, a, b in diffs if p in KIND_OF_PATH for s in (a, b)})
        self.cache: dict[tuple[str, str, str], list[RecordChange] | None] = {}

    def blob(self, sha: str) -> bytes | None:
        if not sha.strip("0"):
            return None
        if sha not in self.blobs:
            raise HistoryError(f"git cat-file did not return blob {sha}")
        return self.blobs[sha]

    def __call__(self, path: str, old: str, new: str) -> list[RecordChange] | None:
        """The changed records, or None when a version is not YAML."""
        if path not in KIND_OF_PATH:  # schemas, source texts: no records
            return []
        if (path, old, new) not in self.cache:
            try:
                self.cache[(path, old, new)] = diff_file(path, self.blob(old), self.blob(new))
            except Unreadable:
                self.cache[(path, old, new)] = None
        return self.cache[(path, old, new)]


def _fill(change: Change, diffs: list[tuple[str, str, str]], differ: _Differ) -> None:
    for path, old, new in diffs:
        found = differ(path, old, new)
        if found is None:
            change.unreadable.append(path)
        else:
            change.records += found


@cache
def _changes(root: Path, rel: str, head: str, limit: int) -> tuple[Change, ...]:
    """Cached by the commit checked out (``make serve`` sees new commits)."""
    sep = "\x1f"
    out = _git(["log", f"-n{limit}", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "-z",
                f"--format=%x1e%H{sep}%cI", "--", rel], root)
    if not out:
        return ()
    commits: list[tuple[Change, list[tuple[str, str, str]]]] = []
    for chunk in out.decode("utf-8", "replace").split("\x1e")[1:]:
        head_line, _, raw = chunk.partition("\0")  # -z: the header ends with NUL, then a newline
        sha, when = (head_line.split(sep) + ["", ""])[:2]
        diffs = _raw(raw, rel)
        commits.append((Change(sha, datetime.fromisoformat(when.strip()), [p for p, _, _ in diffs]), diffs))
    differ = _Differ(root, [d for _, diffs in commits for d in diffs])
    for change, diffs in commits:
        _fill(change, diffs, differ)
    return tuple(c for c, _ in commits)


def changes(data_dir: Path = DATA, limit: int = LIMIT) -> list[Change]:
    """The last ``limit`` commits (but merges) touching the data folder, newest first, each with the
    records it changed (none for a commit that changed no value); ``[]`` without git history."""
    where = _where(Path(data_dir))
    head = _git(["rev-parse", "HEAD"], where[0]) if where else None
    return list(_changes(*where, head.decode().strip(), limit)) if where and head else []


def between(base: str, head: str = "HEAD", data_dir: Path = DATA) -> Change:
    """What ``head`` changes in the data compared with its merge base with ``base`` (a pull request's
    change: ``git diff base...head``), as one Change named by ``head``. Raises ``HistoryError`` outside
    a checkout, for an unknown revision, or when git fails."""
    where = _where(Path(data_dir))
    if where is None:
        raise HistoryError(f"{data_dir} is not in a git checkout with commits: no history to compare")
    root, rel = where
    start = _git(["merge-base", base, head], root).decode().strip()
    sha, when = _git(["log", "-1", "--format=%H%x1f%cI", head], root).decode().strip().split("\x1f")
    out = _git(["diff", "--no-renames", "--raw", "--no-abbrev", "-z", start, sha, "--", rel], root)
    diffs = _raw(out.decode("utf-8", "replace"), rel)
    change = Change(sha, datetime.fromisoformat(when), [p for p, _, _ in diffs])
    _fill(change, diffs, _Differ(root, diffs))
    return change
