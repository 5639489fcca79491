# The two commands of the README: `make pdfs` builds every handout, `make test` runs the whole suite.
# Both set up everything first: the Debian packages the build needs (when run as root), a virtual
# environment in .venv and the Python packages from pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# libpango-1.0-0, libpangoft2-1.0-0: the text layout WeasyPrint is built on (not on PyPI).
# libharfbuzz-subset0: fast font subsetting (WeasyPrint falls back to fontTools, ~10 s per CJK PDF).
# fonts-noto-cjk: Chinese has no font package on PyPI. python3-venv: Debian's Python needs it for venv.
# gettext: GNU msgmerge, which `update` merges catalogs with (as Poedit does), and msgfmt, which the
# tests run over every catalog (the standard tools must accept them).
# chromium: the tests open the index page and the web pages in a real browser (through Playwright,
# which is told to use this one: `playwright install` downloads a browser, and that is not allowed).
# mupdf-tools, ghostscript: the tests draw the PDFs with MuPDF and Ghostscript beside pdfium, as
# viewers, printer drivers and print servers do (a font one of them draws wrong fails the suite).
# liblouis20, liblouis-data: the braille translator and its tables (handoutpress.louis calls the library);
# liblouis-bin: its lou_translate and lou_checktable, to try a table by hand before naming it in clinic.yaml.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext chromium \
	mupdf-tools ghostscript liblouis20 liblouis-data liblouis-bin

.PHONY: pdfs test setup system lint clean

# Every handout in every language, in both print sizes and both themes (dist/<lang>/<id>[.variant].pdf),
# each translation also beside its English (<id>.bilingual[.variant].pdf); with booklets, web pages,
# thumbnails, a braille file of each handout (<id>.brf, for an embosser) and dist/index.html.
VARIANTS := --size standard --size extra-large --theme default --theme reverse --bilingual --braille

pdfs: $(VENV)/.installed
	$(BIN)/python build_pdfs.py $(VARIANTS)

# Only the environment, for translators (TRANSLATING.md): no PDFs, no test run.
setup: $(VENV)/.installed

test: $(VENV)/.installed-test
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check --fix .
	$(BIN)/python -m ruff format .

system:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "warning: please install these Debian packages (sudo apt-get install$$missing)"; \
	  fi; \
	fi

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "error: '$(PYTHON) -m venv' failed: install python3-venv (sudo apt-get install python3-venv)"; \
	    exit 1; \
	  fi; }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | system $(BIN)/python
	$(BIN)/python -m pip install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | system $(BIN)/python
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@ $(VENV)/.installed

clean:
	rm -rf dist .cache
