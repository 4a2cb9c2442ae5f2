"""Run by each kernel that executes an episode for the website (``conf.py`` sets
``PYTHONSTARTUP`` to this file): the explorers also show as live explorers on the page."""

import live_explorers  # beside this file: IPython puts its folder on sys.path while it runs

live_explorers.register(get_ipython())  # noqa: F821 (IPython defines it for startup files)
del live_explorers
