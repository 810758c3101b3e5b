"""The build's worker (shandong.prebuild): the data work runs in a second process while MkDocs
converts the pages. What must still hold:

- bad data stops the build with every problem the checker lists, and nothing is written into the
  site, whether the main process can read the files (broken-progress) or not (broken);
- the files registered with MkDocs before the worker writes them are exactly the files written;
- ``make serve`` keeps one worker across rebuilds: an edit is served, a bad edit is reported with
  its problems while the last good site stays, and the fix is served again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from shandong import ROOT
from shandong.dev.bench import free_port
from shandong.engine.build import engine_command

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(ROOT / "scripts" / "shandong"))  # mkdocs_hooks, as mkdocs.yml loads it


def test_parts_cut_the_pages_in_order():
    from shandong.prebuild import PART, parts

    assert PART == 40  # the sizes below are worked out for parts of 40
    paths = [f"p{i}.md" for i in range(95)]
    assert parts(paths) == [paths[0:40], paths[40:80], paths[80:95]]
    assert parts(paths[:40]) == [paths[:40]]
    assert parts([]) == []


def test_registered_artifact_names_are_the_files_written(tmp_path):
    """site.artifact_names (what the hook registers at on_files) against what the writers write."""
    from shandong import briefs, exports
    from shandong.site import get_data

    for data in (ROOT / "data", FIXTURES / "progress-data"):
        docs, model = get_data(data)
        out = tmp_path / data.name
        briefs.write_briefs(model, out / "briefs", pdf=False)
        exports.write_downloads(model, docs, out / "data")
        written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        expected = sorted([f"briefs/{n}" for n in briefs.output_names(model, pdf=False)]
                          + [f"data/{n}" for n in exports.download_names(model)])
        assert written == expected
        assert len([n for n in written if n.endswith(".html")]) == len(model.agencies)
    with_pdf = briefs.output_names(model, pdf=True)
    assert with_pdf[-1] == "all.pdf" and len(with_pdf) == 2 + 2 * len(model.agencies)


def _broken_progress(to: Path) -> Path:
    shutil.copytree(FIXTURES / "progress-data", to, dirs_exist_ok=True)
    for name in ("progress.yaml", "sources.yaml"):
        shutil.copyfile(FIXTURES / "broken-progress" / name, to / name)
    return to


@pytest.mark.build
@pytest.mark.parametrize("fixture", ["broken", "broken-progress"])
def test_bad_data_stops_the_engine_with_every_problem(tmp_path, fixture):
    """The engine itself (not make site, which checks first): every line of the fixture's expected
    report is printed, and the site folder gets no page."""
    data = FIXTURES / "broken" if fixture == "broken" else _broken_progress(tmp_path / "data")
    expected = (FIXTURES / fixture / "expected.txt").read_text(encoding="utf-8").splitlines()
    out = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1", "SHANDONG_DATA": str(data),
           "SHANDONG_BRIEFS": "0", "SHANDONG_ARTIFACTS": str(tmp_path / "artifacts")}
    proc = subprocess.run(engine_command("build", "--strict", "-d", str(out)), cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    printed = proc.stdout + proc.stderr
    assert "the data has problems" in printed
    missing = [line for line in expected if line not in printed.splitlines()]
    assert missing == []
    assert "Traceback" not in printed
    assert not list(out.rglob("*.html"))


def _wait_for(url: str, text: str, proc: subprocess.Popen, timeout: float = 120) -> str:
    start = time.monotonic()
    while time.monotonic() - start < timeout and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                page = r.read().decode("utf-8")
            if text in page:
                return page
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}")


@pytest.mark.build
@pytest.mark.slow
def test_serve_rebuilds_with_one_worker(tmp_path, copy_data):
    data = copy_data(tmp_path / "data")
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1", "SHANDONG_DATA": str(data),
           "SHANDONG_BRIEFS": "0", "SHANDONG_ARTIFACTS": str(tmp_path / "artifacts"),
           "SITE_URL": f"http://127.0.0.1:{port}/"}
    agencies = data / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    old = "Shandong Big Data Bureau"
    assert old in text
    url = f"http://127.0.0.1:{port}/agencies/big-data-bureau/"
    with open(log, "wb") as out:
        proc = subprocess.Popen(engine_command("serve", "--strict", "--dev-addr", f"127.0.0.1:{port}", "--watch", str(data)),
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for(url, old, proc)
            agencies.write_text(text.replace(old, f"{old} first edit", 1), encoding="utf-8")
            _wait_for(url, f"{old} first edit", proc)
            # A bad edit: an id that is not a slug. The problems are printed, the last good site stays.
            agencies.write_text(text.replace("id: big-data-bureau", "id: Big Data Bureau", 1), encoding="utf-8")
            start = time.monotonic()
            while "the data has problems" not in log.read_text(encoding="utf-8", errors="replace"):
                assert time.monotonic() - start < 120 and proc.poll() is None, log.read_text(errors="replace")[-3000:]
                time.sleep(0.2)
            time.sleep(0.5)
            assert "data/agencies.yaml:" in log.read_text(encoding="utf-8", errors="replace")
            agencies.write_text(text.replace(old, f"{old} fixed", 1), encoding="utf-8")
            _wait_for(url, f"{old} fixed", proc)
            assert proc.poll() is None
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in printed, printed[-3000:]
    # The generated pages are outside the navigation on purpose: no list of them on every rebuild.
    assert "not included in the" not in printed


# ---------------------------------------------------------------------------
# Charts go into the page after Markdown and after the search index (render.svg_slot)


def test_svg_slots_are_filled_and_cannot_be_forged():
    from shandong import render

    render.take_svgs()
    a, b = render.svg_slot('<svg id="a"><text>甲</text></svg>'), render.svg_slot('<svg id="b"/>')
    svgs = render.take_svgs()
    assert len(svgs) == 2 and render.take_svgs() == {}
    page = f"<p>前</p>{a}<div>{b}</div>{a}<p>后</p>"
    assert render.fill_svgs(page, svgs) == '<p>前</p><svg id="a"><text>甲</text></svg><div><svg id="b"/></div><svg id="a"><text>甲</text></svg><p>后</p>'
    assert render.fill_svgs("<p>no chart</p>", svgs) == "<p>no chart</p>"
    with pytest.raises(KeyError):
        render.fill_svgs(str(a), {})
    # Data text is escaped: it can never hold a slot.
    assert '<span data-ds-svg="' not in render.esc(str(a))


@pytest.mark.build
def test_built_pages_hold_every_chart_and_no_slot(site, model):
    from bs4 import BeautifulSoup

    pages = list(site.rglob("*.html"))
    assert [p for p in pages if "data-ds-svg" in p.read_text(encoding="utf-8")] == []
    # Every agency page has its two progress charts, each in a wide and a narrow layout.
    for aid in model.agencies:
        doc = BeautifulSoup((site / "agencies" / aid / "index.html").read_text(encoding="utf-8"), "html.parser")
        for by in ("theme", "role"):
            fig = doc.find("figure", id=f"chart-status-{by}-{aid}")
            assert fig is not None, (aid, by)
            assert len(fig.select(".ds-chart-wide > svg")) == 1 and len(fig.select(".ds-chart-narrow > svg")) == 1, (aid, by)


@pytest.mark.build
def test_search_index_leaves_out_chart_drawings_but_keeps_their_captions(site):
    import json

    from bs4 import BeautifulSoup

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = "".join(d["title"] + d["text"] for d in index["docs"]).replace("\u200b", "")
    doc = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    fig = doc.select_one("figure.ds-chart:not([data-search-exclude] *)")
    assert fig is not None
    desc = fig.find("desc").get_text()
    assert len(desc) > 20 and desc not in text
    caption = fig.find("figcaption").get_text()
    assert caption and caption in text


def test_serve_polls_the_edited_files_every_tenth_of_a_second():
    """on_serve shortens the watcher's interval for the folders watched after it (data/, templates/,
    scripts/), and leaves a watcher without that attribute alone."""
    import mkdocs_hooks
    from watchdog.observers.polling import PollingObserver

    class Server:
        def __init__(self, observer):
            self.observer = observer

    server = Server(PollingObserver(timeout=0.5))
    assert mkdocs_hooks.on_serve(server, None, None) is server
    assert server.observer.timeout == pytest.approx(0.1)
    other = Server(object())
    assert mkdocs_hooks.on_serve(other, None, None) is other


@pytest.mark.build
@pytest.mark.slow
def test_ctrl_c_stops_make_serve_quietly(tmp_path):
    """Ctrl-C reaches every process of the terminal's group, the worker too: the server stops, and the
    worker ends without a traceback of its own."""
    import signal

    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1", "SHANDONG_BRIEFS": "0",
           "SHANDONG_ARTIFACTS": str(tmp_path / "artifacts"), "SITE_URL": f"http://127.0.0.1:{port}/"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(engine_command("serve", "--dev-addr", f"127.0.0.1:{port}"), cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for(f"http://127.0.0.1:{port}/agencies/big-data-bureau/", "Shandong Big Data Bureau", proc)
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in printed and "KeyboardInterrupt" not in printed, printed[-3000:]
