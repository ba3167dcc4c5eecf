# The two commands of the README: `make demo` and `make test`. Both set everything up
# on a fresh Debian 12 / Raspberry Pi OS machine that has python3 and python3-venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: demo test lint bench screenshots clean pi-check

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kiosk demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# README pictures: every screen (Hôtel de ville in fr and en, CCAS in fr, en and ar) and a
# printed ticket, from the real code.
screenshots: $(STAMP)
	$(BIN)/kiosk screenshots --config config/hdv.toml --out docs/screens --size 800x480
	$(BIN)/kiosk screenshots --config config/hdv.toml --out docs/screens --size 1080x1920
	$(BIN)/kiosk screenshots --config config/hdv.toml --out docs/screens --size 1024x600
	$(BIN)/kiosk screenshots --config config/ccas.toml --out docs/screens/ccas --size 800x480
	$(BIN)/kiosk screenshots --config config/ccas.toml --out docs/screens/ccas --size 1080x1920
	$(BIN)/kiosk screenshots --config config/ccas.toml --out docs/screens/ccas --size 1024x600
	$(BIN)/python docs/images/render_ticket.py

# The test suite on arm64 under qemu-user (docs/pi-check.md); root, slow, not part of CI.
pi-check:
	bash .ci/pi-check

clean:
	rm -rf $(VENV) demo-out .pytest_cache .ruff_cache .mypy_cache .hypothesis
