# The two commands of the README. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cuplik demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/render.py

# moviepy for the comparison stage of make eval, in a virtualenv of its own: it pins
# pillow < 12, which the service is not held to.
.venv-moviepy/.installed:
	$(PYTHON) -m venv .venv-moviepy
	.venv-moviepy/bin/pip install --quiet 'moviepy>=2'
	touch $@

# The scoreboard of issue 11: one table per stage (eval/__main__.py), non-zero on a missed goal.
# The render stages take about 40 minutes on 2 cores; `python -m eval --only ranking
# --only ranking-held-out` leaves them out.
eval: $(STAMP) .venv-moviepy/.installed
	$(BIN)/python -m eval --json bench/baselines/eval.json --markdown bench/baselines/eval.md

clean:
	rm -rf $(VENV) .venv-moviepy var
