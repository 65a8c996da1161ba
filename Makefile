# Two set-up commands on a fresh machine: `make run` and `make test`.
# Each creates .venv when missing and (re)installs the project only when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint format package clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	@echo "Installing Inkling (the first install compiles llama.cpp: several minutes)…"
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	@echo "Installing Inkling with its test tools (the first install compiles llama.cpp: several minutes)…"
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

$(VENV)/.installed-package: pyproject.toml $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,package]'
	@touch $@

run: $(VENV)/.installed-run
	$(VENV)/bin/inkling $(FILE)

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# One-folder app in dist/inkling/ (and, on Linux, dist/inkling-linux-<arch>.tar.gz). Windows and
# macOS builds are made on those systems with the same spec.
package: $(VENV)/.installed-package
	$(VENV)/bin/pyinstaller --noconfirm --clean pyinstaller.spec
	@if [ "$$(uname -s)" = Linux ]; then packaging/strip_python.sh && packaging/make_tarball.sh; fi

clean:
	rm -rf build dist .pytest_cache
