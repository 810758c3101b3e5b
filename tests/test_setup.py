"""The set-up as files: locked requirements with hashes, split into runtime and development; what
make site / make serve install (not Chromium, not the test packages); Debian stamps that follow their
package list; the engine as a setting. Read from the Makefile with make's dry run, nothing installed."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from shandong import ROOT
from shandong.engine.build import engine, engine_command

REQ = ROOT / "requirements"
TEST_ONLY = {"pytest", "hypothesis", "playwright", "ruff", "pre-commit", "pyinstrument", "check-jsonschema",
             "properdocs"}


def pins(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)}


def dry_run(*args: str) -> str:
    """What make would run, every recipe included (-B), nothing run (-n)."""
    run = subprocess.run(["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def hashed_entries(name: str) -> int:
    """The number of pinned entries of a lock, each checked to carry its hashes."""
    text = (REQ / name).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1] if text.startswith("#") else text)
    entries = [b for b in blocks if re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*==", b)]
    for b in entries:
        assert "--hash=sha256:" in b, b.splitlines()[0]
    assert "pip-compile" in text and "--generate-hashes" in text
    return len(entries)


@pytest.mark.parametrize("name", ["runtime.txt", "dev.txt"])
def test_every_pin_has_hashes(name):
    assert hashed_entries(name) == len(pins(REQ / name)) > 20


def test_zensical_has_its_own_hashed_lock_and_venv_and_the_runtime_sets_markdown_code():
    """The third engine: locked with hashes, installed by make test into .venv-zensical (never .venv), its
    Markdown packages at the runtime lock's versions (both engines render with the same code)."""
    zensical, runtime = pins(REQ / "zensical.txt"), pins(REQ / "runtime.txt")
    assert hashed_entries("zensical.txt") == len(zensical) and zensical["zensical"] == "0.0.73"
    shared = set(zensical) & set(runtime)
    assert {"markdown", "pymdown-extensions", "pygments", "jinja2", "pyyaml"} <= shared
    assert {k: zensical[k] for k in shared} == {k: runtime[k] for k in shared}
    assert "mkdocs" not in zensical and "zensical" not in runtime and "zensical" not in pins(REQ / "dev.txt")
    out = dry_run("test")
    assert ".venv-zensical/bin/python -m pip install" in out and "--require-hashes -r requirements/zensical.txt" in out
    assert "zensical" not in dry_run("site")


def test_runtime_holds_no_test_package_and_dev_holds_runtime_at_the_same_versions():
    runtime, dev = pins(REQ / "runtime.txt"), pins(REQ / "dev.txt")
    assert not TEST_ONLY & set(runtime), TEST_ONLY & set(runtime)
    assert TEST_ONLY <= set(dev)
    assert {k: dev.get(k) for k in runtime} == runtime
    for name in ("feedgen", "opencc", "weasyprint", "mkdocs", "pypdf"):
        assert name in runtime, name
    assert "-r runtime.in" in (REQ / "dev.in").read_text(encoding="utf-8")


def test_site_and_serve_install_the_runtime_set_and_the_build_packages_only():
    for target in ("site", "deps", "check"):
        out = dry_run(target)
        assert "requirements/runtime.txt" in out and "--require-hashes" in out, target
        assert "dev.txt" not in out and "chromium" not in out and "poppler" not in out, target
    assert "fonts-noto-cjk" in dry_run("site")


def test_test_installs_dev_set_chromium_and_poppler():
    out = dry_run("test")
    assert "requirements/dev.txt" in out and "--require-hashes" in out
    assert "chromium" in out and "poppler-utils" in out
    assert "npm" not in out


def test_debian_stamp_is_named_by_its_package_list():
    def stamp(*overrides: str) -> str:
        return re.search(r"touch (\.stamps/debs-[0-9a-f]+)", dry_run("debs", *overrides))[1]

    assert stamp() == stamp()
    assert stamp() != stamp("DEBS_BUILD=fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu")


def test_engine_is_a_setting(monkeypatch):
    monkeypatch.delenv("SHANDONG_ENGINE", raising=False)
    assert engine() == "mkdocs" and engine_command("build")[1:] == ["-m", "mkdocs", "build"]
    monkeypatch.setenv("SHANDONG_ENGINE", "properdocs")
    assert engine_command("serve")[1:3] == ["-m", "properdocs"]
    assert engine_command("build", name="zensical") == [str(ROOT / ".venv-zensical" / "bin" / "zensical"), "build"]
    monkeypatch.setenv("SHANDONG_ENGINE", "sphinx")
    with pytest.raises(ValueError, match="unknown engine"):
        engine()
    database = subprocess.run(["make", "-n", "-p", "site", "ENGINE=properdocs"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "SHANDONG_ENGINE := properdocs" in database.splitlines()


def test_no_code_names_the_engine_command():
    """build.py holds the only `-m mkdocs`: everything else goes through engine_command."""
    hits = [p.name for p in (ROOT / "scripts" / "shandong").glob("*.py")
            if re.search(r'"-m",\s*"mkdocs"', p.read_text(encoding="utf-8"))]
    assert hits == []
    assert "-m mkdocs" not in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_warnings_of_our_code_are_errors_and_those_of_other_packages_are_shown():
    """pyproject's filters: a warning raised in our own code fails the test; one of a third-party
    package is shown in the summary, not raised."""
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.warn_explicit("theirs", DeprecationWarning, "site-packages/somepackage/x.py", 1, module="somepackage.x")
    assert [str(w.message) for w in seen] == ["theirs"]
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("ours", DeprecationWarning, "scripts/shandong/x.py", 1, module="shandong.x")


def test_jieba_is_neither_locked_nor_installed():
    """Material's search plugin segments every section of the search index with jieba whenever it can
    import it (build time; \\u200b all over search_index.json); the site's search worker matches
    substrings and needs no segmentation. So no lock has jieba, the venv recipes remove it from a venv
    made before, and this environment cannot import it."""
    import importlib.util

    for name in ("runtime.txt", "dev.txt"):
        assert "jieba" not in pins(REQ / name), name
    for target in ("venv", "venv-dev"):
        assert re.search(r"pip uninstall .*\bjieba\b", dry_run(target)), target
    assert importlib.util.find_spec("jieba") is None, "jieba is importable here: rm -rf .venv .stamps/venv-*; make venv-dev"
