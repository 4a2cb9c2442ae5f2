"""Run by each kernel that executes an episode for the website (``conf.py`` sets
``PYTHONSTARTUP`` to this file): the explorers also show as live explorers on the page."""

import live_explorers  # beside this file: IPython puts its folder on sys.path while it runs
from IPython import get_ipython

shell = get_ipython()
if shell is not None:  # None when imported outside IPython (pytest's doctest collection)
    live_explorers.register(shell)
del live_explorers, shell  # the episode's namespace stays its own
