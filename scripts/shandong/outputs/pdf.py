"""The briefs' PDFs: one per unit (``briefs/<id>.pdf``) and the bound volume ``all.pdf``, made from the
briefs' HTML that the generate step wrote into the docs tree.

    python -m shandong.outputs.pdf [TREE]        (make site; make serve BRIEFS=1 runs it in the background)

Each PDF is content-addressed: its key is a digest of its HTML, the stylesheet and the renderer
(``pdf_key``), and a PDF whose key is in the cache (``build/pdf-cache``) is reused, so after a data edit
only the briefs whose text changed are rendered. They are rendered by ``jobs`` worker processes, each
keeping one WeasyPrint ``FontConfiguration`` for its life; the chunks are balanced by size. ``all.pdf``
is the contents page(s) followed by every brief's PDF, joined with pypdf, its fonts shared.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..config import PDF_CACHE, TREE, Settings
from ..data import history
from ..data.check import load_checked
from ..data.model import Model
from ..views.briefs import ALL_PDF, CSS, RECORD, all_digest, contents_html, environment, files, html_digest

# ---------------------------------------------------------------------------
# PDFs: content-addressed per brief, rendered in worker processes, joined into all.pdf

_FONT_CONFIG = None
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def quiet_interrupt() -> None:
    """In a worker process: on Ctrl-C (the terminal sends it to every process of ``make serve``), end
    at once and silently; the serving process reports the interruption."""
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))


def _init_worker() -> None:
    """One font configuration per process, reused for every PDF the process renders; Ctrl-C ends it silently."""
    global _FONT_CONFIG
    from weasyprint.text.fonts import FontConfiguration

    quiet_interrupt()
    _FONT_CONFIG = FontConfiguration()


def _render_chunk(chunk: list[tuple[str, str, str, str]]) -> list[tuple[str, float, int]]:
    """Render (name, html_string, base_url, pdf_path) jobs; return (name, seconds, pages).
    Each PDF is written beside its final name and renamed, so a cache never holds half a file."""
    from weasyprint import HTML

    if _FONT_CONFIG is None:
        _init_worker()
    done = []
    for name, html_string, base_url, pdf_path in chunk:
        t0 = time.perf_counter()
        doc = HTML(string=html_string, base_url=base_url).render(font_config=_FONT_CONFIG)
        tmp = f"{pdf_path}.{os.getpid()}.tmp"
        doc.write_pdf(tmp)
        os.replace(tmp, pdf_path)
        done.append((name, time.perf_counter() - t0, len(doc.pages)))
    return done


def _chunks(jobs: list[tuple[float, tuple]], n: int) -> list[list[tuple]]:
    """Longest-processing-time-first split of weighted jobs into at most ``n`` chunks."""
    bins: list[tuple[float, list]] = [(0.0, []) for _ in range(max(1, n))]
    for weight, job in sorted(jobs, key=lambda j: -j[0]):
        i = min(range(len(bins)), key=lambda k: bins[k][0])
        bins[i] = (bins[i][0] + weight, bins[i][1] + [job])
    return [b for _, b in bins if b]


def renderer_fingerprint() -> str:
    """What a PDF depends on besides its HTML and CSS: the versions of WeasyPrint and its PDF writer,
    and the font files installed (name, size, mtime). Part of every PDF's cache key."""
    import pydyf
    import weasyprint

    h = hashlib.sha256(f"weasyprint {weasyprint.__version__} pydyf {pydyf.__version__}".encode())
    for root in FONT_DIRS:
        if root.is_dir():
            for f in sorted(root.rglob("*")):
                if f.is_file():
                    st = f.stat()
                    h.update(f"{f}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def pdf_key(html: str, css: bytes, renderer: str) -> str:
    """The cache key of one PDF: a digest of its HTML, the stylesheet and the renderer."""
    h = hashlib.sha256(renderer.encode())
    h.update(hashlib.sha256(css).digest())
    h.update(html.encode("utf-8"))
    return h.hexdigest()[:32]


def _render_pdfs(jobs: list[tuple[float, tuple]], n_workers: int) -> list[tuple[str, float, int]]:
    """Render the jobs: in this process when they are few (no worker start-up: the rebuild after
    one edit), else in ``n_workers`` spawned processes."""
    chunks = _chunks(jobs, n_workers)
    if not chunks:
        return []
    if n_workers <= 1 or len(jobs) <= 3:
        return _render_chunk([job for _, job in sorted(jobs, key=lambda j: -j[0])])
    # spawn: no fork of a possibly multi-threaded parent (pytest, Playwright); fresh fontconfig per worker.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(chunks), mp_context=ctx, initializer=_init_worker) as pool:
        return [r for rs in pool.map(_render_chunk, chunks) for r in rs]


def _place(cached: Path, dest: Path) -> None:
    """Put a cached PDF at ``dest`` (a hard link when the file system allows it)."""
    dest.unlink(missing_ok=True)
    try:
        os.link(cached, dest)
    except OSError:
        shutil.copyfile(cached, dest)
    os.utime(cached)  # recently used: kept by prune_pdf_cache


def prune_pdf_cache(cache_dir: Path, max_age_s: float = 7 * 24 * 3600) -> None:
    """Remove cached PDFs not used for a week."""
    now = time.time()
    for f in [*Path(cache_dir).glob("*.pdf"), *Path(cache_dir).glob("*.otf")]:
        if now - f.stat().st_mtime > max_age_s:
            f.unlink(missing_ok=True)


# Parsed PDFs of the cache, kept for the life of the process (make serve rebuilds in one process): the
# cached files never change (their names are digests), and joining from parsed readers is ~5× faster.
_READERS: dict[str, object] = {}


def _reader(path: Path):
    from pypdf import PdfReader

    key = str(path)
    if key not in _READERS:
        if len(_READERS) > 2000:
            _READERS.clear()
        _READERS[key] = PdfReader(key)
    return _READERS[key]


def _join(contents: Path, parts: list[tuple[str, str, Path]], out: Path, contents_pages: int,
          font_cache: Path | None = None) -> int:
    """all.pdf: the contents, then every brief's PDF as it is (its own page numbers), with a bookmark per
    unit and the contents' entries linked to the first page of their brief. Returns the page count."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    writer.append(_reader(contents), import_outline=False)
    starts = {}
    for aid, _, path in parts:
        starts[aid] = len(writer.pages)
        writer.append(_reader(path), import_outline=False)
    writer.add_outline_item(title="目录", page_number=0)
    for aid, title, _ in parts:
        writer.add_outline_item(title=title, page_number=starts[aid])
    # The contents' entries link to https://brief.invalid/<id> (see the template): point them at the page instead.
    for page in writer.pages[:contents_pages]:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            uri = a.get("/A", {}).get("/URI") if a.get("/A") else None
            if uri and str(uri).startswith(CONTENTS_LINK):
                aid = str(uri).removeprefix(CONTENTS_LINK)
                if aid in starts:
                    target = writer.pages[starts[aid]].indirect_reference
                    a[NameObject("/A")] = DictionaryObject({
                        NameObject("/S"): NameObject("/GoTo"),
                        NameObject("/D"): ArrayObject([target, NameObject("/XYZ"), NumberObject(0), NumberObject(842),
                                                       NumberObject(0)])})
    if font_cache is not None:
        _share_fonts(writer, font_cache)
    writer.add_metadata({"/Title": "数字山东 · 各单位任务简报"})
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fd:
        writer.write(fd)
    os.replace(tmp, out)
    return len(writer.pages)


CONTENTS_LINK = "https://brief.invalid/"

# ---------------------------------------------------------------------------
# One font subset per font in all.pdf
#
# Each brief's PDF embeds its own subsets of the Noto CJK fonts (~0.45 MB a brief): joined as they
# are, all.pdf would weigh 26 MB instead of 1. WeasyPrint subsets with HarfBuzz keeping the original
# glyph ids, and names a font the same way in every PDF, so after joining, every font's copies can
# share one subset of the installed font holding the glyphs of all (the union of their /W widths).
# Made with HarfBuzz's subsetter (as WeasyPrint does; 0.05 s a font), cached by the font file and glyphs.

_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t; typedef uint32_t hb_codepoint_t; typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
hb_tag_t hb_tag_from_string(const char *str, int len);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
# hb-subset.h: flags NO_HINTING 0x1, RETAIN_GIDS 0x2, DESUBROUTINIZE 0x4, PASSTHROUGH_UNRECOGNIZED 0x20;
# set type DROP_TABLE_TAG 3. The dropped tables are WeasyPrint's.
_HB_FLAGS = 0x1 | 0x2 | 0x4 | 0x20
_HB_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def _hb_subset(file: str, index: int, gids: list[int]) -> bytes | None:
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_HB_CDEF)
    hb, hbs = ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    blob = hb.hb_blob_create_from_file_or_fail(file.encode())
    if blob == ffi.NULL:
        return None
    face = hb.hb_face_create(blob, index)
    inp = hbs.hb_subset_input_create_or_fail()
    try:
        glyphs = hbs.hb_subset_input_glyph_set(inp)
        for g in gids:
            hb.hb_set_add(glyphs, g)
        hbs.hb_subset_input_set_flags(inp, _HB_FLAGS)
        drop = hbs.hb_subset_input_set(inp, 3)
        for tag in _HB_DROP:
            hb.hb_set_add(drop, hb.hb_tag_from_string(tag, -1))
        sub = hbs.hb_subset_or_fail(face, inp)
        if sub == ffi.NULL:
            return None
        out = hb.hb_face_reference_blob(sub)
        length = ffi.new("unsigned int *")
        data = bytes(ffi.buffer(hb.hb_blob_get_data(out, length), length[0]))
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(sub)
        return data or None
    finally:
        hbs.hb_subset_input_destroy(inp)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _installed_faces() -> dict[str, tuple[str, int]]:
    """'Noto Sans CJK SC Bold' -> (file, index) for every installed face (fontconfig's fc-list);
    the regular style also under the bare family name, as WeasyPrint names it."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{file}|%{index}|%{family[0]}|%{style[0]}\\n"],
                             capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        # Without it every brief keeps its own font subsets and all.pdf grows ~25×: stop instead.
        raise RuntimeError(f"fc-list (fontconfig) failed, so all.pdf cannot share its fonts: {exc}") from None
    faces = {}
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 4 and parts[1].isdigit():
            file, index, family, style = parts[0], int(parts[1]), parts[2], parts[3]
            faces.setdefault(f"{family} {style}", (file, index))
            if style == "Regular":
                faces.setdefault(family, (file, index))
    return faces


def _widths_gids(widths) -> set[int]:
    """The glyph ids of a CIDFont's /W array (``c [w …]`` and ``c_first c_last w`` entries)."""
    gids, items, i = {0}, list(widths or []), 0
    while i < len(items):
        first = int(items[i])
        if i + 1 < len(items) and isinstance(items[i + 1], list):
            gids.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            gids.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return gids


def _share_fonts(writer, cache_dir: Path) -> int:
    """Point every copy of a font in ``writer`` at one subset holding the glyphs of all; returns how many
    fonts were shared. A font not found among the installed ones keeps its copies."""
    from pypdf.generic import NameObject, StreamObject

    copies: dict[str, list] = {}
    for page in writer.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            if font.get("/Subtype") != "/Type0":
                continue
            cid = font["/DescendantFonts"][0].get_object()
            descriptor = cid["/FontDescriptor"].get_object()
            if "/FontFile3" not in descriptor:
                continue
            copies.setdefault(str(font["/BaseFont"]), []).append((cid, descriptor))
    faces = None
    shared = 0
    for base, found in copies.items():
        if len({id(d) for _, d in found}) < 2:
            continue
        faces = faces if faces is not None else _installed_faces()
        name = base.lstrip("/").split("+", 1)[-1].replace("-", " ")
        if name not in faces:
            continue
        file, index = faces[name]
        gids = sorted(set().union(*(_widths_gids(cid.get("/W")) for cid, _ in found)))
        st = Path(file).stat()
        key = hashlib.sha256(f"{file}|{index}|{st.st_size}|{st.st_mtime_ns}|{gids}".encode()).hexdigest()[:32]
        cached = cache_dir / f"{key}.otf"
        if not cached.exists():
            data = _hb_subset(file, index, gids)
            if data is None:
                continue
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, cached)
        stream = StreamObject()
        stream.set_data(cached.read_bytes())
        stream[NameObject("/Subtype")] = NameObject("/OpenType")
        ref = writer._add_object(stream.flate_encode())  # (zlib level 6: ~0.1 s for a CJK subset)
        for _, descriptor in found:
            descriptor[NameObject("/FontFile3")] = ref
        shared += 1
    if shared:  # the units' own subsets, now referenced by nothing, are left out of the file
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    return shared


def write_pdfs(model: Model, briefs_dir: Path, site_url: str = "", changed: str = "", jobs: int = 2,
               cache_dir: Path | None = None) -> dict:
    """Beside every ``<id>.html`` of ``briefs_dir`` (and its ``brief.css``), write ``<id>.pdf``, then ``all.pdf``.

    With ``cache_dir``, a PDF whose key is there is reused and only the others are rendered (after a data
    edit: the briefs whose text changed). ``all.pdf`` is the contents page(s) (cached the same way) followed
    by the briefs' PDFs. ``changed``: the date the data last changed (git), printed on the contents page.

    Returns ``{"pages": {name: n}, "rendered": [name, …], "reused": [name, …], "jobs": int,
    "timings": {"pdf": {name: s}, "pdf_sum": s, "pdf_wall": s}}``; ``name`` is an agency id,
    ``"contents"`` or ``"all"`` (its time is the joining).
    """
    t0 = time.perf_counter()
    briefs_dir = Path(briefs_dir)
    store = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="briefs-pdf-", dir=briefs_dir))
    store.mkdir(parents=True, exist_ok=True)
    css_bytes = (briefs_dir / CSS).read_bytes()
    renderer = renderer_fingerprint()
    base_url = str(briefs_dir / "x.html")  # the stylesheet beside the briefs
    pages: dict[str, int] = {}
    timings: dict[str, float] = {}
    result: dict = {"jobs": jobs, "pages": pages, "rendered": [], "reused": []}

    def ensure(named: dict[str, str]) -> dict[str, Path]:
        """Make sure every (name -> HTML) has its PDF in the store; render the missing ones."""
        paths, work = {}, []
        for name, html in named.items():
            path = store / f"{pdf_key(html, css_bytes, renderer)}.pdf"
            paths[name] = path
            if path.exists():
                result["reused"].append(name)
            else:
                # Estimated seconds (measured: ~0.15 s per document + ~0.015 s per item).
                weight = 0.15 + 0.015 * (model.agency_total(name) if name in model.agencies else len(model.agencies))
                work.append((weight, (name, html, base_url, str(path))))
        for name, seconds, n in _render_pdfs(work, jobs):
            result["rendered"].append(name)
            timings[name] = round(seconds, 3)
            pages[name] = n
        for name, path in paths.items():
            if name not in pages:
                pages[name] = len(_reader(path).pages)  # parsed once per process, reused by the join
        return paths

    try:
        raw = {aid: (briefs_dir / f"{aid}.html").read_bytes() for aid in model.agencies}
        htmls = {aid: data.decode("utf-8") for aid, data in raw.items()}
        unit_pdfs = ensure(htmls)
        for aid, cached in unit_pdfs.items():
            _place(cached, briefs_dir / f"{aid}.pdf")
        # The contents: each unit's first page in all.pdf depends on how many pages the contents itself has.
        contents_pages = 1
        env = environment()
        for _ in range(4):
            start, starts = contents_pages + 1, {}
            for aid in model.agencies:
                starts[aid] = start
                start += pages[aid]
            contents = ensure({"contents": contents_html(model, site_url, changed, starts, env)})["contents"]
            if pages["contents"] == contents_pages:
                break
            contents_pages = pages.pop("contents")
            result["reused"] = [r for r in result["reused"] if r != "contents"]
        t_join = time.perf_counter()
        parts = [(aid, model.agencies[aid].name, unit_pdfs[aid]) for aid in model.agencies]
        pages["all"] = _join(contents, parts, briefs_dir / ALL_PDF, pages["contents"], font_cache=store)
        timings["all"] = round(time.perf_counter() - t_join, 3)
        write_record(briefs_dir, {aid: html_digest(data) for aid, data in raw.items()}, pages)
    finally:
        if not cache_dir:
            shutil.rmtree(store, ignore_errors=True)
    if cache_dir:
        prune_pdf_cache(store)
    result["timings"] = {"pdf": timings, "pdf_sum": round(sum(timings.values()), 3),
                         "pdf_wall": round(time.perf_counter() - t0, 3)}
    return result


def write_record(briefs_dir: Path, digests: dict[str, str], pages: dict[str, int]) -> None:
    """``briefs/.pdfs.json``: for each PDF (every unit's and ``all``), the digest of the HTML it was made from,
    its size in bytes and its pages. The generate step shows the sizes and pages of the PDFs whose HTML is
    still the current one on the briefs page (``outputs.generate.current_pdfs``)."""
    record = {aid: {"html": digest, "bytes": (briefs_dir / f"{aid}.pdf").stat().st_size, "pages": pages[aid]}
              for aid, digest in digests.items()}
    record["all"] = {"html": all_digest(digests), "bytes": (briefs_dir / ALL_PDF).stat().st_size, "pages": pages["all"]}
    tmp = briefs_dir / f"{RECORD}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, briefs_dir / RECORD)


def write_briefs(model: Model, out_dir: Path, site_url: str = "", changed: str = "", jobs: int = 2,
                 cache_dir: Path | None = None) -> dict:
    """The briefs' HTML (``views.briefs.files``) and their PDFs, written into ``out_dir``: what the generate
    step and this step together put into ``briefs/``. Returns ``write_pdfs``' result with ``files`` (every
    file written) and the HTML's time in ``timings``."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files(model, site_url, changed).items():
        (out_dir / name).write_bytes(data)
    t_html = time.perf_counter() - t0
    result = write_pdfs(model, out_dir, site_url, changed, jobs, cache_dir)
    result["timings"].update(html=round(t_html, 3), total=round(time.perf_counter() - t0, 3))
    result["files"] = sorted(p for p in out_dir.iterdir() if p.is_file())
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shandong.outputs.pdf", description=__doc__.splitlines()[0])
    p.add_argument("tree", type=Path, nargs="?", default=TREE, help="the docs tree the generate step wrote (build/docs)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = p.parse_args(argv)
    settings = Settings.from_env()
    model = load_checked(settings.data_dir)
    changed = history.last_changed(settings.data_dir)
    result = write_pdfs(model, args.tree / "briefs", settings.site_url, changed.isoformat() if changed else "", args.jobs,
                        cache_dir=PDF_CACHE)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    t = result["timings"]
    print(f"briefs: {len(result['rendered'])} PDFs rendered, {len(result['reused'])} reused, "
          f"all.pdf {result['pages']['all']} pages; {t['pdf_wall']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
