"""Put one locked set of Python packages into a virtual environment, exactly as locked.

    python3 scripts/setup_venv.py [--venv .venv] SET        (make check / make site / make test call it)

SET is ``check`` (requirements/check.txt: loading and checking the data), ``runtime`` (runtime.txt:
building the site) or ``dev`` (dev.txt: tests, lint, benchmark). Each holds the one before at the
same versions. ``zensical`` (zensical.txt: the third engine, at the runtime lock's versions of what
they share) goes into a venv of its own (``--venv .venv-zensical``). What it does, each step only
when needed:

1. Python: the locks cover CPython 3.11, 3.12 and 3.13 (Debian 12's and 13's python3). Another
   version stops here with one line saying which are supported and how to get one.
2. The venv: made with this Python (``-m venv``) when missing or made by another Python version.
3. The installer: uv, pinned with hashes in requirements/bootstrap.txt, installed by whatever pip the
   venv came with (``--require-hashes --no-deps``: pinned wheels, nothing to resolve; Debian 12's
   pip 23.0.1 does it; ``--no-compile``: uv compiles the whole venv next). What the index publishes
   later cannot change or break this step.
4. The set: ``uv pip sync`` of bootstrap.txt and the set's lock with hashes required: every package
   at its locked version, nothing resolved; a source distribution (feedgen) is built with the tools
   of build.txt, hashes checked too. Whatever else the venv holds is removed (a package dropped from
   the locks, such as jieba; the setuptools a Python 3.11 venv starts with). Then ``uv pip check``.
5. A venv that already holds a bigger set of the current locks is left alone (``make check`` after
   ``make test`` uninstalls nothing); after a lock changed, the bigger set is synced again.

The state is kept in ``<venv>/shandong-set.json``; when it matches, nothing runs (a few ms).

This file runs under the system's ``python3`` before anything is installed, so it uses the standard
library only, and syntax that Python 3.6 can still read (to say that it is too old, in ASCII: its
stdout may not be UTF-8).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQ = ROOT / "requirements"
SETS = ("check", "runtime", "dev")  # each holds the one before
ALONE = ("zensical",)  # a set for a venv of its own
PYTHONS = ((3, 11), (3, 12), (3, 13))  # the locks cover these (make lock; tests/test_setup.py)
BOOTSTRAP = REQ / "bootstrap.txt"
BUILD = REQ / "build.txt"
STATE = "shandong-set.json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def python_problem(version=None):
    """None for a supported Python, else the one line that says what to do."""
    version = tuple((version or sys.version_info)[:2])
    if version in PYTHONS:
        return None
    names = ", ".join(dotted(v) for v in PYTHONS[:-1]) + " and " + dotted(PYTHONS[-1])
    return (f"Python {dotted(version)} is not supported: the locks (requirements/*.txt) cover Python {names}. Use one: "
            f"make PYTHON=python{dotted(PYTHONS[-1])} ... (Debian 12 and 13: apt-get install python3 python3-venv; "
            f"elsewhere e.g. pyenv install {dotted(PYTHONS[-1])})")


def dotted(version):
    return ".".join(str(n) for n in version[:2])


def canonical(name):
    """A package's name as the locks and ``uv pip freeze`` compare (PEP 503: ``Foo_bar`` → ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{canonical name: version} of a lock (every ``name==version`` line)."""
    return {canonical(m.group(1)): m.group(2) for m in PIN.finditer(path.read_text(encoding="utf-8"))}


def digest(name):
    """What a venv of set ``name`` was made from: the installer's, the build tools' and the set's locks."""
    h = hashlib.sha256()
    for path in (BOOTSTRAP, BUILD, REQ / (name + ".txt")):
        h.update(path.read_bytes())
    return h.hexdigest()


def venv_python_version(venv):
    """'3.11' as written in the venv's pyvenv.cfg (None if there is none)."""
    try:
        text = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"^version(?:_info)?\s*=\s*(\d+)\.(\d+)", text, re.M)
    return ".".join(m.groups()) if m else None


def fail(message):
    print("setup_venv: " + message, file=sys.stderr)
    sys.exit(1)


def run(cmd, what, **kw):
    try:
        subprocess.run([str(c) for c in cmd], check=True, **kw)
    except (OSError, subprocess.CalledProcessError) as exc:
        fail(f"{what} failed ({exc})")


def output(cmd):
    try:
        return subprocess.run([str(c) for c in cmd], check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.CalledProcessError):
        return None


def make_venv(venv):
    if venv.exists():
        shutil.rmtree(str(venv))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except subprocess.CalledProcessError as exc:
        said = " ".join(exc.stdout.decode("utf-8", "replace").split())[:300]
        fail(f"{sys.executable} -m venv {venv} failed: {said} (on Debian: apt-get install python3-venv)")


def setup(name, venv):
    """Bring ``venv`` to set ``name`` (or leave the bigger set it holds). Returns what was done."""
    python = venv / "bin" / "python"
    here = dotted(sys.version_info)
    try:
        state = json.loads((venv / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if venv_python_version(venv) != here or output([python, "-c", "pass"]) is None:
        make_venv(venv)
        state = {}
    held = state.get("set")
    target = max(name, held, key=SETS.index) if held in SETS and name in SETS else name
    if state.get("digest") == digest(target) and held == target:
        return None

    started = time.monotonic()
    print(f"{venv}: installing the {target} set (requirements/{target}.txt) exactly as locked…", flush=True)
    uv = venv / "bin" / "uv"
    wanted = pins(BOOTSTRAP)["uv"]
    if (output([uv, "--version"]) or "").split()[1:2] != [wanted]:
        run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "--no-deps",
             "--no-compile", "-r", BOOTSTRAP], "installing the installer (pip install -r requirements/bootstrap.txt)")
    lock = REQ / (target + ".txt")
    run([uv, "pip", "sync", "--quiet", "--python", python, "--require-hashes", "--compile-bytecode",
         "--build-constraints", BUILD, BOOTSTRAP, lock], f"uv pip sync {lock.relative_to(ROOT)}")
    # uv pip sync leaves the packages a venv starts with (pip, setuptools): anything the locks do not hold goes.
    locked = set(pins(BOOTSTRAP)) | set(pins(lock))
    held_now = set(pins_of_freeze(output([uv, "pip", "freeze", "--python", python]) or ""))
    extra = sorted(held_now - locked)
    if extra:
        run([uv, "pip", "uninstall", "--quiet", "--python", python] + extra, "uv pip uninstall " + " ".join(extra))
    run([uv, "pip", "check", "--quiet", "--python", python], "uv pip check")
    (venv / STATE).write_text(json.dumps({"set": target, "digest": digest(target), "python": here}) + "\n", encoding="utf-8")
    return (f"{venv}: {target} set installed ({len(held_now & locked)} packages, Python {here}, uv {wanted})"
            f" in {time.monotonic() - started:.1f} s")


def pins_of_freeze(text):
    return {canonical(line.split("==")[0]) for line in text.splitlines() if "==" in line}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Install one locked package set into a venv, exactly as locked.")
    parser.add_argument("set", choices=SETS + ALONE)
    parser.add_argument("--venv", default=os.environ.get("VENV", ".venv"))
    args = parser.parse_args(argv)
    problem = python_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    done = setup(args.set, Path(args.venv).absolute())
    if done:
        print(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
