# Digital Shandong plan site. Every target sets itself up on a fresh Debian machine.
#   make serve   build and serve the site at http://127.0.0.1:8000 (reloads on data/ and templates/ changes)
#   make test    run every check (data, fidelity, build, links, browser, PDFs, exports, second engine)
#   make site    build the deployable site into site/
#   make check   validate the data
#   make bench   build benchmark at data ×1, ×3, ×10 against plain MkDocs → build/bench.json (BENCHMARKS.md)
#
# ENGINE=mkdocs (default) or ENGINE=properdocs: the engine that builds and serves the site
# (ENGINE=zensical builds it too: make site; tests/test_engines.py compares all three).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
ENGINE ?= mkdocs
export SHANDONG_ENGINE := $(ENGINE)
export PYTHONPATH := $(CURDIR)/scripts
export NO_MKDOCS_2_WARNING := 1
# Python keeps our own package's compiled modules in scripts/**/__pycache__ (gitignored), as it does by
# default; the venv's are compiled at install. A machine that sets PYTHONDONTWRITEBYTECODE would have every
# build process compile ~40 modules again (~0.2 s each time, measured: BENCHMARKS.md).
unexport PYTHONDONTWRITEBYTECODE

# Debian packages. Building the site: Noto CJK fonts and Pango for WeasyPrint (the PDF briefs).
# Tests only: Chromium (Playwright drives it; the search's own query logic is tested in it too) and
# poppler-utils (pdftotext reads the PDFs back).
DEBS_BUILD := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBS_TEST := chromium poppler-utils
# Each set's stamp is named by a digest of its list: a package added later installs on a machine
# that has the old stamp.
debs_stamp = $(STAMPS)/debs-$(firstword $(shell echo '$(sort $(1))' | sha256sum | cut -c1-12))
STAMP_DEBS_BUILD := $(call debs_stamp,$(DEBS_BUILD))
STAMP_DEBS_TEST := $(call debs_stamp,$(DEBS_TEST))

.PHONY: all serve site check test lint bench lock clean deps test-deps venv-check venv venv-dev debs debs-test \
        test-unit test-site test-browser test-engines hooks venv-zensical

all: site

$(STAMPS):
	mkdir -p $(STAMPS)

# Python packages: three locks with hashes, each holding the one before at the same versions (make lock):
# requirements/check.txt (loading and checking the data), runtime.txt (building the site; the deploy
# installs it), dev.txt (tests, lint, benchmark, ProperDocs). scripts/setup_venv.py puts one into .venv
# exactly as locked: uv, pinned with hashes in requirements/bootstrap.txt, installed by whatever pip the
# venv came with, then `uv pip sync` (nothing resolved; what the locks do not hold is removed). A venv
# holding a bigger set of the same locks is left alone. Supported Pythons: 3.11, 3.12, 3.13 (the script says).
SETUP_VENV := $(PYTHON) scripts/setup_venv.py --venv $(VENV)

$(STAMP_DEBS_BUILD): | $(STAMPS)
	dpkg -s $(DEBS_BUILD) >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS_BUILD); }
	touch $@

$(STAMP_DEBS_TEST): | $(STAMPS)
	dpkg -s $(DEBS_TEST) >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS_TEST); }
	touch $@

venv-check:                              # what make check needs (and the pre-commit hook)
	@$(SETUP_VENV) check
venv:                                    # what make site / make serve need
	@$(SETUP_VENV) runtime
venv-dev:                                # what make test needs
	@$(SETUP_VENV) dev
# The third engine, Zensical, in a venv of its own, set up the same way (requirements/zensical.in says
# why and which release).
venv-zensical:                           # what tests/test_engines.py needs for the third engine
	@$(PYTHON) scripts/setup_venv.py --venv .venv-zensical zensical
debs: $(STAMP_DEBS_BUILD)
debs-test: $(STAMP_DEBS_TEST)
deps: venv debs                          # what make site / make serve need
test-deps: venv-dev venv-zensical debs debs-test       # what make test needs

check: venv-check
	$(PY) -m shandong.data.check

site: deps
	$(PY) -m shandong.engine.build site

# Editors' preview, fastest without the PDF briefs (the printable HTML briefs stay); `make serve BRIEFS=1`
# includes them: the first build renders every PDF (cached), each rebuild only the briefs whose content changed.
BRIEFS ?= 0
serve: deps
	SITE_URL=http://127.0.0.1:8000/ SHANDONG_BRIEFS=$(BRIEFS) $(PY) -m shandong.engine.build --serve --dev-addr 127.0.0.1:8000

# Build benchmark (BENCHMARKS.md): pipeline vs plain MkDocs at k = 1, 3, 10; writes build/bench.json.
bench: test-deps
	$(PY) -m shandong.dev.bench

lint: venv-dev
	$(VENV)/bin/ruff check scripts tests

test: test-deps
	$(PY) -m shandong.data.check
	$(VENV)/bin/ruff check scripts tests
	$(PY) -m pytest

# The parts of make test, one per CI step so that a failure names its part
# (.github/workflows/pull-request.yml): tests without a build, build and links (both engines), browser.
test-unit: test-deps
	$(PY) -m pytest -m "not build and not browser"

test-site: test-deps
	$(PY) -m pytest -m "build and not browser"

test-browser: test-deps
	$(PY) -m pytest -m browser

# The other engines alone: ProperDocs and Zensical build the site and their pages are compared with MkDocs'.
test-engines: test-deps
	$(PY) -m pytest tests/test_engines.py

# Install the git pre-commit hooks of .pre-commit-config.yaml (YAML syntax, make check, ruff).
hooks: venv-dev
	$(VENV)/bin/pre-commit install

# Re-resolve every lock (with hashes) after changing a requirements/*.in: one lock for every supported
# Python (--universal from 3.11; one version of each package for all of them: --fork-strategy fewest),
# the biggest set first, each smaller one at its versions. The venv's uv (bootstrap.txt) does it.
UV_COMPILE := $(abspath $(VENV))/bin/uv pip compile --quiet --universal --python-version 3.11 --fork-strategy fewest \
              --generate-hashes --custom-compile-command "make lock"
lock: venv-check
	cd requirements && $(UV_COMPILE) dev.in -o dev.txt
	cd requirements && $(UV_COMPILE) runtime.in -c dev.txt -o runtime.txt
	cd requirements && $(UV_COMPILE) check.in -c runtime.txt -o check.txt
	cd requirements && $(UV_COMPILE) bootstrap.in -o bootstrap.txt
	cd requirements && $(UV_COMPILE) build.in -o build.txt
	cd requirements && $(UV_COMPILE) zensical.in -o zensical.txt

clean:
	rm -rf site build $(STAMPS)
