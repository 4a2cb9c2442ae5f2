"""`python -m lessonsetup.check`: ticks in a good set-up, a cross and its fix for each problem."""

import ast
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from lessonsetup import check
from lessonsetup.configure import write_overrides
from tests.support.episode_notebooks import ROOT


def _run_module(**env):
    return subprocess.run(
        [sys.executable, "-m", "lessonsetup.check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **env},
        timeout=60,
    )


def _report(results) -> tuple[int, str]:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    status = check.report(results, stream)
    stream.seek(0)
    return status, stream.read()


@pytest.fixture
def good_prefix(tmp_path):
    """An environment prefix with both lab extensions and the default-viewer setting."""
    for name in check.LAB_EXTENSIONS:
        folder = tmp_path / "share" / "jupyter" / "labextensions" / name
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": name}))
    write_overrides(tmp_path)
    return tmp_path


def test_the_project_environment_passes():
    """Run as a learner would, in the environment `make lab` / `make test` builds."""
    result = _run_module(PYTHONIOENCODING="utf-8")
    lines = [line for line in result.stdout.splitlines() if line.startswith(("✓", "✗"))]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(lines) >= 15 and all(line.startswith("✓") for line in lines), result.stdout
    assert "All set" in result.stdout
    for name, pin in check.lesson_pins().items():
        assert f"✓ {name} {pin}\n" in result.stdout


def test_plain_ascii_terminal_gets_plain_marks():
    result = _run_module(PYTHONIOENCODING="ascii")
    assert "Traceback" not in result.stderr
    assert "[ok] numpy" in result.stdout
    assert "✓" not in result.stdout


def test_pins_come_from_pyproject_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert check.lesson_pins() == check.parse_pins(project["dependencies"])


def test_a_learner_environment_without_the_extras_is_all_set(monkeypatch, good_prefix):
    """`make lab` installs no extra; the check must not ask for pytest, Sphinx or Dask."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = {
        requirement.split("==")[0].lower()
        for requirement in sum(project["optional-dependencies"].values(), [])
        if "==" in requirement
    }
    assert {"pytest", "playwright", "sphinx", "dask"} <= extras
    assert "opencv-python-headless" in check.lesson_pins()  # the lesson calls OpenCV
    real_version = metadata.version

    def version(name):
        if name.lower() in extras:
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(check.metadata, "version", version)
    monkeypatch.setattr(check, "check_data", lambda: check.Result(True, "images"))
    status, text = _report(check.run_checks(good_prefix))
    assert status == 0, text


def test_missing_package_gets_a_cross_and_the_pip_command(monkeypatch, good_prefix):
    real_version = metadata.version

    def version(name):
        if name == "ipympl":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(check.metadata, "version", version)
    status, text = _report(check.run_checks(good_prefix))
    assert status == 1
    assert "✗ ipympl is not installed (the lesson uses 0.10.0)" in text
    assert '    fix: pip install "ipympl==0.10.0"' in text
    assert "✓ numpy 2.4.6" in text
    assert "1 problem." in text


def test_other_version_is_a_note_not_a_cross(monkeypatch):
    monkeypatch.setattr(check.metadata, "version", lambda name: "0.0.1")
    result = check.check_package("numpy", "2.4.6")
    assert result.ok
    assert "numpy 0.0.1 (note: the lesson was tested with 2.4.6" in result.what
    assert 'pip install "numpy==2.4.6"' in result.what


def test_missing_extension_gets_a_cross_and_the_package_to_install(good_prefix):
    labextensions = good_prefix / "share" / "jupyter" / "labextensions"
    (labextensions / "jupyter-matplotlib" / "package.json").unlink()
    status, text = _report(check.run_checks(good_prefix))
    assert status == 1
    assert "✗ JupyterLab extension jupyter-matplotlib is missing" in text
    assert '    fix: pip install "ipympl==0.10.0"' in text
    assert "✓ JupyterLab extension @jupyter-widgets/jupyterlab-manager" in text


def test_disabled_extension_gets_the_enable_command(good_prefix):
    config = good_prefix / "etc" / "jupyter" / "labconfig"
    config.mkdir(parents=True)
    disabled = {"disabledExtensions": {"@jupyter-widgets/jupyterlab-manager": True}}
    (config / "page_config.json").write_text(json.dumps(disabled))
    result = check.check_extension("@jupyter-widgets/jupyterlab-manager", good_prefix)
    assert not result.ok
    assert result.fix == "jupyter labextension enable @jupyter-widgets/jupyterlab-manager"


def test_missing_viewer_setting_gets_labsetup(good_prefix):
    check.overrides_path(good_prefix).unlink()
    status, text = _report(check.run_checks(good_prefix))
    assert status == 1
    assert "✗ episodes open as plain text" in text
    assert "    fix: python -m lessonsetup.configure" in text
    write_overrides(good_prefix)
    assert check.check_viewer_setting(good_prefix).ok


def test_other_overrides_without_the_viewer_setting(good_prefix):
    check.overrides_path(good_prefix).write_text(json.dumps({"some-plugin": {"a": 1}}))
    assert not check.check_viewer_setting(good_prefix).ok


def test_missing_images_get_make_data(tmp_path, monkeypatch):
    monkeypatch.setenv("THRESHOLDING_DATA", str(tmp_path))
    status, text = _report([check.check_data()])
    assert status == 1
    assert f"no {tmp_path / 'manifest.json'}" in text
    assert "    fix: `make data`" in text
    manifest = {"images": {"roots": {"file": "roots.jpg", "mask": "roots-mask.png"}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "roots.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "roots-mask.png").write_bytes(b"")
    result = check.check_data()
    assert not result.ok and "roots-mask.png" in result.what and "roots.jpg" not in result.what
    (tmp_path / "roots-mask.png").write_bytes(b"\x89PNG")
    assert check.check_data().ok


def test_everything_in_place_exits_zero(good_prefix, monkeypatch):
    monkeypatch.setattr(check, "check_data", lambda: check.Result(True, "images"))
    status, text = _report(check.run_checks(good_prefix))
    assert status == 0, text
    assert text.rstrip().endswith("All set: you are ready for the workshop.")


# --- from any Python 3.8 or newer, with none of the lesson's packages: crosses, no traceback


def test_the_check_is_python_3_8_syntax():
    for module in ("__init__", "check", "configure"):
        path = ROOT / "lessonsetup" / f"{module}.py"
        ast.parse(path.read_text(), str(path), feature_version=(3, 8))


def _bare_pythons() -> list[str]:
    """Python 3.8+ interpreters on this machine that lack JupyterLab (outside .venv)."""
    path = os.pathsep.join(
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if not Path(folder).resolve().is_relative_to(ROOT)
    )
    names = ["python3", *(f"python3.{minor}" for minor in range(8, 15))]
    candidates = [shutil.which(name, path=path) for name in names] + ["/usr/bin/python3"]
    candidates += glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))
    probe = (
        "import sys, importlib.util; "
        "print(sys.version_info >= (3, 8) and importlib.util.find_spec('jupyter_core') is None)"
    )
    found = {}
    for candidate in filter(None, candidates):
        try:
            answer = subprocess.run(
                [candidate, "-c", probe], capture_output=True, text=True, timeout=30, env=_BARE
            )
        except OSError:
            continue
        if answer.stdout.strip() == "True":
            found.setdefault(os.path.realpath(candidate), candidate)
    return sorted(found.values())


#: A learner's shell with no environment active.
_BARE = {
    key: value
    for key, value in os.environ.items()
    if key not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME")
}


@pytest.mark.slow  # runs every interpreter found
def test_a_bare_python_gets_crosses_and_fixes_not_a_traceback():
    """`python -m lessonsetup.check` in the lesson's folder, with a Python that has none of the
    lesson's packages: the situation the check exists for."""
    pythons = _bare_pythons()
    if not pythons:
        pytest.skip("no Python 3.8+ without JupyterLab on this machine")
    for python in pythons:
        result = subprocess.run(
            [python, "-m", "lessonsetup.check"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**_BARE, "PYTHONIOENCODING": "utf-8"},
            timeout=60,
        )
        output = result.stdout + result.stderr
        assert "Traceback" not in output and result.stderr == "", f"{python}:\n{output}"
        assert result.returncode == 1, f"{python}:\n{output}"
        assert "✗ JupyterLab extension jupyter-matplotlib is missing" in output, python
        assert ".venv/bin/lesson-check" in output, f"{python}:\n{output}"  # the fix


def test_without_tomllib_or_an_installed_distribution_a_cross_not_a_traceback(monkeypatch):
    """Python 3.8 to 3.10 in a fresh clone: no tomllib, the lesson not installed."""

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(check.metadata, "requires", not_installed)
    monkeypatch.setitem(sys.modules, "tomllib", None)  # `import tomllib` fails
    assert check.lesson_pins() is None
    monkeypatch.setattr(check, "environment_fix", lambda: "`.venv/bin/lesson-check` (...)")
    status, text = _report(check.run_checks())
    assert status == 1
    assert "✗ the lesson's packages could not be listed" in text
    assert "`.venv/bin/lesson-check`" in text


def test_without_jupyter_core_the_extensions_get_crosses(monkeypatch):
    monkeypatch.setitem(sys.modules, "jupyter_core", None)
    monkeypatch.setitem(sys.modules, "jupyter_core.paths", None)
    result = check.check_extension("jupyter-matplotlib")
    assert not result.ok and "JupyterLab is not installed here" in result.what
    assert result.fix == 'pip install "ipympl==0.10.0"'


def test_a_python_outside_any_environment_is_sent_to_the_lessons_environment(monkeypatch):
    monkeypatch.delenv("CONDA_PREFIX", raising=False)
    fix = check.environment_fix(sys.base_prefix, "/usr/bin/python3")
    assert fix == "`.venv/bin/lesson-check` (/usr/bin/python3 is not the lesson's environment)"
    assert check.environment_fix(str(ROOT / ".venv"), str(ROOT / ".venv/bin/python")) == ""
    monkeypatch.setenv("CONDA_PREFIX", sys.base_prefix)
    assert check.environment_fix(sys.base_prefix, "/opt/conda/bin/python") == ""


def test_failures_that_share_a_fix_get_it_once():
    same = "`.venv/bin/lesson-check`"
    results = [check.Result(False, "a", same), check.Result(False, "b", same)]
    results += [check.Result(True, "c"), check.Result(False, "d", "pip install d")]
    status, text = _report(results)
    assert text.count(same) == 1 and "    fix for the 2 lines above: `.venv" in text
    assert "✗ b\n    fix for the 2 lines above" in text
    assert "✗ d\n    fix: pip install d\n" in text


def test_a_check_that_breaks_still_prints_a_cross_and_a_fix(monkeypatch, capsys):
    def broken(prefix=None):
        raise KeyError("project")

    monkeypatch.setattr(check, "run_checks", broken)
    assert check.main() == 1
    out = capsys.readouterr().out
    assert "the check itself failed: KeyError" in out and "make lab" in out


def test_pins_are_read_with_packaging_and_without_it(monkeypatch):
    requirements = [
        "numpy == 2.4.6",
        'pytest==9.2.0; extra == "test"',
        'pywin32==311; sys_platform == "nonexistent-platform"',
        "tqdm>=4",
        "scipy>=1,<2",
        "pillow===13.0.0",
    ]
    assert check.parse_pins(requirements) == {"numpy": "2.4.6", "pillow": "13.0.0"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    with_packaging = check.parse_pins(project["dependencies"])
    monkeypatch.setitem(sys.modules, "packaging.requirements", None)
    assert check.parse_pins(project["dependencies"]) == with_packaging
    assert len(with_packaging) >= 10
