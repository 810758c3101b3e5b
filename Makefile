# Digital Shandong plan site. Every target sets itself up on a fresh Debian machine.
#   make serve   build and serve the site at http://127.0.0.1:8000 (reloads on data/ and templates/ changes)
#   make test    run every check (data, fidelity, build, links, browser, PDFs, exports)
#   make site    build the deployable site into site/
#   make check   validate the data
#   make bench   build benchmark at data ×1, ×3, ×10 against plain MkDocs → build/bench.json (BENCHMARKS.md)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
DEBS := chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
export PYTHONPATH := $(CURDIR)/scripts
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all serve site check test lint bench lock clean deps venv debs test-unit test-site test-browser hooks npm

all: site

$(STAMPS):
	mkdir -p $(STAMPS)

# Python packages, pinned by requirements.txt (the full resolved set; direct ones in requirements.in).
$(STAMPS)/venv: requirements.txt | $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Debian packages: Chromium for browser tests, Noto CJK fonts, poppler-utils, Pango for WeasyPrint.
$(STAMPS)/debs: | $(STAMPS)
	dpkg -s $(DEBS) >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS); }
	touch $@

# Test-only JavaScript (axe-core, injected into pages by tests/test_a11y.py), pinned by package-lock.json.
$(STAMPS)/npm: package.json package-lock.json | $(STAMPS)
	command -v npm >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(STAMPS)/venv
debs: $(STAMPS)/debs
npm: $(STAMPS)/npm
deps: venv debs

check: venv
	$(PY) -m shandong.check

site: deps
	$(PY) -m shandong.build site

# Editors' preview: rebuilds in about 2 s after a data edit. PDF briefs are left out
# (printable HTML briefs stay); `make serve BRIEFS=1` includes them (about 15 s per rebuild).
BRIEFS ?= 0
serve: deps
	SITE_URL=http://127.0.0.1:8000/ SHANDONG_BRIEFS=$(BRIEFS) $(PY) -m mkdocs serve --strict --dev-addr 127.0.0.1:8000

# Build benchmark (BENCHMARKS.md): pipeline vs plain MkDocs at k = 1, 3, 10; writes build/bench.json.
bench: deps
	$(PY) -m shandong.bench

lint: venv
	$(VENV)/bin/ruff check scripts tests

test: deps $(STAMPS)/npm
	$(PY) -m shandong.check
	$(VENV)/bin/ruff check scripts tests
	$(PY) -m pytest

# The parts of make test, one per CI step so that a failure names its part
# (.github/workflows/pull-request.yml): tests without a build, build and links, browser.
test-unit: venv
	$(PY) -m pytest -m "not build and not browser"

test-site: deps
	$(PY) -m pytest -m "build and not browser"

test-browser: deps $(STAMPS)/npm
	$(PY) -m pytest -m browser

# Install the git pre-commit hooks of .pre-commit-config.yaml (YAML syntax, make check, ruff).
hooks: venv
	$(VENV)/bin/pre-commit install

# Re-resolve the pins after changing requirements.in.
lock:
	rm -rf build/lockenv && $(PYTHON) -m venv build/lockenv
	build/lockenv/bin/pip install --quiet -r requirements.in
	build/lockenv/bin/pip freeze --exclude-editable > requirements.txt

clean:
	rm -rf site build $(STAMPS)
