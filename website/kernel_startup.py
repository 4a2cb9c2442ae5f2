"""Run by each kernel that executes an episode for the website (``conf.py`` sets
``PYTHONSTARTUP`` to this file): the explorers also show as live explorers on the page."""

from website import live_explorers  # conf.py puts the repository's root on PYTHONPATH

# IPython defines get_ipython in the namespace it runs this file in (pytest, collecting
# website/, does not)
shell = globals().get("get_ipython", lambda: None)()
if shell is not None:
    live_explorers.register(shell)
del live_explorers, shell  # the episode's namespace stays its own
