# Everything a maintainer does, one target each. Run `make help` for the list.
# Only Python 3.11+ and make are needed: the first target that needs the environment
# creates .venv and installs the pinned packages; later runs reuse it (it is updated
# only when pyproject.toml or lessonsetup/configure.py changes). Two stamps: `make lab` installs
# the lesson alone (LEARNER); `make test` and the maintainers' targets add the test extra
# (TESTING).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LEARNER := $(VENV)/.installed
TESTING := $(VENV)/.installed-test
EPISODES := $(sort $(wildcard episodes/[0-9]*.md))
LAB_ARGS ?=
# JupyterLab's root is the repository, so that the file browser reaches episodes/, data/,
# fig/ and learner/ and the episodes' ../fig images load (a file argument would make the
# root episodes/); it opens the first episode, in the browser it starts and at the address
# it prints, with the file browser at the root (/lesson/PATH: see lessonsetup/server.py).
# Build folders are hidden, as well as JupyterLab's default globs.
HIDE_GLOBS := __pycache__ *.pyc *.pyo .DS_Store *~ *.egg-info _build
LAB_OPTIONS := '--ServerApp.root_dir=$(CURDIR)' \
  '--LabApp.default_url=/lesson/$(firstword $(EPISODES))' \
  $(foreach glob,$(HIDE_GLOBS),'--ContentsManager.hide_globs=$(glob)')
SITE := _build/site

.PHONY: help lab test test-quick lint data figures expected bench site learner clean

help:  ## List the targets, and what each one removes or overwrites
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(LEARNER): pyproject.toml lessonsetup/configure.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Run e.g. 'make PYTHON=python3.12 lab'."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/python -m lessonsetup.configure  # episodes open as notebooks; quiet, local kernels
	@touch $@

# the lesson, plus pytest, nbval, ruff, Playwright, Sphinx and Dask
$(TESTING): $(LEARNER)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

lab: $(LEARNER)  ## Create the learner environment and open the lesson in JupyterLab
	$(BIN)/jupyter lab $(LAB_OPTIONS) $(LAB_ARGS)

# `make test` spreads the tests over TEST_JOBS processes (pytest-xdist), a module's tests in
# one of them, the slowest modules first (tests/conftest.py). Three on two cores: the browser
# tests spend much of their time waiting on JupyterLab and chromium, and a third process fills
# those gaps (compare: `time make test TEST_JOBS=2`).
TEST_JOBS ?= 3
test: $(TESTING) lint  ## Create the test environment and run every test, offline
	tests/offline $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadscope --no-loadscope-reorder

test-quick: $(TESTING) lint  ## Every test but the browser, website and slow ones (under a minute)
	tests/offline $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadscope -m "not browser and not site and not slow"

lint: $(TESTING)  ## Check the code style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

data: $(LEARNER)  ## Regenerate the lesson's images and masks, overwriting those in data/
	$(BIN)/python data/generate.py

figures: $(LEARNER)  ## Redraw the static figures, overwriting those in fig/
	$(BIN)/python fig/make_figures.py

expected: $(TESTING)  ## Re-execute the episodes, overwriting tests/expected/ (review the diff!)
	$(BIN)/python -m tests.support.episode_notebooks $(EPISODES)

bench: $(TESTING)  ## Run the benchmarks
	for script in $(basename $(notdir $(wildcard benchmarks/[a-z]*.py))); do \
	  $(BIN)/python -m benchmarks.$$script || exit 1; done

# One Sphinx process: it executes one episode at a time, so that a kernel starting on a busy
# machine answers within nbclient's minute (myst-nb has no setting to lengthen it).
# SITE_JOBS=auto runs one process per core.
SITE_JOBS ?= 1
site: $(TESTING)  ## Build the lesson's website into _build/site, executing every episode (their files in _build/execution), offline
	tests/offline $(BIN)/sphinx-build -E -j $(SITE_JOBS) -W --keep-going -q -c website -b html . $(SITE)
	@echo "The site is in $(SITE): open $(SITE)/index.html in a browser."

# A learner types into these notebooks: one already there is kept (the command says which);
# FORCE=1 replaces them all, saying so.
learner: $(LEARNER)  ## Write the code-along notebooks missing from learner/ (FORCE=1: rewrite all, losing edits)
	$(BIN)/python website/learner_notebooks.py --out learner $(if $(FORCE),--force)

# Never learner/ (a learner's own work) nor results/ (what the episodes wrote).
clean:  ## Remove .venv, _build and the tool caches (keeps learner/ and results/)
	rm -rf $(VENV) .pytest_cache .ruff_cache _build
