"""The benchmark's baseline (``shandong.dev.bench``): plain Material over the pipeline's own tree builds the
same site, so that the ratio measures what the pipeline adds."""
from __future__ import annotations

import json

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
    # Material's search indexes every page in the baseline, as a plain Material site's does; in the pipeline,
    # none (the site's own search replaces it): every page of the tree leaves its index
    def indexed(site):
        return {d["location"].split("#")[0] for d in json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]}

    pages = [p for p in files(tmp_path / "site") if p.endswith(".html") and not p.startswith(("briefs/", "assets/"))]
    assert indexed(tmp_path / "site") == set()
    assert len(indexed(tmp_path / "baseline-site")) >= len(pages) - 1  # every page but the 404 page
