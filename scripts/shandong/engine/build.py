"""Build the site, or serve it while editing: generate the docs tree, then let the engine build it.

    python -m shandong.engine.build [DEST]          (make site: DEST is site/)
    python -m shandong.engine.build --serve [--dev-addr HOST:PORT]     (make serve)

``make site``: the data is checked and the tree written (``outputs.generate``), the briefs' PDFs made
(``outputs.pdf``) and the briefs page written again with the PDFs' sizes and pages, then
the engine builds the tree strictly into a temporary folder beside DEST, which replaces DEST only when
the build succeeded: a failed build never leaves a half-built site.

``make serve``: the tree is generated, the engine serves it; this process watches ``data/``, ``templates/``
and ``docs/`` and generates the tree again after each save, writing only the files whose content changed,
and the engine rebuilds only those pages (its documented ``--dirty`` mode: every page's text is in the tree,
so a page whose file did not change has not changed; when ``mkdocs.yml``, ``overrides/`` or the dataset's
dates in ``build/mkdocs.yml`` change, every page of the tree is marked changed, so all are rebuilt). With
PDFs on (``BRIEFS=1``), the PDF step follows each generation in the background: the page reloads first,
the changed brief's PDF a moment later, and the briefs page is written again when that step ends (it
lists the PDFs' sizes). A save that breaks the data prints every problem and keeps the
last good site.

The engine is a setting: ``$SHANDONG_ENGINE`` (``make … ENGINE=…``), ``mkdocs`` by default,
``properdocs`` (a maintained fork of MkDocs 1.x that reads the same configuration), or ``zensical``
(builds only, not ``make serve``): it runs from its own virtual environment (``.venv-zensical``, ``make
venv-zensical``) and reads the same ``build/mkdocs.yml`` through a few lines of its own (``zensical_config``).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..config import DOCS, ROOT, TEMPLATES, TREE, Settings
from ..data.check import DataError
from ..outputs.generate import Generated, config_path, generate, refresh_briefs_page

ENGINES = ("mkdocs", "properdocs", "zensical")
# Zensical's dependencies are not MkDocs': it has a virtual environment of its own (requirements/zensical.in).
ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"
SERVE_POLL_S = 0.1  # make serve: how often data/, templates/ and docs/ are looked at
DIRTY_WARNING = "A 'dirty' build is being performed"  # MkDocs' words on every --dirty rebuild


class BuildError(RuntimeError):
    """The engine failed; the message holds its output."""


def engine(name: str | None = None) -> str:
    """The engine's name: ``name``, else $SHANDONG_ENGINE, else ``mkdocs``."""
    name = name or os.environ.get("SHANDONG_ENGINE") or "mkdocs"
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r} (expected one of {', '.join(ENGINES)}; set ENGINE=… or SHANDONG_ENGINE=…)")
    return name


def engine_command(*args: str, name: str | None = None) -> list[str]:
    """The command that runs the engine with ``args`` (e.g. ``build --strict``): MkDocs and ProperDocs
    in this Python, Zensical from its own virtual environment."""
    if engine(name) == "zensical":
        return [str(ZENSICAL), *args]
    return [sys.executable, "-m", engine(name), *args]


def zensical_config(config: Path, site_dir: Path) -> Path:
    """Zensical's configuration for building ``config`` into ``site_dir``, written beside ``config``.

    Zensical reads ``build/mkdocs.yml`` as it is (INHERIT, docs_dir, theme.custom_dir, extra, not_in_nav,
    the Markdown extensions, strict); these lines add only what it needs besides:
    - ``site_dir``: it has no option for it, and the folder must lie inside the configuration's folder;
    - its ``classic`` theme variant, Material's look (its default, ``modern``, restyles header and headings)."""
    config, site_dir = Path(config).resolve(), Path(site_dir).resolve()
    path = site_dir.with_name(f"{site_dir.name}.yml")
    path.write_text(f"INHERIT: {config.name}\nsite_dir: {site_dir.relative_to(config.parent).as_posix()}\n"
                    "theme:\n  variant: classic\n", encoding="utf-8")
    return path


def engine_env(extra: dict | None = None) -> dict:
    """The engine's environment: our package importable (mkdocs.yml names its Markdown extension)."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), **(extra or {})}


def engine_build(config: Path, dest: Path, engine_name: str | None = None, extra_env: dict | None = None,
                 quiet: bool = False) -> float:
    """The engine builds the tree of ``config`` into ``dest`` (atomically); returns seconds.
    Raises ``BuildError`` with the engine's output on failure."""
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    zensical = engine(engine_name) == "zensical"
    if zensical and not ZENSICAL.exists():
        raise BuildError(f"{ZENSICAL.relative_to(ROOT)} is missing: make venv-zensical installs it")
    # Zensical writes only inside its configuration's folder (see zensical_config), the others beside dest.
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=Path(config).resolve().parent if zensical else dest.parent))
    if zensical:
        args = ["--strict", "--clean", "-f", str(zensical_config(config, tmp))]  # --clean: its cache
    else:
        args = ["--strict", "--clean", "-f", str(config), "-d", str(tmp)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(engine_command("build", *args, name=engine_name),
                              cwd=ROOT, env=engine_env(extra_env), capture_output=True, text=True)
    finally:
        if zensical:
            Path(args[-1]).unlink()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        output = re.sub(r"\x1b\[[0-9;]*m", "", f"{proc.stdout}{proc.stderr}")  # Zensical colours its messages
        raise BuildError(f"{output}\nbuild failed: {dest} left as it was")
    if not quiet:
        sys.stderr.write(proc.stderr)
    old = dest.with_name(f".{dest.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    shutil.move(tmp, dest)  # a rename, but from Zensical's folder on another file system
    shutil.rmtree(old, ignore_errors=True)
    return seconds


def build(dest: Path, settings: Settings | None = None, tree: Path = TREE, engine_name: str | None = None,
          extra_env: dict | None = None, quiet: bool = False) -> dict:
    """Generate the tree, make the PDFs (``settings.pdf``), build the site into ``dest``. Returns timings
    in seconds. Raises ``DataError`` (nothing written) or ``BuildError`` (``dest`` left as it was)."""
    settings = settings or Settings.from_env()
    t0 = time.perf_counter()
    generated = generate(tree, settings)
    t1 = time.perf_counter()
    if settings.pdf:
        from ..config import PDF_CACHE
        from ..outputs.generate import BRIEFS, last_changed
        from ..outputs.pdf import write_pdfs  # WeasyPrint: only when PDFs are made

        write_pdfs(generated.model, Path(tree) / BRIEFS, settings.site_url, last_changed(settings), cache_dir=PDF_CACHE)
        refresh_briefs_page(tree, generated)  # the briefs page now shows the PDFs' sizes and pages
    t2 = time.perf_counter()
    engine_s = engine_build(config_path(tree), dest, engine_name, extra_env, quiet)
    return {"generate": t1 - t0, "pdf": t2 - t1, "engine": engine_s}


# ---------------------------------------------------------------------------
# make serve


def _snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file under ``folders``: (mtime, size)."""
    out = {}
    for folder in folders:
        for p in folder.rglob("*") if folder.is_dir() else [folder]:
            if p.is_file():
                st = p.stat()
                out[str(p)] = (st.st_mtime_ns, st.st_size)
    return out


class Server:
    """``make serve``: the engine's development server over the tree, the tree generated again on every save."""

    def __init__(self, settings: Settings, dev_addr: str, engine_name: str | None = None, tree: Path = TREE):
        self.settings, self.dev_addr, self.engine_name, self.tree = settings, dev_addr, engine_name, tree
        self.watched = [Path(settings.data_dir), TEMPLATES, DOCS]
        self.theme = [ROOT / "mkdocs.yml", ROOT / "overrides", config_path(tree)]  # what every page is made with
        self.engine: subprocess.Popen | None = None
        self.pdf: subprocess.Popen | None = None
        self.generated: Generated | None = None  # the last good generation (the PDF step works from its tree)

    @staticmethod
    def relay(lines) -> None:
        """The engine's messages, but its warning that --dirty rebuilds only changed pages (see above)."""
        with lines:  # closed at the end of the engine's output
            for line in lines:
                if DIRTY_WARNING not in line:
                    sys.stderr.write(line)
                    sys.stderr.flush()

    def touch_all(self) -> None:
        """Mark every page of the tree changed, so that the engine's --dirty rebuild remakes them all."""
        now = time.time()
        for page in Path(self.tree).rglob("*.md"):
            os.utime(page, (now, now))

    def generate(self) -> bool:
        """Generate the tree (then the PDF step in the background); on bad data print every problem and keep
        the last tree. True if it worked."""
        try:
            result = self.generated = generate(self.tree, self.settings)
        except DataError as exc:
            print(f"the data has problems; the site shows the last good data until they are fixed:\n{exc}", flush=True)
            return False
        if result.written or result.removed:
            print(f"generated in {result.seconds:.2f} s: {len(result.written)} files written, {len(result.removed)} removed",
                  flush=True)
        if self.settings.pdf:
            self.start_pdfs()
        return True

    def pdfs_done(self) -> bool:
        """True once when the background PDF step has ended well: the briefs page is then written again,
        with the new PDFs' sizes and pages."""
        if self.pdf is not None and self.pdf.poll() == 0:
            self.pdf = None
            return True
        return False

    def start_pdfs(self) -> None:
        """The PDF step in the background (a newer one replaces one still running: cached PDFs are kept)."""
        if self.pdf is not None and self.pdf.poll() is None:
            self.pdf.terminate()
            self.pdf.wait()
        self.pdf = subprocess.Popen([sys.executable, "-m", "shandong.outputs.pdf", str(self.tree)], cwd=ROOT,
                                    env=engine_env(), start_new_session=True)

    def run(self) -> int:
        # Stopped by SIGTERM (a supervisor, the benchmark) as by Ctrl-C: the engine and the PDF step go too.
        if threading.current_thread() is threading.main_thread():  # (a test may run a server in a thread)
            signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        if not self.generate():
            return 1
        config = config_path(self.tree)
        # The engine watches the tree and its configuration by itself; also mkdocs.yml and the theme overrides.
        # Not --strict: MkDocs warns on every --dirty rebuild (make site and CI build strictly).
        cmd = engine_command("serve", "--dirty", "--no-strict", "-f", str(config), "--dev-addr", self.dev_addr,
                             "-w", str(ROOT / "mkdocs.yml"), "-w", str(ROOT / "overrides"), name=self.engine_name)
        print(" ".join(cmd[2:]), file=sys.stderr, flush=True)
        self.engine = subprocess.Popen(cmd, cwd=ROOT, env=engine_env(), start_new_session=True, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self.relay, args=(self.engine.stdout,), daemon=True).start()
        seen, theme = _snapshot(self.watched), _snapshot(self.theme)
        try:
            while self.engine.poll() is None:
                time.sleep(SERVE_POLL_S)
                now = _snapshot(self.watched)
                if now != seen:
                    seen = now
                    self.generate()
                elif self.pdfs_done() and self.generated is not None:
                    refresh_briefs_page(self.tree, self.generated)
                if (now := _snapshot(self.theme)) != theme:
                    theme = now
                    self.touch_all()
            return self.engine.returncode or 0
        except KeyboardInterrupt:
            return 0
        finally:
            for child in (self.engine, self.pdf):
                if child is not None and child.poll() is None:
                    os.killpg(child.pid, signal.SIGTERM)
                    child.wait()


def main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m shandong.engine.build", description=__doc__.splitlines()[0])
    p.add_argument("dest", nargs="?", type=Path, default=ROOT / "site", help="where the site goes (default: site/)")
    p.add_argument("--serve", action="store_true", help="serve the site while editing (make serve)")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="with --serve: the address to serve at")
    p.add_argument("--tree", type=Path, default=TREE, help="where the generate step writes the docs tree (default: build/docs)")
    args = p.parse_args(argv)
    settings = Settings.from_env()
    if os.environ.get("SHANDONG_DEPLOY") == "1" and not settings.site_url:
        # The published site's canonical links, sitemap, feeds and briefs need its real address; never invent one.
        print(f"SITE_URL is {os.environ.get('SITE_URL', '')!r}: the deploy needs the site's public address "
              "(https://…/, not a placeholder); nothing was built.", file=sys.stderr)
        return 1
    if args.serve and engine() == "zensical":
        print("make serve: ENGINE=mkdocs or properdocs (Zensical builds the site but its server is not wired in)", file=sys.stderr)
        return 2
    if args.serve:
        return Server(settings, args.dev_addr, tree=args.tree).run()
    try:
        times = build(args.dest, settings, tree=args.tree, extra_env={"HTMLPROOFER": os.environ.get("HTMLPROOFER", "true")})
    except DataError as exc:
        print(exc)
        return 1
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    files = [p for p in args.dest.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"built {args.dest}/ in {sum(times.values()):.1f} s (generate {times['generate']:.1f} s, PDFs {times['pdf']:.1f} s, "
          f"{engine()} {times['engine']:.1f} s): {len(files)} files, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
