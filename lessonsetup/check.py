"""Check a learner's set-up before the workshop: ``python -m lessonsetup.check``
(or the ``lesson-check`` console script).

Prints one line per check, a tick or a cross, and for every cross the exact command that
fixes it. Exit status 0 when everything is in place, 1 otherwise.

What it checks:

- Python is 3.11 or newer;
- every package the lesson pins is installed, at the pinned version (the pins are read from
  the installed ``thresholding-lesson-helpers`` distribution, i.e. from ``pyproject.toml``,
  so they are written down in one place only): the learner's packages, which `make lab`
  installs, not the extras for the tests, the website or Dask;
- the JupyterLab extensions that draw widgets and interactive figures are installed and
  not disabled;
- JupyterLab opens the Markdown episodes as notebooks (:mod:`lessonsetup.configure`);
- the lesson's data folder holds every image its manifest lists.

It runs, and prints crosses rather than a traceback, on any Python 3.8 or newer with none of
the lesson's packages: that is when a learner needs it most. Run from a Python outside any
environment (the system's, say), each cross's fix is the command that runs the check in
the lesson's environment (``.venv/bin/lesson-check``) or creates it (``make lab``). So the
module uses the standard library of Python 3.8 only, and ``packaging`` (which JupyterLab
installs) where it is there.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TextIO

from lessonsetup.configure import SETTINGS, overrides_path

#: The distribution that carries the lesson's pins (this folder's pyproject.toml).
DISTRIBUTION = "thresholding-lesson-helpers"
#: JupyterLab extensions the episodes need, and the package that installs each.
LAB_EXTENSIONS = {
    "@jupyter-widgets/jupyterlab-manager": "ipywidgets",
    "jupyter-matplotlib": "ipympl",
    # episode 7's stroke drawing (stackview.annotate draws on an ipycanvas, with ipyevents)
    "ipycanvas": "ipycanvas",
    "ipyevents": "ipyevents",
}
#: How to rebuild everything at once, for either route.
REBUILD = "`make lab` (or, with conda: `conda env update -f environment.yml`)"
#: How to get a Python that the lesson can use.
NEWER_PYTHON = (
    "install Python 3.11 or newer, then `make PYTHON=python3.11 lab` and "
    "`.venv/bin/lesson-check` (or, with conda: `conda env create -f environment.yml`)"
)

_REPOSITORY = Path(__file__).resolve().parent.parent
_PYPROJECT = _REPOSITORY / "pyproject.toml"
_VENV = _REPOSITORY / ".venv"


def data_folder() -> Path:
    """The lesson's data folder, as :func:`helpers.data_dir` finds it.

    Found without importing ``helpers`` (which needs the lesson's packages, and the check
    must run when some are missing): ``THRESHOLDING_DATA`` if it is set, else ``data/`` in
    the repository. The tests check that both give the same folder.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> data_folder().name
    'data'
    """
    override = os.environ.get("THRESHOLDING_DATA")
    if override:
        return Path(override).expanduser().resolve()
    return _REPOSITORY / "data"


@dataclass(frozen=True)
class Result:
    """The outcome of one check.

    Attributes
    ----------
    ok : bool
        True when the check passed.
    what : str
        What was checked, and what was found.
    fix : str
        What to run when the check failed (empty when it passed).
    """

    ok: bool
    what: str
    fix: str = ""


def parse_pins(requirements: Iterable[str]) -> dict[str, str]:
    """The ``name==version`` pins among requirement strings, leaving out optional extras.

    Parsed with :class:`packaging.requirements.Requirement`; a requirement whose marker
    does not hold here (an extra's, another platform's) is left out. Where ``packaging``
    is missing (a bare Python, when the lesson's packages are not installed), only the
    plain ``name==version`` form and extras' markers are understood.

    Parameters
    ----------
    requirements : iterable of str
        Requirement strings as :func:`importlib.metadata.requires` returns them.

    Returns
    -------
    dict of str to str
        Package name to pinned version, in the order given.

    Examples
    --------
    >>> parse_pins(["numpy==2.4.6", 'pytest==9.2.0; extra == "test"', "tqdm>=4"])
    {'numpy': '2.4.6'}
    """
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return _parse_plain_pins(requirements)
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        if len(specifiers) == 1 and specifiers[0].operator in ("==", "==="):
            pins[requirement.name] = specifiers[0].version
    return pins


def _parse_plain_pins(requirements: Iterable[str]) -> dict[str, str]:
    """:func:`parse_pins` without ``packaging``: ``name==version``, no extra's marker."""
    pins = {}
    for text in requirements:
        requirement, _, marker = text.partition(";")
        name, equals, version = requirement.partition("==")
        if equals and "extra" not in marker and not any(c in name for c in "<>!~=[ "):
            pins[name.strip()] = version.strip()
    return pins


def _pyproject_requirements() -> list[str] | None:
    """The dependencies in ``pyproject.toml``, or None when this Python cannot read TOML
    (``tomllib`` is new in 3.11)."""
    try:
        import tomllib
    except ImportError:
        return None
    return tomllib.loads(_PYPROJECT.read_text())["project"]["dependencies"]


def lesson_pins() -> dict[str, str] | None:
    """The packages the lesson needs and their pinned versions.

    Read from the installed helpers distribution's metadata; when it is not installed (the
    folder was copied, not installed, or this Python is not the lesson's environment), from
    the ``pyproject.toml`` beside the package.

    Returns
    -------
    dict of str to str, or None
        Package name to pinned version; None when neither can be read (no distribution, and
        a Python older than 3.11, which cannot read ``pyproject.toml``).

    Examples
    --------
    >>> lesson_pins()["numpy"]
    '2.4.6'
    """
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        requirements = _pyproject_requirements()
    return None if requirements is None else parse_pins(requirements)


def environment_fix(prefix: str | None = None, executable: str | None = None) -> str:
    """What to run instead when the check runs in a Python outside any environment.

    Installing packages into the system's Python is not the fix there (pip may refuse, and
    the lesson would not use them): running the check in the lesson's environment is.

    Parameters
    ----------
    prefix, executable : str, optional
        The Python judged (default: the running one's ``sys.prefix`` and ``sys.executable``).

    Returns
    -------
    str
        The command to run, or an empty string when the Python is the lesson's ``.venv``, an
        active conda environment or another virtual environment (where ``pip install`` is
        the fix).

    Examples
    --------
    >>> environment_fix(sys.base_prefix, "/usr/bin/python3").startswith(("`.venv", "`make"))
    True
    """
    prefix = sys.prefix if prefix is None else prefix
    executable = sys.executable if executable is None else executable
    conda = os.environ.get("CONDA_PREFIX")
    if prefix != sys.base_prefix or (conda and Path(conda).resolve() == Path(prefix).resolve()):
        return ""
    if (_VENV / "bin" / "lesson-check").exists():
        return f"`.venv/bin/lesson-check` ({executable} is not the lesson's environment)"
    return (
        "`make lab` (creates the lesson's environment, .venv), then `.venv/bin/lesson-check`;"
        " with conda: `conda activate thresholding-lesson`, then `lesson-check`"
    )


def check_python(version: tuple[int, ...] = tuple(sys.version_info)) -> Result:
    """Python must be 3.11 or newer.

    Parameters
    ----------
    version : tuple of int, optional
        The version to judge (default: the running Python's).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_python((3, 10, 4)).ok
    False
    """
    shown = ".".join(str(part) for part in version[:3])
    if tuple(version[:2]) >= (3, 11):
        return Result(True, f"Python {shown}")
    return Result(False, f"Python {shown}: the lesson needs 3.11 or newer", NEWER_PYTHON)


def check_package(name: str, pin: str, fix: str = "") -> Result:
    """One package is installed, at the version the lesson pins.

    Parameters
    ----------
    name : str
        Package name, as pip knows it.
    pin : str
        The version the lesson was tested with.
    fix : str, optional
        What to run when it is missing (default: the ``pip install`` command).

    Returns
    -------
    Result
        A different version passes (the lesson usually works), with a note saying so.

    Examples
    --------
    >>> check_package("no-such-package-here", "1.0").fix
    'pip install "no-such-package-here==1.0"'
    """
    install = f'pip install "{name}=={pin}"'
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        return Result(False, f"{name} is not installed (the lesson uses {pin})", fix or install)
    if installed != pin:
        return Result(
            True,
            f"{name} {installed} (note: the lesson was tested with {pin}; "
            f"numbers may differ slightly; to match: {install})",
        )
    return Result(True, f"{name} {installed}")


def _labextension_dirs(prefix: str | Path | None) -> list[Path]:  # raises ImportError
    if prefix is not None:
        return [Path(prefix) / "share" / "jupyter" / "labextensions"]
    from jupyter_core.paths import jupyter_path

    return [Path(path) for path in jupyter_path("labextensions")]


def _disabled_extensions(prefix: str | Path | None) -> set[str]:
    if prefix is not None:
        folders = [Path(prefix) / "etc" / "jupyter"]
    else:
        from jupyter_core.paths import jupyter_config_path

        folders = [Path(path) for path in jupyter_config_path()]
    disabled: set[str] = set()
    for folder in folders:
        page_config = folder / "labconfig" / "page_config.json"
        try:
            entries = json.loads(page_config.read_text()).get("disabledExtensions", {})
        except (OSError, ValueError):
            continue
        if isinstance(entries, dict):
            disabled.update(name for name, off in entries.items() if off)
        else:
            disabled.update(entries)
    return disabled


def check_extension(name: str, prefix: str | Path | None = None, fix: str = "") -> Result:
    """A JupyterLab extension is installed and not disabled.

    Parameters
    ----------
    name : str
        The extension's name, for example ``'jupyter-matplotlib'``.
    prefix : str or path, optional
        Look only in this environment; by default, everywhere JupyterLab looks.
    fix : str, optional
        What to run when it is missing (default: the ``pip install`` command).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_extension("jupyter-matplotlib", prefix="/nowhere").fix
    'pip install "ipympl==0.10.0"'
    """
    package = LAB_EXTENSIONS.get(name, name)
    pin = (lesson_pins() or {}).get(package)
    install = fix or (f'pip install "{package}=={pin}"' if pin else f"pip install {package}")
    missing = f"JupyterLab extension {name} is missing: figures and sliders will not show"
    try:
        disabled, folders = _disabled_extensions(prefix), _labextension_dirs(prefix)
    except ImportError:  # no jupyter_core: JupyterLab is not installed in this Python
        return Result(False, f"{missing} (JupyterLab is not installed here)", install)
    if name in disabled:
        return Result(
            False, f"JupyterLab extension {name} is disabled", f"jupyter labextension enable {name}"
        )
    for folder in folders:
        if (folder / name / "package.json").is_file():
            return Result(True, f"JupyterLab extension {name} ({package})")
    return Result(False, missing, install)


def check_viewer_setting(prefix: str | Path | None = None, fix: str = "") -> Result:
    """JupyterLab opens Markdown episodes as notebooks (:mod:`lessonsetup.configure`'s setting).

    Parameters
    ----------
    prefix : str or path, optional
        The environment's prefix (default: the running Python's).
    fix : str, optional
        What to run when the setting is missing (default: ``python -m lessonsetup.configure``).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_viewer_setting("/nowhere").fix
    'python -m lessonsetup.configure'
    """
    path = overrides_path(sys.prefix if prefix is None else prefix)
    fix = fix or "python -m lessonsetup.configure"
    try:
        settings = json.loads(path.read_text())
    except OSError:
        return Result(False, f"episodes open as plain text: {path} does not exist", fix)
    except ValueError:
        return Result(False, f"{path} is not valid JSON; fix or delete it", fix)
    for plugin, values in SETTINGS.items():
        current = settings.get(plugin, {})
        if any(current.get(key) != value for key, value in values.items()):
            return Result(False, f"{path} lacks the lesson's JupyterLab settings", fix)
    return Result(True, "JupyterLab opens the Markdown episodes as notebooks")


def check_data(folder: str | Path | None = None) -> Result:
    """The lesson's data folder holds every image its ``manifest.json`` lists.

    Parameters
    ----------
    folder : str or path, optional
        The data folder (default: :func:`data_folder`).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_data("/nowhere").ok
    False
    """
    folder = Path(folder) if folder is not None else data_folder()
    fix = "`make data` (regenerates the images), or download the lesson again"
    manifest = folder / "manifest.json"
    try:
        images = json.loads(manifest.read_text())["images"]
    except (OSError, ValueError, KeyError):
        return Result(False, f"the lesson's images are missing: no {manifest}", fix)
    files = [
        entry.get(key, "")
        for name, entry in images.items()
        for key in ("file", "mask", "strokes")
        if key in entry or key == "file"
    ]
    missing = [name or "?" for name in files if not name or not _nonempty(folder / name)]
    if missing:
        return Result(
            False,
            f"{len(missing)} of the lesson's image files are missing or empty in {folder}: "
            + ", ".join(missing),
            fix,
        )
    return Result(True, f"the lesson's {len(images)} images and their masks in {folder}")


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def run_checks(prefix: str | Path | None = None) -> list[Result]:
    """Every check, in the order they are printed.

    Parameters
    ----------
    prefix : str or path, optional
        Check the JupyterLab extensions and setting of this environment only (default:
        wherever JupyterLab looks, and the running Python's environment).

    Returns
    -------
    list of Result
    """
    fix = environment_fix() if prefix is None else ""
    results = [check_python()]
    pins = lesson_pins()
    if pins is None:
        results.append(
            Result(
                False,
                "the lesson's packages could not be listed: pyproject.toml needs 3.11's tomllib",
                fix,
            )
        )
    else:
        results += [check_package(name, pin, fix) for name, pin in pins.items()]
    results += [check_extension(name, prefix, fix) for name in LAB_EXTENSIONS]
    results += [check_viewer_setting(prefix, fix), check_data()]
    return results


def _marks(stream: TextIO) -> tuple[str, str]:
    try:
        "✓✗".encode(getattr(stream, "encoding", None) or "ascii")
    except (LookupError, UnicodeEncodeError):
        return "[ok]", "[X]"
    return "✓", "✗"


def report(results: list[Result], stream: TextIO | None = None) -> int:
    """Print the results, with a fix for each failure, and return the exit status.

    Failures in a row that share their fix get it once, after the last of them.

    Parameters
    ----------
    results : list of Result
    stream : file-like, optional
        Where to print (default: standard output). Ticks and crosses are printed as
        ``[ok]`` and ``[X]`` when it cannot encode them.

    Returns
    -------
    int
        0 when every check passed, 1 otherwise.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()  # no encoding: plain ASCII marks
    >>> report([Result(True, "numpy 2.4.6"), Result(False, "x is missing", "pip install x")], out)
    1
    >>> print(out.getvalue())
    [ok] numpy 2.4.6
    [X] x is missing
        fix: pip install x
    <BLANKLINE>
    1 problem. Run the commands above, or rebuild everything: ...
    """
    stream = sys.stdout if stream is None else stream
    tick, cross = _marks(stream)
    same = 0  # failures in a row with this fix so far
    for index, result in enumerate(results):
        print(f"{tick if result.ok else cross} {result.what}", file=stream)
        if result.ok or not result.fix:
            same = 0
            continue
        same += 1
        following = results[index + 1] if index + 1 < len(results) else None
        if following is not None and not following.ok and following.fix == result.fix:
            continue  # the fix comes once, after the last line that needs it
        label = "fix" if same == 1 else f"fix for the {same} lines above"
        print(f"    {label}: {result.fix}", file=stream)
        same = 0
    failures = sum(not result.ok for result in results)
    print(file=stream)
    if failures:
        problems = "problem" if failures == 1 else "problems"
        print(
            f"{failures} {problems}. Run the commands above, or rebuild everything: {REBUILD}.",
            file=stream,
        )
        return 1
    print("All set: you are ready for the workshop.", file=stream)
    return 0


def main() -> int:
    """Run every check and print the report.

    Returns
    -------
    int
        The exit status: 0 when all is well, 1 otherwise.
    """
    print("Checking your set-up for the image thresholding lesson\n")
    try:
        results = run_checks()
    except Exception as error:  # a check that breaks must still leave the learner a fix
        results = [
            Result(False, f"the check itself failed: {type(error).__name__}: {error}", REBUILD)
        ]
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
