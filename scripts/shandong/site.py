"""Build-wide state shared by the MkDocs glue (hook and macros): the checked data,
loaded once per build and reloaded when a data file changes (``make serve``), and
the derived files (briefs, downloads), cached by a hash of everything they depend on."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from . import ROOT
from .check import DATA, FILES, SCHEMAS, DataError, check
from .load import Document, load_yaml
from .model import Model, build_model

_cache: dict[tuple, tuple[dict[str, Document], Model]] = {}
_unchecked: dict[tuple, tuple[dict[str, Document], Model] | None] = {}  # load_unchecked's, of the newest data
# $SHANDONG_ARTIFACTS: another cache folder (the benchmark uses its own, so that concurrent builds
# of other datasets, which keep only the newest few folders, cannot evict its entries).
ARTIFACTS = Path(os.environ.get("SHANDONG_ARTIFACTS") or ROOT / "build" / "artifacts")
CHECKED = ARTIFACTS / ".checked"  # one empty file per data that passed the checker, named by _verdict()
# The runtime lock: upgrading WeasyPrint, openpyxl, jsonschema … changes every cache key.
LOCK = ROOT / "requirements" / "runtime.txt"
PDF_CACHE = ARTIFACTS / ".pdf"  # every brief's PDF by a digest of its HTML, CSS and renderer (briefs.pdf_key)


def fingerprint(data_dir: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in Path(data_dir).rglob("*") if p.is_file()))


def data_dir_in_use() -> Path:
    """``data/``, or the folder named by $SHANDONG_DATA (tests build fixture datasets this way)."""
    return Path(os.environ.get("SHANDONG_DATA") or DATA)


def briefs_pdf() -> bool:
    """Whether briefs get PDFs: ``SHANDONG_BRIEFS=0`` writes the brief HTML only (benchmarks,
    quick previews). The agency pages then leave out their "download PDF" link."""
    return os.environ.get("SHANDONG_BRIEFS", "1").strip() != "0"


def get_data(data_dir: Path | None = None) -> tuple[dict[str, Document], Model]:
    """The loaded documents and the checked model (raises ``DataError`` with every problem)."""
    data_dir = data_dir or data_dir_in_use()
    key = (str(data_dir), fingerprint(data_dir))
    if key not in _cache:
        _cache.clear()
        verdict = CHECKED / _verdict(data_dir)
        docs = _load(data_dir) if verdict.exists() else None
        if docs is None:
            docs, problems = check(data_dir)
            if problems:
                raise DataError(problems)
            CHECKED.mkdir(parents=True, exist_ok=True)
            verdict.touch()
        _cache[key] = (docs, build_model(docs))
    return _cache[key]


def load_unchecked(data_dir: Path | None = None) -> tuple[dict[str, Document], Model] | None:
    """The documents and the model as ``get_data`` would give them, but not validated: for the build's
    main process while its worker validates (``prebuild``); None when a file cannot be read as YAML.
    Building the model from invalid data may raise: the caller then reports the checker's problems."""
    data_dir = data_dir or data_dir_in_use()
    key = (str(data_dir), fingerprint(data_dir))
    if key in _cache:
        return _cache[key]
    if key not in _unchecked:
        _unchecked.clear()
        docs = _load(data_dir)
        _unchecked[key] = None if docs is None else (docs, build_model(docs))
    return _unchecked[key]


def _verdict(data_dir: Path) -> str:
    """A digest of everything ``check()`` depends on: the data files, the schemas, the code, the pins.
    ``make site`` checks the data and then MkDocs would check it again (and so would every build
    of unchanged data): the same bytes through the same checker pass again, so a build that
    finds this digest among the verdicts only loads the files (no JSON Schema validation)."""
    h = hashlib.sha256()
    code = sorted((ROOT / "scripts" / "shandong").glob("*.py"))
    sources = sorted((Path(data_dir) / "sources").glob("*"))  # the checker compares the data with them
    for path in [*(Path(data_dir) / rel for rel, _ in FILES.values()), *sources, *sorted(SCHEMAS.glob("*.json")), *code, LOCK]:
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return h.hexdigest()[:24]


def _load(data_dir: Path) -> dict[str, Document] | None:
    docs = {kind: load_yaml(Path(data_dir) / rel, f"data/{rel}") for kind, (rel, _) in FILES.items()}
    if any(doc is None or problems for doc, problems in docs.values()):
        return None
    return {kind: doc for kind, (doc, _) in docs.items()}


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


def artifacts_key(site_url: str, data_dir: Path | None = None) -> str:
    """The artifacts folder's name: a digest of the data, the templates, the code, the runtime lock
    (the versions of WeasyPrint, openpyxl …), the site's address, the data's date and the PDF setting."""
    from . import briefs

    data_dir = data_dir or data_dir_in_use()
    return _digest([Path(data_dir), ROOT / "templates", ROOT / "scripts" / "shandong", LOCK],
                   f"{site_url}|{briefs.data_as_of()}|pdf={briefs_pdf()}")


def artifacts(site_url: str, data_dir: Path | None = None) -> Path:
    """A folder holding ``briefs/`` and ``data/`` (downloads) for the current data,
    regenerated only when the data, the templates, the code or the pinned packages change
    (each brief's PDF is reused from ``PDF_CACHE`` when its own content did not change)."""
    *_, out = artifact_stages(site_url, data_dir)
    return out


def artifact_stages(site_url: str, data_dir: Path | None = None):
    """``artifacts`` in two steps, for the build's worker (prebuild), whose data page needs the downloads'
    sizes long before the briefs' PDFs are done: yields ``{"downloads": …, "as_of": …}`` once the
    downloads are written, then the finished folder."""
    from . import briefs

    data_dir = data_dir or data_dir_in_use()
    docs, model = get_data(data_dir)
    key = artifacts_key(site_url, data_dir)
    out = ARTIFACTS / key
    if (out / "complete").exists():
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
        yield {"downloads": meta["downloads"], "as_of": meta["as_of"]}
        yield out
        return
    from . import exports  # imports openpyxl (~0.1 s): only when the artifacts are (re)made

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{key}.", suffix=".tmp", dir=ARTIFACTS))  # one per process
    try:
        downloads = exports.write_downloads(model, docs, tmp / "data")
        yield {"downloads": downloads, "as_of": briefs.data_as_of()}
        result = briefs.write_briefs(model, tmp / "briefs", site_url=site_url, pdf=briefs_pdf(), cache_dir=PDF_CACHE)
        written = sorted(p.relative_to(tmp).as_posix() for sub in PUBLISHED for p in (tmp / sub).rglob("*") if p.is_file())
        if written != sorted(artifact_names(model)):  # the build registered artifact_names() with MkDocs before
            raise RuntimeError(f"the artifacts written differ from artifact_names(): {sorted(set(written) ^ set(artifact_names(model)))}")
        meta = {"downloads": downloads, "as_of": result["as_of"], "brief_timings": result["timings"],
                "brief_pages": result["pages"], "briefs_rendered": result["rendered"]}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        (tmp / "complete").write_text(key)
        try:
            tmp.rename(out)
        except OSError:  # another build finished the same artifacts first
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(keep=out)
    yield out


def _prune(keep: Path, count: int = 4, min_age_s: float = 600) -> None:
    """Remove old artifact folders (not the newest few, not any touched in the last minutes)."""
    now = time.time()
    folders = sorted((p for p in ARTIFACTS.iterdir() if p not in (keep, CHECKED, PDF_CACHE)), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for stale in folders[count:]:
        if now - stale.stat().st_mtime > min_age_s:
            shutil.rmtree(stale, ignore_errors=True)


PUBLISHED = ("briefs", "data")  # the folders of an artifacts folder that are copied into the site


def artifact_names(model: Model) -> list[str]:
    """The files of ``PUBLISHED`` an artifacts folder holds (``briefs/…``, ``data/…``), known before they are written."""
    from . import briefs, exports

    return [f"briefs/{n}" for n in briefs.output_names(model, briefs_pdf())] + [f"data/{n}" for n in exports.download_names(model)]
