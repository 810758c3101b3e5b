"""Paths, settings and the site-address rule. Imports nothing of ours: every other stage may import it.

Settings come from the environment once, at the command line's entry (``Settings.from_env``), and are
passed down as values; nothing below reads the environment itself.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SCHEMAS = DATA / "schemas"
TEMPLATES = ROOT / "templates"
DOCS = ROOT / "docs"  # the hand-written pages and static assets
BUILD = ROOT / "build"
TREE = BUILD / "docs"  # the generated docs tree that every engine builds (python -m shandong.outputs.generate)
PDF_CACHE = BUILD / "pdf-cache"  # every brief's PDF by a digest of its HTML, CSS and renderer
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"

# kind of data file -> (path inside the data folder, its JSON Schema in data/schemas/)
FILES = {
    "agencies": ("agencies.yaml", "agencies.schema.json"),
    "themes": ("themes.yaml", "themes.schema.json"),
    "tasks": ("plan/tasks.yaml", "tasks.schema.json"),
    "measures": ("action-2020/measures.yaml", "measures.schema.json"),
    "progress": ("progress.yaml", "progress.schema.json"),
    "sources": ("sources.yaml", "sources.schema.json"),
}


def template_cache(name: str):
    """Jinja's cache of compiled templates for one environment (``build/jinja/NAME``): what ``__pycache__``
    is to Python, keyed by a template's name and checked against its source, so an edited template is
    compiled again. Compiling the site's templates costs ~0.3 s a process. One folder per environment:
    the key does not hold the environment's options (trim_blocks …), which change the compiled code."""
    import jinja2

    folder = BUILD / "jinja" / name
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def data_path(kind: str) -> str:
    """A data file as the repository names it, e.g. ``data/plan/tasks.yaml``."""
    return f"data/{FILES[kind][0]}"


# Placeholder addresses (RFC 2606), never the site's: a build with one of these has no public address.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")


def public_url(site_url: str | None) -> str:
    """The site's public address with a final slash, or "" when unset or a placeholder.

    The one rule for every absolute link the site publishes (canonical links, sitemap, feeds, the
    address printed on briefs): with no real address, those are left out, never invented."""
    url = (site_url or "").strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not url or parts.scheme not in ("http", "https") or not host:
        return ""
    if host in PLACEHOLDER_HOSTS or host.endswith(tuple("." + h for h in PLACEHOLDER_HOSTS)):
        return ""
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class Repo:
    """The repository host where editors change the data (``REPO_URL``, ``REPO_BRANCH``)."""

    url: str  # e.g. https://github.com/owner/name
    branch: str = "main"

    def view(self, file: str, line: int | None = None) -> str:
        return f"{self.url.rstrip('/')}/blob/{self.branch}/{file}" + (f"#L{line}" if line else "")

    def edit(self, file: str) -> str:
        return f"{self.url.rstrip('/')}/edit/{self.branch}/{file}"


def _origin() -> str:
    """The https address of the checkout's ``origin`` remote on GitHub, or ""."""
    try:
        out = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    url = out.stdout.strip() if out.returncode == 0 else ""
    if url.startswith("git@github.com:"):
        url = "https://github.com/" + url.removeprefix("git@github.com:")
    url = url.removesuffix(".git")
    return url if url.startswith("https://github.com/") else ""


@dataclass(frozen=True)
class Settings:
    """One build's settings."""

    data_dir: Path = DATA
    site_url: str = ""  # the public address (public_url), "" when unknown
    repo: Repo | None = None  # where the edit links point; None: no edit links
    pdf: bool = True  # briefs get PDFs (make serve: BRIEFS=1)

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Settings:
        """``SHANDONG_DATA`` (a data folder; tests build fixture datasets), ``SITE_URL``, ``REPO_URL`` and
        ``REPO_BRANCH`` (else the checkout's GitHub ``origin``, else no edit links), ``SHANDONG_BRIEFS=0``."""
        env = os.environ if environ is None else environ
        repo_url = env.get("REPO_URL", "").strip() or _origin()
        return cls(data_dir=Path(env.get("SHANDONG_DATA") or DATA),
                   site_url=public_url(env.get("SITE_URL")),
                   repo=Repo(repo_url, env.get("REPO_BRANCH", "").strip() or "main") if repo_url else None,
                   pdf=env.get("SHANDONG_BRIEFS", "1").strip() != "0")
