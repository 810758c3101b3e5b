"""Build the site atomically: ``python -m shandong.build [DEST]`` (``make site``).

The data is checked first (every problem listed); MkDocs builds strictly into a
temporary folder beside DEST, which replaces DEST only when the build succeeded,
so a failed build never leaves a half-built site.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import ROOT
from .check import check, report


class BuildError(RuntimeError):
    """MkDocs failed; the message holds its output."""


def build(dest: Path, config: Path = ROOT / "mkdocs.yml", extra_env: dict | None = None, quiet: bool = False) -> float:
    """Build into ``dest``; returns seconds. Raises ``BuildError`` with MkDocs' output on failure."""
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), **(extra_env or {})}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(tmp)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"{proc.stdout}{proc.stderr}\nbuild failed: {dest} left as it was")
    if not quiet:
        sys.stderr.write(proc.stderr)
    old = dest.with_name(f".{dest.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
    return seconds


def main(argv: list[str]) -> int:
    dest = Path(argv[0] if argv else "site")
    _, problems = check()
    if problems:
        print(report(problems))
        return 1
    try:
        seconds = build(dest, extra_env={"HTMLPROOFER": os.environ.get("HTMLPROOFER", "true")})
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    files = [p for p in dest.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"built {dest}/ in {seconds:.1f} s: {len(files)} files, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
