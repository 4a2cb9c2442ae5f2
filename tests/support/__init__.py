"""Code the tests and the benchmarks share: executed episodes, synthetic root photographs,
a private JupyterLab and a headless chromium.

Imported as ``tests.support.<module>`` from the repository's root: pytest puts the root on
``sys.path`` (``pythonpath`` in pyproject.toml), and the benchmarks run as modules from it
(``python -m benchmarks.rootmass``).
"""
