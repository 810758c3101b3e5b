"""Colours of the charts and the progress badges (issue 19): every number drawn on a colour is readable
(WCAG contrast >= 4.5:1) in the light and the dark scheme, the seven progress states have hues of their own,
and the chart series and heat steps stay apart in both schemes.

Measured two ways, with the formulas written here (not imported from the site's code):
- from the built files: the CSS custom properties of the light ``:root`` and of ``[data-md-color-scheme="slate"]``
  (read with tinycss2) and, from the SVGs of the built pages, which label colour is drawn on which fill;
- in the browser: the computed colour of every chart text and badge and of what lies under it, in both schemes,
  on a desktop and a phone (the phone layouts are other drawings).
"""
from __future__ import annotations

import math
import re
from itertools import combinations, pairwise
from pathlib import Path

import pytest
import tinycss2
from bs4 import BeautifulSoup

from browsing import DESKTOP, PHONE, watched_page
from sitetools import built_site, serve

ROOT = Path(__file__).resolve().parents[1]
PROGRESS_DATA = ROOT / "tests" / "fixtures" / "progress-data"
SCHEMES = {"light": ":root", "dark": '[data-md-color-scheme="slate"]'}
STATE_KEYS = ["completed", "on-track", "delayed", "not-started", "cancelled", "overdue-unreported", "no-report"]
NO_REPORT = {"overdue-unreported", "no-report"}  # no report: neutral, greyish
VAR = re.compile(r"^var\((--[\w-]+), (#[0-9a-f]{6})\)$")


# ---------------------------------------------------------------------------
# Colour science (WCAG 2.x relative luminance and contrast; CIELAB D65; CIEDE2000)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _linear(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(c) -> float:
    r, g, b = (_linear(v) for v in c[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def lab(c) -> tuple[float, float, float]:
    r, g, b = (_linear(v) for v in c[:3])
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = lambda t: t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29  # noqa: E731
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def chroma_hue(c) -> tuple[float, float]:
    _, a, b = lab(c)
    return math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360


def ciede2000(c1, c2) -> float:
    return ciede2000_lab(lab(c1), lab(c2))


def ciede2000_lab(lab1, lab2) -> float:
    """CIEDE2000 colour difference of two Lab colours (Sharma, Wu, Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    cb = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cb ** 7 / (cb ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    else:
        dh = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    else:
        hbp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hbp - 30)) + 0.24 * math.cos(math.radians(2 * hbp))
         + 0.32 * math.cos(math.radians(3 * hbp + 6)) - 0.20 * math.cos(math.radians(4 * hbp - 63)))
    d_theta = 30 * math.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cbp ** 7 / (cbp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lbp - 50) ** 2 / math.sqrt(20 + (lbp - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh))


def test_the_colour_formulas_against_published_values():
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert contrast(rgb("#767676"), rgb("#ffffff")) == pytest.approx(4.54, abs=0.01)  # the well-known AA grey
    assert lab((255, 255, 255)) == pytest.approx((100, 0, 0), abs=0.05)
    # two of Sharma, Wu & Dalal's published test pairs
    assert ciede2000_lab((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000_lab((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


# ---------------------------------------------------------------------------
# From the built files


def custom_properties(site: Path) -> dict[str, dict[str, str]]:
    """scheme -> custom property -> value, from the site's own stylesheets (the dark scheme inherits the light one's)."""
    found = {scheme: {} for scheme in SCHEMES}
    for name in ("site.css", "progress.css"):
        css = (site / "assets" / name).read_text(encoding="utf-8")
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue
            selector = tinycss2.serialize(rule.prelude).strip()
            for scheme, wanted in SCHEMES.items():
                if selector == wanted:
                    for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                        if decl.type == "declaration" and decl.name.startswith("--"):
                            found[scheme][decl.name] = tinycss2.serialize(decl.value).strip()
    found["dark"] = {**found["light"], **found["dark"]}
    return found


def fill_of(el) -> str | None:
    for part in (el.get("style") or "").split(";"):
        name, _, value = part.partition(":")
        if name.strip() == "fill":
            return value.strip()
    return None


def labelled_pairs(site: Path) -> tuple[set[tuple[str, str]], list[str]]:
    """(label fill, fill under it) of every chart number drawn on a shape, over every page with a chart; and
    the texts in the page's text colour that are drawn on a filled shape (there should be none)."""
    pairs, on_shapes = set(), []
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        if "ds-chart" not in html:
            continue
        for text in BeautifulSoup(html, "html.parser").select(".ds-chart svg text"):
            rect = text.find_previous_sibling("rect")
            inside = rect is not None and fill_of(rect) not in (None, "none") and (
                float(rect["x"]) <= float(text["x"]) <= float(rect["x"]) + float(rect["width"])
                and float(rect["y"]) <= float(text["y"]) <= float(rect["y"]) + float(rect["height"]) + 1)
            if fill_of(text) == "currentColor":
                if inside and fill_of(rect) != "currentColor":
                    on_shapes.append(f"{page.relative_to(site)}: {text.get_text()!r} in the text colour on {fill_of(rect)}")
                continue
            assert inside, f"{page.relative_to(site)}: {text.get_text()!r} ({fill_of(text)}) is not on the shape before it"
            pairs.add((fill_of(text), fill_of(rect)))
    return pairs, on_shapes


def resolve(value: str, props: dict[str, str]) -> str:
    m = VAR.match(value)
    assert m, f"{value}: a chart colour is a CSS variable with a fallback"
    return props[m.group(1)]


@pytest.mark.build
@pytest.mark.parametrize("data", [None, PROGRESS_DATA], ids=["data", "progress-data"])
def test_every_number_drawn_on_a_colour_has_contrast_in_both_schemes(data):
    site = built_site(data)
    props = custom_properties(site)
    pairs, on_shapes = labelled_pairs(site)
    families = {"state" if f.startswith("var(--state-") else "heat" if f.startswith("var(--chart-heat-") else "series"
                for _, f in pairs}
    assert families == ({"series", "heat"} if data is None else {"series", "heat", "state"})
    low = []
    for label, fill in sorted(pairs):
        # without the stylesheet the SVG's fallbacks are the light scheme's colours
        assert VAR.match(label).group(2) == props["light"][VAR.match(label).group(1)], label
        assert VAR.match(fill).group(2) == props["light"][VAR.match(fill).group(1)], fill
        for scheme in SCHEMES:
            ratio = contrast(rgb(resolve(label, props[scheme])), rgb(resolve(fill, props[scheme])))
            if ratio < 4.5:
                low.append(f"{scheme}: {label} on {fill}: {ratio:.2f}:1")
    print(f"\n{len(pairs)} (label, fill) pairs in the charts, checked in both schemes: {len(low)} under 4.5:1")
    assert low == []
    assert on_shapes == []


@pytest.mark.build
def test_badge_text_has_contrast_in_both_schemes():
    props = custom_properties(built_site(PROGRESS_DATA))
    for scheme in SCHEMES:
        for state in STATE_KEYS:
            ratio = contrast(rgb(props[scheme]["--state-ink"]), rgb(props[scheme][f"--state-{state}"]))
            assert ratio >= 4.5, (scheme, state, round(ratio, 2))


@pytest.mark.build
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_the_seven_states_have_hues_of_their_own(scheme):
    props = custom_properties(built_site(PROGRESS_DATA))[scheme]
    colours = {s: rgb(props[f"--state-{s}"]) for s in STATE_KEYS}
    close = [f"{a} / {b}: ΔE00 {ciede2000(colours[a], colours[b]):.1f}" for a, b in combinations(STATE_KEYS, 2)
             if ciede2000(colours[a], colours[b]) < 14]
    assert close == []
    assert ciede2000(colours["cancelled"], colours["no-report"]) >= 20  # told apart at a glance
    for state, c in colours.items():
        chroma, hue = chroma_hue(c)
        if state in NO_REPORT:
            assert chroma <= 16, (state, chroma)  # greyish: no report is not a judgement
        else:
            assert chroma >= 30, (state, chroma)  # a colour, not a grey
            # only "delayed" is red or orange (Lab hue 15°–75°): nothing else looks like a warning
            assert (15 <= hue <= 75) == (state == "delayed"), (state, round(hue))


@pytest.mark.build
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_chart_series_and_heat_steps_stay_apart(scheme):
    props = custom_properties(built_site())[scheme]
    series = [rgb(props[f"--chart-{i}"]) for i in range(1, 6)]
    assert min(ciede2000(a, b) for a, b in combinations(series, 2)) >= 12
    steps = [rgb(props[f"--chart-heat-{i}"]) for i in range(1, 6)]
    lightness = [lab(c)[0] for c in steps]
    # more is darker on the light page, brighter on the dark one
    assert lightness == sorted(lightness, reverse=scheme == "light") and len(set(lightness)) == 5
    assert min(ciede2000(a, b) for a, b in pairwise(steps)) >= 8


# ---------------------------------------------------------------------------
# In the browser

MEASURE = """() => {
    const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
    const over = (c, a, under) => [0, 1, 2].map(i => c[i] * a + under[i] * (1 - a));
    const page = rgba(getComputedStyle(document.body).backgroundColor).slice(0, 3);
    const out = [];
    document.querySelectorAll('.ds-chart svg text').forEach(t => {
        if (!t.getBoundingClientRect().width) return;  // the other screen size's layout
        const box = t.getBBox(), cx = box.x + box.width / 2, cy = box.y + box.height / 2;
        let under = page, on = 'page';
        t.ownerSVGElement.querySelectorAll('rect').forEach(r => {  // every shape painted before the text, under its centre
            if (r.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING) return;
            const b = r.getBBox(), cs = getComputedStyle(r);
            if (cs.fill === 'none' || cx < b.x || cx > b.x + b.width || cy < b.y || cy > b.y + b.height) return;
            const c = rgba(cs.fill);
            under = over(c, c[3] * parseFloat(cs.fillOpacity), under);
            on = r.getAttribute('style');
        });
        const f = rgba(getComputedStyle(t).fill), a = f[3] * parseFloat(getComputedStyle(t).fillOpacity);
        out.push({text: t.textContent, on, fg: over(f, a, under), bg: under});
    });
    document.querySelectorAll('.ds-state').forEach(el => {
        const cs = getComputedStyle(el), c = rgba(cs.color), b = rgba(cs.backgroundColor);
        out.push({text: el.textContent, on: 'badge ' + el.className, fg: over(c, c[3], b), bg: b.slice(0, 3)});
    });
    return {scheme: document.body.getAttribute('data-md-color-scheme'), texts: out};
}"""


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_chart_text_and_badges_measured_in_the_browser(browser, viewport, scheme):
    """Every chart text (segment numbers, heat cells, legends, labels) and every state badge against what
    is painted under it, as the browser computes the colours."""
    pages = {None: ["", "agencies/", "themes/economy/", "agencies/big-data-bureau/"],
             PROGRESS_DATA: ["", "agencies/big-data-bureau/", "themes/economy/", "about/"]}
    low, seen, on_shapes, badges = [], 0, 0, 0
    for data, urls in pages.items():
        with serve(built_site(data)) as base, watched_page(browser, viewport=viewport, color_scheme=scheme) as (pg, watch):
            for url in urls:
                pg.goto(base + url)
                got = pg.evaluate(MEASURE)
                assert got["scheme"] == {"light": "default", "dark": "slate"}[scheme]
                for t in got["texts"]:
                    seen += 1
                    on_shapes += t["on"] not in ("page",) and not t["on"].startswith("badge")
                    badges += t["on"].startswith("badge")
                    ratio = contrast(t["fg"], t["bg"])
                    if ratio < 4.5:
                        low.append(f"/{url} {t['text']!r} on {t['on']}: {ratio:.2f}:1")
            assert watch.problems() == []
    print(f"\n{seen} texts ({on_shapes} on chart shapes, {badges} badges), {viewport['width']} px {scheme}: {len(low)} under 4.5:1")
    assert on_shapes >= 100 and badges >= 7
    assert low == []
