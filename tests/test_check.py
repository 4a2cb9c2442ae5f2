"""`python -m lessonsetup.check`: ticks in a good set-up, a cross and its fix for each problem."""

import io
import json
import os
import subprocess
import sys
import tomllib
from importlib import metadata

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
