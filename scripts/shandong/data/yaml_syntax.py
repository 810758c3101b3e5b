"""YAML syntax of any files (the pre-commit hook): ``python -m shandong.yaml_syntax FILE…``.

Only parses, so tags such as mkdocs.yml's ``!ENV`` are fine; the data files get the full
checker (``make check``). Prints ``file:line:col: YAML syntax error: …`` and exits 1 on errors.
"""
from __future__ import annotations

import sys

import yaml

from .load import shown

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                for _ in yaml.parse(f, Loader=_Loader):
                    pass
        except UnicodeDecodeError:
            print(shown(f"{path}:1:1: not UTF-8 (expected the file saved as UTF-8)"))
            bad += 1
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
            what = " ".join(x for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x) or str(exc)
            print(shown(f"{path}:{where}: YAML syntax error: {what} (check the indentation, colons and quotes on this line and the line above)"))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
