"""The lesson's website (``make site``): Sphinx's configuration and extension, the live
explorers, the learners' notebooks.

Every module is imported as ``website.<name>``, with the repository's root on ``sys.path``:
``conf.py`` puts it there for Sphinx and, through ``PYTHONPATH``, for the kernels that
execute the episodes; pytest's ``pythonpath`` does it for the tests.
"""
