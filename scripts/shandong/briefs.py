"""Per-agency briefs for print: one standalone HTML page and one PDF per unit, plus ``all.pdf``.

    python -m shandong.briefs OUT_DIR [--site-url URL] [--jobs N]

``write_briefs`` renders every brief's HTML in this process (Jinja, autoescape on), then
hands the PDFs to ``jobs`` worker processes: each worker renders one chunk of briefs with
WeasyPrint, keeping one ``FontConfiguration`` for the life of the process. The chunks are
balanced by size, the combined ``all.pdf`` (contents page + every brief) counting as one
big piece of work.

Page 1 of every brief: the unit, ``截至 <date>`` (the dataset's reviewed date, ``Model.as_of``)
with the print date, and a summary table of all its items (id as on the website, short title, role,
deadline, state); then the details, each with its progress. No address is printed unless the
site's public address is known (``SITE_URL`` other than the placeholder of mkdocs.yml).

What ``model.py`` does not provide is computed here: the date the data last changed
(``last_changed``, from git; empty without history), per-role counts, "listed first" in the task division, the earliest
deadlines, and co-units grouped by role.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import jinja2

from . import ROOT, history
from .feeds import public_url
from .model import ROLE_NAMES, ROLE_ORDER, STATES, Agency, Item, Model

TEMPLATES = ROOT / "templates" / "brief"
TEMPLATE = "brief.html.j2"
CSS = "brief.css"
PLAN = "数字山东发展规划（2018-2022年）重点任务分工"
ACTION = "数字山东2020行动方案"
ROLE_HEADINGS = {
    "lead": ("牵头的措施", ACTION),
    "support": ("配合的措施", ACTION),
    "responsible": ("按职责分工负责的措施", ACTION),
    "task": ("列为责任单位的重点任务", PLAN),
}
NEAREST = 3  # how many of the earliest deadlines the summary lists


def last_changed(data_dir: Path | None = None) -> str:
    """Date (YYYY-MM-DD) of the last commit touching the data folder in use, or "" without git
    history (a copy of the tree without .git): the brief then shows the reviewed date only."""
    from .site import data_dir_in_use

    changed = history.last_changed(data_dir or data_dir_in_use())
    return changed.isoformat() if changed else ""


data_as_of = last_changed  # the name the artifacts cache key (site.py) and the downloads meta use


def brief_url(site_url: str, aid: str) -> str:
    """The brief's public address, or "" when the site's address is unset or the placeholder."""
    base = public_url(site_url)
    return f"{base}briefs/{aid}.html" if base else ""


SHORT = 18  # characters of an item's text in the summary table


def short_title(item: Item) -> str:
    """The item's text up to its first comma or full stop, at most ``SHORT`` characters."""
    text = "".join(item.text.split())
    cut = min((i for i in (text.find(c) for c in "，。；：") if i > 0), default=len(text))
    head = text[:cut]
    return head if len(head) <= SHORT else head[:SHORT - 1] + "…"


# ---------------------------------------------------------------------------
# What a brief says


def _where(item: Item) -> str:
    if item.kind == "task":
        return ""
    where = item.section.label
    if item.subsection:
        where += " › " + item.subsection.label
    return where


def _co_units(model: Model, item: Item, aid: str) -> list[dict]:
    """Every other unit of the item, grouped by role in the document's order."""
    out = []
    for role, ids in item.roles.items():
        others = [model.agencies[u].short for u in ids if u != aid]
        if item.kind == "task" and ids and ids[0] != aid and others:
            others[0] += "（列第一位）"
        if not others:
            continue
        note = "分别牵头" if role == "lead" and item.lead_each else ""
        out.append({"role": ROLE_NAMES[role][0], "units": others, "more": role in item.open_roles, "note": note})
    return out


def _nearest(items: list[Item]) -> tuple[list[dict], int]:
    """The earliest dated deadlines (up to ``NEAREST``), with the items due; and how many have no year."""
    groups: OrderedDict[tuple, dict] = OrderedDict()
    undated = 0
    for item in sorted(items, key=lambda x: x.deadline_sort):
        if item.deadline_year is None:
            undated += 1
            continue
        # One group per (year, kind): "2018年完成" and "2018 年完成" are the same deadline as written twice.
        g = groups.setdefault((item.deadline_year, item.deadline_kind), {"texts": [], "refs": []})
        text = "".join(item.deadline_text.split())
        if text not in g["texts"]:
            g["texts"].append(text)
        if item.title not in g["refs"]:
            g["refs"].append(item.title)
    return [{"deadline": " / ".join(g["texts"]), "refs": g["refs"]} for g in list(groups.values())[:NEAREST]], undated


def brief_context(model: Model, aid: str, site_url: str = "") -> dict:
    agency: Agency = model.agencies[aid]
    roles = model.by_agency.get(aid, {})
    groups, all_items = [], []
    for role in ROLE_ORDER:
        items = sorted(roles.get(role, []), key=lambda x: x.deadline_sort)
        if not items:
            continue
        heading, document = ROLE_HEADINGS[role]
        entries = [{"item": x, "deadline": x.deadline_text or "—", "where": _where(x),
                    "first": role == "task" and x.roles["task"][0] == aid,
                    "co_units": _co_units(model, x, aid), "short": short_title(x),
                    "role": ROLE_NAMES[role][0]} for x in items]
        groups.append({"role": role, "heading": heading, "document": f"《{document}》", "entries": entries})
        all_items += items
    counts_by_role = {role: len(roles.get(role, [])) for role in ROLE_ORDER}
    counts = [{"document": "重点任务分工" if r == "task" else "2020行动方案", "label": ROLE_NAMES[r][0],
               "n": counts_by_role[r]} for r in ROLE_ORDER]
    first_listed = [x.title for x in sorted(roles.get("task", []), key=lambda x: x.number)
                    if x.roles["task"][0] == aid]
    nearest, ongoing = _nearest(all_items)
    states = model.state_counts(all_items)  # an item in two roles of the unit counts twice, like the table
    return {"agency": agency, "url": brief_url(site_url, aid), "groups": groups, "counts": counts,
            "counts_by_role": counts_by_role, "total": sum(counts_by_role.values()),
            "first_listed": first_listed, "nearest": nearest, "ongoing": ongoing,
            "overview": [e for g in groups for e in g["entries"]],
            "states": [(k, STATES[k][0], n) for k, n in states.items() if n]}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    env.globals["STATES"] = STATES
    return env


def _dates(model: Model, changed: str | None, printed: date | None) -> dict:
    """The dates page 1 prints: the dataset's reviewed date (data), who reviewed it, the last
    change (git; "" without history) and the print date."""
    return {"as_of": model.as_of.isoformat(), "reviewed_by": model.reviewed_by,
            "changed": last_changed() if changed is None else changed,
            "printed": (printed or date.today()).isoformat()}


def render_html(model: Model, aid: str, site_url: str = "", changed: str | None = None,
                css_href: str = CSS, env: jinja2.Environment | None = None, printed: date | None = None) -> str:
    """The standalone HTML of one unit's brief. ``changed``: the date the data last changed
    ("" for none; default: from git)."""
    b = brief_context(model, aid, site_url)
    a = b["agency"]
    title = f"{a.name}（{a.short}）· 数字山东任务简报" if a.short != a.name else f"{a.name} · 数字山东任务简报"
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=[b], combined=False, title=title, css_href=css_href, url=b["url"], **_dates(model, changed, printed))


# ---------------------------------------------------------------------------
# PDFs: content-addressed per brief, rendered in worker processes, joined into all.pdf

_FONT_CONFIG = None
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def _init_worker() -> None:
    """One font configuration per process, reused for every PDF the process renders; Ctrl-C ends it silently."""
    global _FONT_CONFIG
    from weasyprint.text.fonts import FontConfiguration

    from .prebuild import quiet_interrupt

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


def _contents_html(model: Model, site_url: str, changed: str, start_pages: dict[str, int], env: jinja2.Environment) -> str:
    """The contents page(s) of all.pdf alone: every unit with the page of the file its brief starts on.
    ``changed``: the date the data last changed (git), as on the briefs."""
    briefs = [{**brief_context(model, aid, site_url), "start_page": start_pages[aid]} for aid in model.agencies]
    url = brief_url(site_url, "all").removesuffix(".html") + ".pdf" if public_url(site_url) else ""
    return env.get_template(TEMPLATE).render(
        briefs=briefs, combined=True, contents_only=True, title="数字山东 · 各单位任务简报", css_href=CSS, url=url,
        **_dates(model, changed, None))


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
    except (OSError, subprocess.SubprocessError):
        return {}
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


def output_names(model: Model, pdf: bool = True) -> list[str]:
    """The files ``write_briefs`` writes into its folder, without writing them: the stylesheet, each
    unit's HTML and, with PDFs, each unit's PDF and all.pdf (prebuild registers them in advance)."""
    names = [CSS, *(f"{aid}.html" for aid in model.agencies)]
    return names + [*(f"{aid}.pdf" for aid in model.agencies), "all.pdf"] if pdf else names


def write_briefs(model: Model, out_dir: Path, site_url: str = "", jobs: int = 2, pdf: bool = True,
                 cache_dir: Path | None = None) -> dict:
    """Write ``<id>.html`` and ``<id>.pdf`` for every agency, ``brief.css`` and ``all.pdf`` into ``out_dir``
    (with ``pdf=False``, only the HTML and the CSS: no PDF stage).

    Each PDF is content-addressed: its key is a digest of its HTML, the stylesheet and the renderer
    (``pdf_key``). With ``cache_dir``, a PDF whose key is there is reused, and only the others are
    rendered (after a data edit: the briefs whose text changed). ``all.pdf`` is the contents page(s)
    (themselves cached the same way) followed by the briefs' PDFs, joined with pypdf.

    Returns ``{"files": [Path, …], "as_of": str, "jobs": int, "pages": {name: n},
    "timings": {"html": s, "pdf": {name: s}, "pdf_sum": s, "pdf_wall": s, "total": s},
    "rendered": [name, …], "reused": [name, …]}``;
    ``name`` is an agency id, ``"contents"`` or ``"all"`` (its time is the joining); ``pdf`` holds the
    PDFs rendered by this call, ``pdf_sum`` adds their times, ``pdf_wall`` is the elapsed time of the PDF stage.
    """
    t_start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of = data_as_of()
    env = environment()
    files: list[Path] = []

    css = out_dir / CSS
    shutil.copyfile(TEMPLATES / CSS, css)
    files.append(css)
    htmls: dict[str, str] = {}
    for aid in model.agencies:
        html = out_dir / f"{aid}.html"
        htmls[aid] = render_html(model, aid, site_url, as_of, env=env)
        html.write_text(htmls[aid], encoding="utf-8")
        files.append(html)
    t_html = time.perf_counter() - t_start
    result = {"files": files, "as_of": as_of, "jobs": jobs, "pages": {}, "rendered": [], "reused": [],
              "timings": {"html": round(t_html, 3), "pdf": {}, "pdf_sum": 0.0, "pdf_wall": 0.0}}
    if not pdf:
        result["timings"]["total"] = round(time.perf_counter() - t_start, 3)
        return result

    t0 = time.perf_counter()
    store = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="briefs-pdf-", dir=out_dir))
    store.mkdir(parents=True, exist_ok=True)
    css_bytes = (TEMPLATES / CSS).read_bytes()
    renderer = renderer_fingerprint()
    base_url = str(out_dir / "x.html")  # the stylesheet beside the briefs
    pages: dict[str, int] = {}
    timings: dict[str, float] = {}

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

    unit_pdfs = ensure(htmls)
    for aid, cached in unit_pdfs.items():
        _place(cached, out_dir / f"{aid}.pdf")
        files.append(out_dir / f"{aid}.pdf")

    # The contents: each unit's first page in all.pdf depends on how many pages the contents itself has.
    contents_pages = 1
    for _ in range(4):
        start, starts = contents_pages + 1, {}
        for aid in model.agencies:
            starts[aid] = start
            start += pages[aid]
        contents = ensure({"contents": _contents_html(model, site_url, as_of, starts, env)})["contents"]
        if pages["contents"] == contents_pages:
            break
        contents_pages = pages.pop("contents")
        result["reused"] = [r for r in result["reused"] if r != "contents"]
    t_join = time.perf_counter()
    parts = [(aid, model.agencies[aid].name, unit_pdfs[aid]) for aid in model.agencies]
    pages["all"] = _join(contents, parts, out_dir / "all.pdf", pages["contents"], font_cache=store)
    timings["all"] = round(time.perf_counter() - t_join, 3)
    files.append(out_dir / "all.pdf")
    if not cache_dir:
        shutil.rmtree(store, ignore_errors=True)
    else:
        prune_pdf_cache(store)

    result["pages"] = pages
    result["timings"].update(pdf=timings, pdf_sum=round(sum(timings.values()), 3),
                             pdf_wall=round(time.perf_counter() - t0, 3), total=round(time.perf_counter() - t_start, 3))
    return result


def main(argv: list[str] | None = None) -> int:
    from .check import load_checked

    p = argparse.ArgumentParser(prog="python -m shandong.briefs", description=__doc__.splitlines()[0])
    p.add_argument("out_dir", type=Path)
    p.add_argument("--site-url", default="")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = p.parse_args(argv)
    result = write_briefs(load_checked(), args.out_dir, args.site_url, args.jobs)
    if args.json:
        print(json.dumps({**result, "files": [str(f) for f in result["files"]]}, ensure_ascii=False, indent=1))
        return 0
    t = result["timings"]
    per = {k: v for k, v in t["pdf"].items() if k != "all"}
    print(f"{len(result['files'])} files in {args.out_dir} (data as of {result['as_of']}, {args.jobs} jobs)")
    print(f"html {t['html']:.2f}s; {len(per)} unit PDFs: mean {sum(per.values()) / len(per):.2f}s, "
          f"max {max(per.values()):.2f}s ({max(per, key=per.get)}), sum {sum(per.values()):.2f}s; "
          f"all.pdf {t['pdf']['all']:.2f}s ({result['pages']['all']} pages); "
          f"PDF stage {t['pdf_wall']:.2f}s wall; total {t['total']:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
