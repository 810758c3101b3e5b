"""The benchmark's baseline (``shandong.dev.bench``): plain Material over the pipeline's own tree builds the
same site, so that the ratio measures what the pipeline adds."""
from __future__ import annotations

import pytest

from shandong.config import Settings


@pytest.mark.build
@pytest.mark.slow
def test_baseline_builds_the_same_files_as_the_pipeline_without_a_warning(tmp_path):
    from shandong.dev.bench import baseline_config
    from shandong.engine.build import build, engine_build

    settings = Settings(pdf=False)
    tree = tmp_path / "pipeline" / "docs"
    build(tmp_path / "site", settings, tree=tree, quiet=True)
    cfg = baseline_config(tree.parent / "mkdocs.yml", tmp_path / "baseline.yml")
    assert "- shandong." not in (tmp_path / "baseline.yml").read_text(encoding="utf-8")  # no extension of ours
    engine_build(cfg, tmp_path / "baseline-site", quiet=True)  # --strict: a warning fails

    def files(root):
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    assert files(tmp_path / "baseline-site") == files(tmp_path / "site")
