"""``make serve`` (engine/build.py ``Server``): the tree is generated again on every save of the data, the
engine serves it; bad data prints every problem and keeps the last good site; Ctrl-C stops it all quietly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from shandong import ROOT
from shandong.dev.bench import free_port

pytestmark = [pytest.mark.build, pytest.mark.slow]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, text: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> str:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        page = _get(url)
        if page is not None and text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}:\n{log.read_text(errors='replace')[-3000:]}")


def _serve(tmp_path: Path, data: Path | None, port: int, log) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1", "SHANDONG_BRIEFS": "0",
           "SITE_URL": f"http://127.0.0.1:{port}/"}
    if data is not None:
        env["SHANDONG_DATA"] = str(data)
    return subprocess.Popen([sys.executable, "-m", "shandong.engine.build", "--serve", "--dev-addr", f"127.0.0.1:{port}",
                             "--tree", str(tmp_path / "tree" / "docs")], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _serving(port: int) -> list[int]:
    """The processes whose command line serves on this port (from /proc: no procps needed)."""
    out = []
    for d in Path("/proc").iterdir():
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if d.name.isdigit() and f"127.0.0.1:{port}".encode() in cmd:
            out.append(int(d.name))
    return out


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_follows_edits_and_keeps_the_last_good_site(tmp_path, copy_data):
    data = copy_data(tmp_path / "data")
    port = free_port()
    log = tmp_path / "serve.log"
    agencies = data / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    old = "Shandong Big Data Bureau"
    assert old in text
    url = f"http://127.0.0.1:{port}/agencies/big-data-bureau/"
    with open(log, "wb") as out:
        proc = _serve(tmp_path, data, port, out)
        try:
            _wait_for(url, old, proc, log)
            agencies.write_text(text.replace(old, f"{old} first edit", 1), encoding="utf-8")
            _wait_for(url, f"{old} first edit", proc, log)
            # A bad edit: an id that is not a slug. Every problem is printed, the last good site stays.
            agencies.write_text(text.replace("id: big-data-bureau", "id: Big Data Bureau", 1), encoding="utf-8")
            start = time.monotonic()
            while "the data has problems" not in log.read_text(encoding="utf-8", errors="replace"):
                assert time.monotonic() - start < 120 and proc.poll() is None, log.read_text(errors="replace")[-3000:]
                time.sleep(0.2)
            time.sleep(1.0)
            printed = log.read_text(encoding="utf-8", errors="replace")
            assert "data/agencies.yaml:" in printed and "errors" in printed
            assert f"{old} first edit" in (_get(url) or "")
            agencies.write_text(text.replace(old, f"{old} fixed", 1), encoding="utf-8")
            _wait_for(url, f"{old} fixed", proc, log)
        finally:
            _stop(proc)
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in printed, printed[-3000:]
    assert "not included in the" not in printed  # per-item pages are outside the nav on purpose (not_in_nav)


def test_serve_starts_nothing_on_bad_data_and_says_why(tmp_path, copy_data):
    data = copy_data(tmp_path / "data")
    path = data / "plan" / "tasks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("theme: government", "theme: govt", 1), encoding="utf-8")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = _serve(tmp_path, data, free_port(), out)
        try:
            assert proc.wait(timeout=120) == 1
        finally:
            _stop(proc)
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "data/plan/tasks.yaml:" in printed and "unknown theme 'govt'" in printed and "Traceback" not in printed


def test_ctrl_c_stops_make_serve_quietly(tmp_path):
    """Ctrl-C reaches the terminal's process group: the server stops with its engine, without a traceback."""
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = _serve(tmp_path, None, port, out)
        try:
            _wait_for(f"http://127.0.0.1:{port}/agencies/big-data-bureau/", "Shandong Big Data Bureau", proc, log)
            assert len(_serving(port)) >= 2  # the driver and the engine's server
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            _stop(proc)
    time.sleep(0.5)
    assert _serving(port) == [], "the engine's server outlived make serve"
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in printed and "KeyboardInterrupt" not in printed, printed[-3000:]
