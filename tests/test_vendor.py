"""Vendored third-party files are the published ones: pinned version, checked digest."""
from __future__ import annotations

import hashlib
from pathlib import Path

VENDOR = Path(__file__).parent / "vendor"
# axe-core 4.14.1: the digest of axe.min.js, equal to the SRI that the package's own sri-history.json gives for it.
AXE = ("axe-core/axe.min.js", "4.14.1", "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c")


def test_axe_core_is_the_pinned_release():
    rel, version, sha256 = AXE
    data = (VENDOR / rel).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256
    assert data.startswith(f"/*! axe v{version}".encode())
    assert (VENDOR / "axe-core" / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License")
