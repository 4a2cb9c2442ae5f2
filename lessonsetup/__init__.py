"""Setting up a computer for the lesson, for learners and instructors.

- :mod:`lessonsetup.configure`: make JupyterLab open the Markdown episodes as notebooks
  and keep it quiet offline (``python -m lessonsetup.configure``; ``make lab`` runs it);
- :mod:`lessonsetup.check`: check a learner's set-up before the workshop
  (``python -m lessonsetup.check``, or the ``lesson-check`` console script).

Neither imports the ``helpers`` package, so both run when lesson packages are missing.
"""
