"""What a pull request changes in the data, as Markdown for its job summary:

    python -m shandong.outputs.changes BASE [HEAD]   >> "$GITHUB_STEP_SUMMARY"

compares HEAD (default: the commit checked out) with its merge base with BASE (``git diff BASE...HEAD``)
record by record and prints, in Chinese, a heading per changed record (what the feeds' entry would
say) and a line per field, old → new, with its file and path; or "本次修改不涉及数据。". Items and
units are named from the checked-out data; when those do not pass the check, by their ids (the
check's step says what is wrong). git failing is an error (exit status 1, git's message on stderr).
"""
from __future__ import annotations

import argparse
import sys

from ..config import Settings
from ..data import history
from ..data.check import check
from ..data.model import build_model
from ..views.changes import Names, markdown


def names(settings: Settings) -> tuple[Names, str]:
    """Names from the checked-out data, or ids only (and a note saying so) when it has problems."""
    docs, problems = check(settings.data_dir)
    if problems:
        return Names(), "（数据未通过检查：以下单位、主题和来源以编号显示，不列页面；问题见“数据检查”一步。）"
    return Names.of(build_model(docs)), ""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shandong.outputs.changes", description=__doc__.splitlines()[0])
    p.add_argument("base", help="the branch or commit the pull request goes into, e.g. origin/main")
    p.add_argument("head", nargs="?", default="HEAD", help="the pull request's commit (default: HEAD)")
    args = p.parse_args(argv)
    settings = Settings.from_env()
    try:
        change = history.between(args.base, args.head, settings.data_dir)
    except history.HistoryError as exc:
        print(exc, file=sys.stderr)
        return 1
    named, note = names(settings) if change.records else (Names(), "")
    sys.stdout.write(markdown(change.records, change.files, change.unreadable, named, note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
