"""pyproject.toml and environment.yml name the same packages at the same versions."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

#: conda-forge names that differ from PyPI names.
CONDA_TO_PYPI: dict[str, str] = {"dask-core": "dask"}


def _pypi_pins() -> dict[str, str]:
    """Every pinned requirement, run-time and of every extra (the test extra names the others
    by referring to the project itself, which is skipped here)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    pins = {}
    for requirement in requirements:
        if requirement.startswith(project["name"] + "["):
            continue
        name, version = re.fullmatch(
            r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", requirement
        ).groups()
        pins[name.lower()] = version
    return pins


def test_the_test_extra_installs_every_other_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = sorted(set(project["optional-dependencies"]) - {"test"})
    assert f"{project['name']}[{','.join(extras)}]" in project["optional-dependencies"]["test"]


def _conda_pins() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            for requirement in entry["pip"]:
                match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", requirement)
                if match:
                    pins[match.group(1).lower()] = match.group(2)
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)=(\d\S*)", entry)
        if match:
            name = match.group(1).lower()
            pins[CONDA_TO_PYPI.get(name, name)] = match.group(2)
    return pins


def test_every_pypi_requirement_is_pinned():
    assert len(_pypi_pins()) >= 10


def test_pyproject_and_environment_yml_agree():
    assert _conda_pins() == _pypi_pins()


def test_environment_yml_installs_the_helpers_package():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    )
    assert "-e ." in pip_section
    assert "conda-forge" in environment["channels"]
