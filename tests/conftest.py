"""Fixtures shared by the test modules. Nothing here does work at import time: the model, the
site build and the browser are made the first time a test asks for them.

- ``model``: the checked model of data/ (once per run);
- ``copy_data``: a function copying the data files of data/ into a folder (tests edit the copy);
- ``site``: the site built from data/ with the link checker on (once per run, ``sitetools.built_site``);
- ``site_url``: that site served on 127.0.0.1;
- ``browser``: Debian's Chromium through Playwright, one per test module.

Tests compare the checker's output line by line; in GitHub Actions (GITHUB_ACTIONS=true) the checker
also prints annotations, so the tests run without that variable (test_check.py sets it where it tests them).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def pytest_configure(config):
    os.environ.pop("GITHUB_ACTIONS", None)


@pytest.fixture(scope="session")
def model():
    from shandong.data.check import load_checked

    return load_checked()


def _copy_data(to: Path) -> Path:
    """Copy every data file of data/ (not the schemas or sources) into ``to``; returns ``to``."""
    from shandong.config import DATA, FILES

    for rel, _schema in FILES.values():
        (to / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / rel, to / rel)
    return to


@pytest.fixture(scope="session")
def copy_data() -> Callable[[Path], Path]:
    return _copy_data


@pytest.fixture(scope="session")
def site() -> Path:
    from sitetools import built_site

    return built_site()


@pytest.fixture(scope="session")
def site_url(site):
    from sitetools import serve

    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")  # module: tests that start Playwright themselves must not run inside its loop
def browser():
    from browsing import chromium

    with chromium() as b:
        yield b
