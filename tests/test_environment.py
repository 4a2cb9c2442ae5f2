"""The pins agree between pip and conda, and a learner's environment holds no test tools.

pyproject.toml's dependencies are the learner's environment (`make lab`), its extras the
maintainers' (`make test`). environment.yml is the learner's conda route, and
environment-test.yml adds the extras to it.
"""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

#: conda-forge names that differ from PyPI names.
CONDA_TO_PYPI: dict[str, str] = {"dask-core": "dask"}
#: Tools for testing, building the site or running a cluster: never in a learner's set.
NOT_FOR_LEARNERS = {
    "pytest",
    "nbval",
    "ruff",
    "playwright",
    "sphinx",
    "myst-nb",
    "sphinx-book-theme",
    "dask",
    "distributed",
}
#: What the episodes import or need to open as notebooks in JupyterLab.
LESSON_STACK = {
    "jupyterlab",
    "ipympl",
    "ipywidgets",
    "matplotlib",
    "scikit-image",
    "imageio",
    "numpy",
    "scipy",
    "pillow",
    "jupytext",
    "tqdm",
    "opencv-python-headless",
    "scikit-learn",
    "stackview",
}


def _pins(requirements: list[str]) -> dict[str, str]:
    """``name==version`` pins, skipping the project's references to its own extras."""
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        if requirement.name == PROJECT["name"]:
            continue
        (specifier,) = requirement.specifier  # exactly one: a pin
        assert specifier.operator == "==", f"not a pin: {text}"
        pins[requirement.name.lower()] = specifier.version
    return pins


def _learner_pins() -> dict[str, str]:
    return _pins(PROJECT["dependencies"])


def _extra_pins() -> dict[str, str]:
    return _pins([req for extra in PROJECT["optional-dependencies"].values() for req in extra])


def _conda_pins(file: str) -> dict[str, str]:
    environment = yaml.safe_load((ROOT / file).read_text())
    pins = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pins.update(_pins([req for req in entry["pip"] if not req.startswith("-")]))
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)=(\d\S*)", entry)
        if match:
            name = match.group(1).lower()
            pins[CONDA_TO_PYPI.get(name, name)] = match.group(2)
    return pins


def _normalized(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503): PyYAML, pyyaml and py_yaml agree."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_imports(folder: Path) -> dict[str, Path]:
    """Every module imported by name in ``folder``'s Python files, with one file importing it."""
    imports = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                imports.setdefault(name.partition(".")[0], path)
    return imports


@pytest.mark.parametrize("folder", ["tests", "benchmarks", "website"])
def test_every_import_of_the_tests_benchmarks_and_website_is_declared(folder):
    declared = {_normalized(name) for name in _learner_pins() | _extra_pins()}
    declared.add(_normalized(PROJECT["name"]))  # helpers
    distributions = metadata.packages_distributions()
    undeclared = []
    for module, path in _top_level_imports(ROOT / folder).items():
        if module in sys.stdlib_module_names or (ROOT / module).is_dir():
            continue  # the standard library, or this repository's tests, benchmarks, helpers
        if (path.parent / f"{module}.py").is_file():
            continue  # a module beside it (website/'s, which Sphinx finds through conf.py)
        names = {_normalized(name) for name in distributions.get(module, [])}
        if not names & declared:
            undeclared.append(f"{module} ({path.relative_to(ROOT)}; from {names or 'nowhere'})")
    assert not undeclared, "imported but not in pyproject.toml: " + ", ".join(undeclared)


def test_the_test_extra_installs_every_other_extra():
    extras = sorted(set(PROJECT["optional-dependencies"]) - {"test"})
    assert f"{PROJECT['name']}[{','.join(extras)}]" in PROJECT["optional-dependencies"]["test"]


def test_every_pypi_requirement_is_pinned():
    assert len(_learner_pins()) >= 10 and len(_extra_pins()) >= 5


def test_the_learner_set_is_the_lesson_stack_and_no_test_tool():
    learner = set(_learner_pins())
    assert learner == LESSON_STACK
    assert not learner & NOT_FOR_LEARNERS
    assert NOT_FOR_LEARNERS <= set(_extra_pins())


def test_environment_yml_is_the_learner_set():
    conda = _conda_pins("environment.yml")
    assert conda == _learner_pins()
    assert not set(conda) & NOT_FOR_LEARNERS


def test_environment_test_yml_is_the_extras():
    assert _conda_pins("environment-test.yml") == _extra_pins()


def test_both_conda_files_make_one_environment():
    learner = yaml.safe_load((ROOT / "environment.yml").read_text())
    extras = yaml.safe_load((ROOT / "environment-test.yml").read_text())
    assert learner["name"] == extras["name"]
    assert learner["channels"] == extras["channels"] and "conda-forge" in learner["channels"]


def test_environment_yml_installs_the_helpers_package():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    )
    assert "-e ." in pip_section
