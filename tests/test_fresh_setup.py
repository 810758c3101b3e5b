"""The set-up for real (issue 17): the Makefile's venv recipe run into scratch venvs, from the oldest pips
we must live with, with an index that offers releases newer than the locks.

- pip 23.0.1 is what Debian 12's python3-venv puts into a venv (the workflows' debian:bookworm); 23.2.1 is
  what this kind of machine's own python3 brings. The recipe must install exactly the locked versions
  from either, whatever the index holds: here a find-links folder (pip and uv both read it) with a
  version 99 of locked packages, of uv and pip themselves, and jieba, which the locks dropped.
- ``make check`` needs only requirements/check.txt, and gives its verdict from a venv holding nothing else.
- The locks cover every supported Python: uv finds a wheel for each locked package at its locked version
  (feedgen aside: it ships only its source, built with the tools of requirements/build.txt, not with
  the setuptools 99 the index offers).

Each scratch venv's index options are the test's own (pip's and uv's configuration files and variables
set aside; PIP_CERT and the like kept: they say whom to trust, not where to look); the package caches are
the machine's (make test-deps has just filled them), so a run downloads little. Old pips come from PyPI.
"""
from __future__ import annotations

import base64
import ensurepip
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.markers import Marker

from shandong import ROOT

pytestmark = pytest.mark.slow

REQ = ROOT / "requirements"
BASE_PYTHON = sys._base_executable  # the Python that made .venv: the machine's python3
NEWER = "99.0.0"
SHOWN_AS_NEWER = ["fonttools", "pyyaml", "jsonschema", "mkdocs", "uv", "pip", "setuptools"]


def lock(name: str, python: str | None = None) -> dict[str, str]:
    """{name: version} of a lock's entries whose markers hold for ``python`` (default: this one)."""
    env = {} if python is None else {"python_version": ".".join(python.split(".")[:2]), "python_full_version": python}
    out = {}
    for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?: ; ([^\\\n]+?))?\s*\\?$",
                         (REQ / name).read_text(encoding="utf-8"), re.M):
        if m[3] is None or Marker(m[3]).evaluate(env):
            out[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[2]
    return out


def wheel(folder: Path, name: str, version: str) -> None:
    """A pure-Python wheel of ``name`` at ``version`` that only says so."""
    dist = f"{name.replace('-', '_')}-{version}"
    files = {f"{name.replace('-', '_')}_fake/__init__.py": f"VERSION = {version!r}\n",
             f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = [f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b'=').decode()},{len(t.encode())}"
              for p, t in files.items()]
    files[f"{dist}.dist-info/RECORD"] = "\n".join([*record, f"{dist}.dist-info/RECORD,,"]) + "\n"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as z:
        for p, t in files.items():
            z.writestr(p, t)


@pytest.fixture(scope="module")
def newer(tmp_path_factory) -> Path:
    """A find-links folder with releases newer than the locks, and jieba."""
    folder = tmp_path_factory.mktemp("newer")
    for name in SHOWN_AS_NEWER:
        wheel(folder, name, NEWER)
    wheel(folder, "jieba", "0.42.1")
    return folder


def isolated(newer: Path) -> dict[str, str]:
    """The environment without the machine's index options: only ``newer`` beside PyPI."""
    keep = {"PIP_CERT", "PIP_CLIENT_CERT", "PIP_DEFAULT_TIMEOUT", "UV_NATIVE_TLS", "UV_HTTP_TIMEOUT"}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_")) or k in keep}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_FIND_LINKS": str(newer), "UV_FIND_LINKS": str(newer), "UV_PYTHON_DOWNLOADS": "never"}


def run(cmd: list, env: dict, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def installed(venv: Path) -> dict[str, str]:
    """{name: version} of every distribution in the venv, as its own Python sees them."""
    code = "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    out = subprocess.run([venv / "bin" / "python", "-c", code], capture_output=True, text=True, check=True).stdout
    return {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in json.loads(out).items()}


def make(target: str, venv: Path, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    return run(["make", "--no-print-directory", target, f"VENV={venv}", f"STAMPS={tmp_path / 'stamps'}", f"PYTHON={BASE_PYTHON}"], env)


def check_answers(venv: Path, env: dict) -> None:
    """The check set alone checks: the broken fixture gets its every message, exactly."""
    broken = ROOT / "tests" / "fixtures" / "broken"
    got = run([venv / "bin" / "python", "-m", "shandong.data.check", broken], {**env, "PYTHONPATH": str(ROOT / "scripts")})
    assert got.returncode == 1
    assert got.stdout == (broken / "expected.txt").read_text(encoding="utf-8")


# On Python 3.11, Debian 12's pip builds the site's set (make venv: what make site and the deploy install) and
# this machine's pip the check set (make check). With the Makefile before issue 17 both failed: pip 23.x in
# --require-hashes mode rejected WeasyPrint's fonttools[woff]>=4.59.2 once a fonttools newer than the lock was
# on the index (make check installed the site's set too then). Those pips do not run on a newer Python: there
# (the scheduled workflow's newest Debian stable) the oldest pip to live with is the one its venv brings.
OLD_PIPS = ["23.0.1", "23.2.1"] if sys.version_info[:2] == (3, 11) else [ensurepip.version()] * 2


@pytest.mark.parametrize("old_pip, target, lock_name", [(OLD_PIPS[0], "venv", "runtime.txt"), (OLD_PIPS[1], "check", "check.txt")])
def test_a_locked_set_installs_as_locked_from_an_old_pip_and_a_newer_index(tmp_path, newer, old_pip, target, lock_name):
    env = isolated(newer)
    venv = tmp_path / ".venv"
    assert run([BASE_PYTHON, "-m", "venv", "--without-pip", venv], env).returncode == 0
    pip = [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet"]
    for what in (f"pip=={old_pip}", "jieba"):  # the old pip, and a package a venv made before may hold
        got = run([*pip, what], env)
        assert got.returncode == 0, got.stderr
    assert installed(venv)["pip"] == old_pip and "jieba" in installed(venv)

    got = make(target, venv, env, tmp_path)
    assert got.returncode == 0, got.stdout + got.stderr
    assert installed(venv) == {**lock("bootstrap.txt"), **lock(lock_name)}  # jieba gone, no version 99
    if target == "check":
        assert got.stdout.splitlines()[-1] == "data OK: 51 tasks, 43 measures, 56 agencies, 5 themes; 0 errors"
        check_answers(venv, env)
    else:  # make check after make site: the bigger set stays, nothing is done
        again = make("venv-check", venv, env, tmp_path)
        assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
        assert installed(venv) == {**lock("bootstrap.txt"), **lock(lock_name)}


def test_make_check_in_a_fresh_clone_makes_its_venv_with_the_check_lock_only(tmp_path, newer):
    """No venv yet: make check makes one with the machine's python3 (and the pip it brings), installs
    check.txt and nothing else, and gives the verdict."""
    env = isolated(newer)
    venv = tmp_path / ".venv"
    got = make("check", venv, env, tmp_path)
    assert got.returncode == 0, got.stdout + got.stderr
    assert got.stdout.splitlines()[-1] == "data OK: 51 tasks, 43 measures, 56 agencies, 5 themes; 0 errors"
    assert installed(venv) == {**lock("bootstrap.txt"), **lock("check.txt")}
    assert "weasyprint" not in installed(venv) and "mkdocs" not in installed(venv)
    check_answers(venv, env)


@pytest.mark.parametrize("python", ["3.11.0", "3.12.0", "3.13.0"])
def test_every_locked_package_has_a_wheel_for_each_supported_python(python, newer):
    """What a machine with that Python installs, resolved by uv for Linux x86_64 (glibc 2.36, Debian 12)
    with wheels only: the dev lock holds every other lock. feedgen ships only its source (pure Python)."""
    uv = ROOT / ".venv" / "bin" / "uv"
    got = run([uv, "pip", "compile", "--quiet", "--no-header", "--no-annotate", "--python-version", python,
               "--python-platform", "x86_64-manylinux_2_36", "--only-binary", ":all:", "--no-binary", "feedgen",
               "--build-constraints", REQ / "build.txt", REQ / "dev.txt"], isolated(newer))
    assert got.returncode == 0, got.stderr
    resolved = {re.sub(r"[-_.]+", "-", a).lower(): b for a, b in re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+)", got.stdout, re.M)}
    assert resolved == lock("dev.txt", python)
