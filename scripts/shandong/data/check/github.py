"""GitHub annotations: each problem as a workflow command, shown on its line of the pull request."""
from __future__ import annotations

import os

from ..load import Problem, shown


def _gh_escape(text: str, prop: bool = False) -> str:
    """Escape a value for a GitHub workflow command (its ``%``, line breaks, and in properties ``:`` and ``,``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def annotations(problems: list[Problem], warned: list[Problem] = ()) -> list[str]:
    """Each problem as a GitHub workflow command, which GitHub shows on that line of the pull request's files."""
    out = []
    for level, group in (("error", problems), ("warning", warned)):
        for p in sorted(group):
            out.append(f"::{level} file={_gh_escape(shown(p.file), True)},line={p.line},col={p.col},"
                       f"title={_gh_escape(shown(p.where), True)}::{_gh_escape(shown(p.message))}")
    return out


def annotate(problems: list[Problem], warned: list[Problem] = ()) -> None:
    """In GitHub Actions (``GITHUB_ACTIONS=true``), also print the annotations (editors on the web editor
    see each message on the changed line of the pull request, without opening the log)."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in annotations(problems, warned):
            print(line)

