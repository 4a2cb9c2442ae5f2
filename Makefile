# Everything a maintainer does, one target each. Run `make help` for the list.
# Only Python 3.11+ and make are needed: the first target that needs the environment
# creates .venv and installs the pinned packages; later runs reuse it (it is rebuilt
# only when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EPISODES := $(sort $(wildcard episodes/[0-9]*.md))
LAB_ARGS ?=
SITE := _build/site

.PHONY: help lab test lint data figures expected bench site learner clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Run e.g. 'make PYTHON=python3.12 lab'."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m helpers.labsetup  # open the Markdown episodes as notebooks
	@touch $@

lab: $(STAMP)  ## Create the environment and open the lesson in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) $(firstword $(EPISODES))

test: $(STAMP) lint  ## Create the environment and run every test, offline
	tests/offline $(BIN)/python -m pytest

lint: $(STAMP)  ## Check the code style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

data: $(STAMP)  ## Regenerate the lesson's images and masks in data/
	$(BIN)/python data/generate.py

figures: $(STAMP)  ## Redraw the static figures in fig/
	$(BIN)/python fig/make_figures.py

expected: $(STAMP)  ## Re-execute the episodes into tests/expected/ (review the diff!)
	$(BIN)/python tests/episode_notebooks.py $(EPISODES)

bench: $(STAMP)  ## Run the benchmarks
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

site: $(STAMP)  ## Build the lesson's website into _build/site, executing every episode, offline
	tests/offline $(BIN)/sphinx-build -E -j auto -W --keep-going -q -c website -b html . $(SITE)
	@echo "The site is in $(SITE): open $(SITE)/index.html in a browser."

learner: $(STAMP)  ## Write code-along notebooks (no solutions, no outputs) into learner/
	$(BIN)/python website/learner_notebooks.py --out learner

clean:  ## Remove the environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache _build learner
