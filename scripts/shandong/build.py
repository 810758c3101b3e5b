"""Build the site atomically: ``python -m shandong.build [DEST]`` (``make site``);
``python -m shandong.build --serve [ARGS…]`` serves it (``make serve``).

The data is checked first (every problem listed); the engine builds strictly into a
temporary folder beside DEST, which replaces DEST only when the build succeeded,
so a failed build never leaves a half-built site.

The engine is a setting: ``$SHANDONG_ENGINE`` (``make … ENGINE=…``), ``mkdocs`` by default,
or ``properdocs`` (ProperDocs, a maintained fork of MkDocs 1.x that reads the same
``mkdocs.yml``, hooks and plugins). Nothing else in the project names the engine's command.
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

ENGINES = ("mkdocs", "properdocs")


class BuildError(RuntimeError):
    """The engine failed; the message holds its output."""


def engine(name: str | None = None) -> str:
    """The engine's name: ``name``, else $SHANDONG_ENGINE, else ``mkdocs``."""
    name = name or os.environ.get("SHANDONG_ENGINE") or "mkdocs"
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r} (expected one of {', '.join(ENGINES)}; set ENGINE=… or SHANDONG_ENGINE=…)")
    return name


def engine_command(*args: str, name: str | None = None) -> list[str]:
    """The command that runs the engine with ``args`` (e.g. ``build --strict``) in this Python."""
    return [sys.executable, "-m", engine(name), *args]


def build(dest: Path, config: Path = ROOT / "mkdocs.yml", extra_env: dict | None = None, quiet: bool = False,
          engine_name: str | None = None) -> float:
    """Build into ``dest`` with the engine; returns seconds. Raises ``BuildError`` with its output on failure."""
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), **(extra_env or {})}
    start = time.perf_counter()
    proc = subprocess.run(engine_command("build", "--strict", "--clean", "-f", str(config), "-d", str(tmp), name=engine_name),
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


def serve(args: list[str]) -> int:
    """``make serve``: the engine's development server (strict), rebuilding on changes to data/ and templates/
    (``watch:`` in mkdocs.yml)."""
    cmd = engine_command("serve", "--strict", *args)
    print(" ".join(cmd[2:]), file=sys.stderr)
    os.execv(sys.executable, cmd)
    return 1  # not reached


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        return serve(argv[1:])
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
