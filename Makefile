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
export PYTHONDONTWRITEBYTECODE := 1
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

# Debian packages. Building the site: Noto CJK fonts and Pango for WeasyPrint (the PDF briefs).
# Tests only: Chromium (Playwright drives it) and poppler-utils (pdftotext reads the PDFs back).
DEBS_BUILD := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBS_TEST := chromium poppler-utils
# Each set's stamp is named by a digest of its list: a package added later installs on a machine
# that has the old stamp.
debs_stamp = $(STAMPS)/debs-$(firstword $(shell echo '$(sort $(1))' | sha256sum | cut -c1-12))
STAMP_DEBS_BUILD := $(call debs_stamp,$(DEBS_BUILD))
STAMP_DEBS_TEST := $(call debs_stamp,$(DEBS_TEST))

.PHONY: all serve site check test lint bench lock clean deps test-deps venv venv-dev debs debs-test \
        test-unit test-site test-browser test-engines hooks venv-zensical

all: site

$(STAMPS):
	mkdir -p $(STAMPS)

# Python packages, locked with hashes (make lock): requirements/runtime.txt is what a build needs
# (the deploy installs only that); requirements/dev.txt adds tests, lint, benchmark and ProperDocs.
# pip install -r only adds: packages taken out of the locks on purpose are removed from a venv made
# before. jieba: Material's search plugin segments the whole index whenever it can import it.
DROPPED := jieba
PIP_DROP := $(PY) -m pip uninstall --quiet --quiet --yes --disable-pip-version-check $(DROPPED)
$(STAMPS)/venv-runtime: requirements/runtime.txt | $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	if [ $(STAMPS)/venv-dev -nt requirements/runtime.txt ]; then \
	  echo "runtime packages: already installed with the dev set"; else $(PIP_INSTALL) -r requirements/runtime.txt; fi
	$(PIP_DROP)
	touch $@

$(STAMPS)/venv-dev: requirements/dev.txt | $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/dev.txt
	$(PIP_DROP)
	touch $@

$(STAMP_DEBS_BUILD): | $(STAMPS)
	dpkg -s $(DEBS_BUILD) >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS_BUILD); }
	touch $@

$(STAMP_DEBS_TEST): | $(STAMPS)
	dpkg -s $(DEBS_TEST) >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS_TEST); }
	touch $@

# The third engine, Zensical, in a venv of its own (requirements/zensical.in says why and which release).
ZVENV := .venv-zensical
$(STAMPS)/venv-zensical: requirements/zensical.txt | $(STAMPS)
	test -x $(ZVENV)/bin/python || $(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/zensical.txt
	touch $@

venv: $(STAMPS)/venv-runtime
venv-dev: $(STAMPS)/venv-dev
venv-zensical: $(STAMPS)/venv-zensical
debs: $(STAMP_DEBS_BUILD)
debs-test: $(STAMP_DEBS_TEST)
deps: venv debs                          # what make site / make serve need
test-deps: venv-dev venv-zensical debs debs-test       # what make test needs

check: venv
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

# Re-resolve the locks (with hashes) after changing requirements/runtime.in or requirements/dev.in.
PIP_COMPILE := build/lockenv/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
               --no-emit-index-url --no-emit-find-links
lock:
	test -x build/lockenv/bin/pip-compile || { $(PYTHON) -m venv build/lockenv && build/lockenv/bin/pip install --quiet pip-tools==7.6.2; }
	cd requirements && ../$(PIP_COMPILE) --output-file runtime.txt runtime.in
	cd requirements && ../$(PIP_COMPILE) --output-file dev.txt dev.in
	cd requirements && ../$(PIP_COMPILE) --output-file zensical.txt zensical.in

clean:
	rm -rf site build $(STAMPS)
