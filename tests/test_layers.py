"""The package by stage (scripts/shandong/__init__.py): each stage imports only the stages before it, and no
module imports a sibling in a cycle, not even from inside a function. Checked by import-linter with the
contracts of ``[tool.importlinter]`` in pyproject.toml; the same contracts fail on a copy of the package
with one wrong import."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shandong import ROOT

LINT = Path(os.sys.executable).parent / "lint-imports"


def lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT), "--config", str(config), "--no-cache"], cwd=package_parent, env=env,
                          capture_output=True, text=True)


def test_the_package_keeps_its_layers_and_has_no_cycles():
    run = lint(ROOT / "scripts", ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 kept, 0 broken" in run.stdout


@pytest.mark.parametrize("file, line, broken", [
    # a lower stage importing a higher one, hidden inside a function
    ("data/model.py", "\n\ndef _late():\n    from ..views import render  # noqa: F401\n",
     "shandong.data is not allowed to import shandong.views"),
    # a cycle between two views (render already imports charts)
    ("views/charts/base.py", "\n\ndef _late():\n    from .. import render  # noqa: F401\n",
     "No cycles are allowed in shandong.views"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path, file, line, broken):
    copy = tmp_path / "pkg"
    shutil.copytree(ROOT / "scripts" / "shandong", copy / "shandong", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(copy / "shandong" / file, "a", encoding="utf-8") as f:
        f.write(line)
    run = lint(copy, tmp_path / "pyproject.toml")
    assert run.returncode != 0
    assert broken in run.stdout, run.stdout[-3000:]
