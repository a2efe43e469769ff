# journeymap — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export JOURNEYMAP_STORE ?= sqlite:///journeymap.db

.PHONY: demo test lint unit install clean bench system-deps screenshots

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "journeymap needs Python 3.11+"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[all,dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/journeymap demo --maps maps

lint: $(STAMP)
	$(VENV)/bin/ruff check journeymap api tests benchmarks
	$(VENV)/bin/mypy --strict journeymap api

# The JavaScript libraries the export tests read exports back with (Cytoscape.js), from the lock file.
JS_DEPS := tests/js/node_modules/.package-lock.json
$(JS_DEPS): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund

unit: $(STAMP) $(JS_DEPS)
	$(PY) -m pytest

# Debian packages the tests drive: graphviz (dot -Tsvg), headless Chromium for the map page, a
# CJK font (WenQuanYi Zen Hei) so the fixtures' Chinese names render in DOT and the map, not as boxes,
# and a Java runtime for the Spark ingest engine (Spark 4 runs on Java 17).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	{ command -v chromedriver >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromedriver ]; } || missing="$$missing chromium-driver"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	fc-list ':charset=4e2d 6587' 2>/dev/null | grep -q . || missing="$$missing fontconfig fonts-wqy-zenhei"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Screenshots of every fixture's map for docs/ (system-deps' CJK font makes the Chinese names legible).
screenshots: $(STAMP) system-deps
	$(PY) docs/make_screenshots.py

test: system-deps lint unit

# speed comparisons (never part of `make test`); one BLAS thread: the targets are for one core
bench: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) journeymap.db journeymap.db-* .pytest_cache .mypy_cache .ruff_cache
