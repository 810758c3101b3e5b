"""Build-wide state shared by the MkDocs glue (hook and macros): the checked data,
loaded once per build and reloaded when a data file changes (``make serve``), and
the derived files (briefs, downloads), cached by a hash of everything they depend on."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from . import ROOT
from .check import DATA, DataError, check
from .load import Document
from .model import Model, build_model

_cache: dict[tuple, tuple[dict[str, Document], Model]] = {}
ARTIFACTS = ROOT / "build" / "artifacts"


def fingerprint(data_dir: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in Path(data_dir).rglob("*") if p.is_file()))


def data_dir_in_use() -> Path:
    """``data/``, or the folder named by $SHANDONG_DATA (tests build fixture datasets this way)."""
    return Path(os.environ.get("SHANDONG_DATA") or DATA)


def get_data(data_dir: Path | None = None) -> tuple[dict[str, Document], Model]:
    """The loaded documents and the checked model (raises ``DataError`` with every problem)."""
    data_dir = data_dir or data_dir_in_use()
    key = (str(data_dir), fingerprint(data_dir))
    if key not in _cache:
        _cache.clear()
        docs, problems = check(data_dir)
        if problems:
            raise DataError(problems)
        _cache[key] = (docs, build_model(docs))
    return _cache[key]


def get_model(data_dir: Path | None = None) -> Model:
    return get_data(data_dir)[1]


def _digest(paths: list[Path], extra: str) -> str:
    h = hashlib.sha256(extra.encode())
    for root in paths:
        for p in sorted(root.rglob("*") if root.is_dir() else [root]):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(root)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def artifacts(site_url: str, data_dir: Path | None = None) -> Path:
    """A folder holding ``briefs/`` and ``data/`` (downloads) for the current data,
    regenerated only when the data, the templates or the code change."""
    from . import briefs, exports

    data_dir = data_dir or data_dir_in_use()
    docs, model = get_data(data_dir)
    key = _digest([Path(data_dir), ROOT / "templates", ROOT / "scripts" / "shandong"],
                  f"{site_url}|{briefs.data_as_of()}")
    out = ARTIFACTS / key
    if not (out / "complete").exists():
        tmp = ARTIFACTS / f"{key}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        result = briefs.write_briefs(model, tmp / "briefs", site_url=site_url)
        downloads = exports.write_downloads(model, docs, tmp / "data")
        meta = {"downloads": downloads, "as_of": result["as_of"], "brief_timings": result["timings"],
                "brief_pages": result["pages"]}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        (tmp / "complete").write_text(key)
        tmp.rename(out)
        old = sorted((p for p in ARTIFACTS.iterdir() if p != out), key=lambda p: p.stat().st_mtime)
        for stale in old[:-3]:  # keep a few: tests build fixture datasets beside the real one
            shutil.rmtree(stale, ignore_errors=True)
    return out


PUBLISHED = ("briefs", "data")  # the folders of an artifacts folder that are copied into the site


def artifacts_meta(site_url: str) -> dict:
    return json.loads((artifacts(site_url) / "meta.json").read_text(encoding="utf-8"))
