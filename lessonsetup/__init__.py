"""Setting up a computer for the lesson, for learners and instructors.

- :mod:`lessonsetup.configure`: make JupyterLab open the Markdown episodes as notebooks
  and keep it quiet offline (``python -m lessonsetup.configure``; ``make lab`` runs it);
- :mod:`lessonsetup.check`: check a learner's set-up before the workshop
  (``python -m lessonsetup.check``, or the ``lesson-check`` console script).
- :mod:`lessonsetup.server`: what the lesson's Jupyter server adds (episodes open without
  being marked unsaved; no 404 for the episodes' figures); ``configure`` switches it on.

None imports the ``helpers`` package; ``check`` runs when the lesson's packages are missing.
"""
