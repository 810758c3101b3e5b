"""The benchmark's baseline (``shandong.bench``): plain Material over what the pipeline hands MkDocs
(pages after macros, docs/ files, artifacts, and the files the hook generates) builds the same site."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shandong import ROOT


@pytest.mark.build
@pytest.mark.slow
def test_baseline_builds_the_same_files_as_the_pipeline_without_a_warning(site, tmp_path):
    """The dump once left out the Atom feeds and assets/search/variants.json: the baseline site lacked
    them, and its strict build passed only because ``-q`` hid the broken links."""
    from shandong.dev.bench import baseline_config
    from shandong.engine.build import build

    docs = tmp_path / "docs"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    dumped = subprocess.run([sys.executable, "-m", "shandong.bench", "_dump", str(docs)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert dumped.returncode == 0, dumped.stdout[-2000:] + dumped.stderr[-4000:]
    assert (docs / "feeds" / "all.atom").is_file() and (docs / "assets" / "search" / "variants.json").is_file()
    out = tmp_path / "baseline-site"
    build(out, config=baseline_config(docs, tmp_path / "baseline.yml"), quiet=True)  # --strict: a warning fails

    def files(root):
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    assert files(out) == files(site)
