"""What the root-mass command guarantees (README, "What the command guarantees"): every
photograph ends with exactly one row, nothing the user had is replaced without --force, no
run waits forever, the exit status says how it went, and one run at a time writes a CSV.

Each test here broke before issue 14 was fixed. Where the issue speaks of processes (two
runs at once, a worker that dies, a parent that is killed), the tests start real ones."""

import ast
import csv
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import rootmass.reading
from rootmass.command import find_images, main, measure_file, measure_files
from rootmass.results_csv import UsageError, lock_path
from tests.support.dask_cluster import local_cluster
from tests.support.processes import children, living
from tests.support.synthetic_photos import root_photograph, write_photo_folder
from tests.test_batch import (
    ROOT,
    held_run,
    read_rows,
    run,
    wait_for_lines,
    wait_for_signal,
)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Twelve small photographs, photo-000.jpg to photo-011.jpg."""
    write_photo_folder(tmp_path / "photos")
    return tmp_path / "photos"


def rootmass_process(*arguments: object, hook: str = "", tmp_path: Path | None = None):
    """``python -m rootmass ARGUMENTS --quiet`` in a new process, with ``hook`` as its
    sitecustomize (loaded by its worker processes too)."""
    path = [str(ROOT)]
    if hook:
        folder = tmp_path / "hook"
        folder.mkdir(exist_ok=True)
        (folder / "sitecustomize.py").write_text(hook)
        path.insert(0, str(folder))
    command = [sys.executable, "-m", "rootmass", *map(str, arguments), "--quiet"]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True)


# ---- one writer per CSV ----------------------------------------------------------------


def test_a_second_run_on_the_same_csv_is_refused_naming_the_other_run(tmp_path):
    """Two real processes: before, both wrote the CSV and rows were lost silently."""
    folder = tmp_path / "many"
    folder.mkdir()
    photograph, _ = root_photograph(7, width=90, height=120)
    for index in range(20):
        iio.imwrite(folder / f"photo-{index:03}.jpg", photograph)
    out = tmp_path / "results.csv"
    with held_run(folder, out, hold_from=3, jobs=1, tmp_path=tmp_path) as (first, release):
        wait_for_lines(out, 4, first)  # the header and 3 rows; the rest are held
        assert lock_path(out).read_text() == str(first.pid)
        started = time.monotonic()
        second = rootmass_process(folder / "*.jpg", "--out", out, "--resume")
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 2, stderr
        assert time.monotonic() - started < 30  # at once, not after the first run
        assert f"{out} is being written by another run (process {first.pid}" in stderr
        release.touch()
        _, first_stderr = first.communicate(timeout=120)
    assert first.returncode == 0, first_stderr
    files = [row["file"] for row in read_rows(out)]
    assert len(files) == 20 and files == sorted(set(files))
    assert not lock_path(out).exists()


def test_the_lock_of_a_run_that_died_is_replaced(photos, tmp_path):
    out = tmp_path / "results.csv"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **TEXT)
    lock_path(out).write_text(dead.stdout.strip())  # a run killed before it could remove it
    assert run(photos / "*.jpg", "--out", out) == 0
    assert len(read_rows(out)) == 12 and not lock_path(out).exists()


TEXT = {"capture_output": True, "text": True, "check": True}


# ---- nothing the user had is replaced without --force ----------------------------------


def test_resume_keeps_the_users_masks_and_qc_montage(photos, tmp_path, capsys):
    out, masks, qc = tmp_path / "results.csv", tmp_path / "masks", tmp_path / "qc.png"
    files = find_images([str(photos / "*.jpg")])
    measure_files(files[:4], out, jobs=1, masks=masks, progress=False)  # then interrupted
    ours = (masks / "photo-000-mask.png").read_bytes()
    theirs = np.zeros((120, 90), np.uint8)
    iio.imwrite(masks / "photo-005-mask.png", theirs)  # the user's own, for a new photograph
    users = (masks / "photo-005-mask.png").read_bytes()
    qc.write_bytes(b"the user's montage")
    assert run(photos / "*.jpg", "--out", out, "--resume", "--masks", masks, "--qc", qc) == 2
    assert "--qc" in capsys.readouterr().err and qc.read_bytes() == b"the user's montage"
    assert run(photos / "*.jpg", "--out", out, "--resume", "--masks", masks) == 1
    assert (masks / "photo-005-mask.png").read_bytes() == users  # kept, and said so
    rows = {Path(row["file"]).name: row for row in read_rows(out)}
    assert (
        len(rows) == 12 and "photo-005-mask.png already exists" in rows["photo-005.jpg"]["problem"]
    )
    assert rows["photo-005.jpg"]["root_fraction"] != ""  # measured all the same
    assert (masks / "photo-000-mask.png").read_bytes() == ours
    assert sum(1 for row in rows.values() if row["problem"]) == 1
    assert len(list(masks.iterdir())) == 12


# ---- no run waits forever ----------------------------------------------------------------


@pytest.fixture
def http_port():
    """A port that answers, but with HTTP (as a Dask dashboard's does)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


class Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *arguments):
        pass


SHORT_TIMEOUT = "import rootmass.command\nrootmass.command.SCHEDULER_TIMEOUT = 2\n"


def test_a_scheduler_address_that_is_not_a_scheduler_is_a_usage_error_in_bounded_time(
    photos, tmp_path, http_port
):
    """Before, a port that answered but was not a scheduler waited for ever, and
    ``http://...`` or a garbage address gave a traceback."""
    pytest.importorskip("distributed")
    out = tmp_path / "results.csv"
    for address, message in [
        (f"tcp://127.0.0.1:{http_port}", "No Dask scheduler answered"),
        (f"127.0.0.1:{http_port}", "No Dask scheduler answered"),
        (f"http://127.0.0.1:{http_port}", "is a web address, not a scheduler's"),
        ("garbage", "No Dask scheduler answered at 'garbage'"),
        ("tcp://", "No Dask scheduler answered"),
    ]:
        started = time.monotonic()
        process = rootmass_process(
            photos / "*.jpg", "--out", out, "--scheduler", address,
            hook=SHORT_TIMEOUT, tmp_path=tmp_path,
        )  # fmt: skip
        try:
            _, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
            process.communicate()
        assert process.returncode == 2, (address, stderr)
        assert message in stderr and "Traceback" not in stderr, (address, stderr)
        assert "tcp://192.168.1.10:8786" in stderr  # what an address looks like
        assert time.monotonic() - started < 20, address
    assert not out.exists()


# ---- every photograph ends with exactly one row, even when a worker dies ----------------

#: Kills the worker process that measures photo-004.jpg or photo-009.jpg, as the kernel's
#: out-of-memory killer would.
KILLER = """
import os, signal
from pathlib import Path

import rootmass.measuring

_measure_file = rootmass.measuring.measure_file


def measure_file(file, *args, **kwargs):
    if Path(file).name in ("photo-004.jpg", "photo-009.jpg"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _measure_file(file, *args, **kwargs)


rootmass.measuring.measure_file = measure_file
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_photograph_that_kills_its_worker_gets_a_problem_row_and_the_run_goes_on(
    photos, tmp_path, jobs
):
    """Before, BrokenProcessPool ended the run, every time, with the CSV unsorted."""
    out = tmp_path / "results.csv"
    process = rootmass_process(
        photos / "*.jpg", "--out", out, "--jobs", jobs, hook=KILLER, tmp_path=tmp_path
    )
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    rows = read_rows(out)
    files = [row["file"] for row in rows]
    assert files == sorted(set(files)) and len(files) == 12
    for row in rows:
        if Path(row["file"]).name in ("photo-004.jpg", "photo-009.jpg"):
            assert row["problem"].startswith(f"WorkerDied: {row['file']}: the process")
            assert "BrokenProcessPool" in row["problem"] and row["root_fraction"] == ""
        else:
            assert row["problem"] == "" and row["root_fraction"] != ""
    assert "2 of the files had a problem" in stderr and not lock_path(out).exists()


@pytest.mark.slow  # starts a local Dask cluster, whose worker is killed and restarted
def test_a_photograph_that_kills_its_dask_worker_gets_a_problem_row(photos, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILLER)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), str(ROOT)]))  # the workers'
    out = tmp_path / "results.csv"
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        local_cluster() as cluster,
        distributed.Client(cluster) as client,
    ):
        files = find_images([str(photos / "*.jpg")])
        summary = measure_files(files, out, client=client, progress=False)
    assert summary.problems == 2
    rows = read_rows(out)
    assert [row["file"] for row in rows] == files
    for row in rows:
        killer = Path(row["file"]).name in ("photo-004.jpg", "photo-009.jpg")
        assert ("KilledWorker" in row["problem"]) == killer
        assert (row["root_fraction"] == "") == killer


# ---- worker processes do not outlive the command ---------------------------------------


def test_workers_exit_when_the_command_is_killed(photos, tmp_path):
    """Before, the workers of a run killed with SIGKILL went on for minutes."""
    out = tmp_path / "results.csv"
    with held_run(photos, out, hold_from=0, jobs=2, tmp_path=tmp_path) as (process, _):
        wait_for_lines(out, 1, process)  # the header: the workers are measuring (held)
        kill_and_watch_the_workers(process)


def kill_and_watch_the_workers(process: subprocess.Popen, then=lambda: None) -> list[int]:
    """Wait for the command's two workers, kill the command (SIGKILL), call ``then``, and
    fail unless the workers exit within 10 s (those left are killed: none outlives the
    test); the workers' process ids."""
    deadline = time.monotonic() + 60
    while len(workers := children(process.pid)) < 2:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)  # not its stderr: workers that outlive it hold the pipe
    then()
    deadline = time.monotonic() + 10
    while any(map(living, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = list(filter(living, workers))
    for worker in left:
        os.kill(worker, signal.SIGKILL)
    assert not left, "the workers outlived the command"
    return workers


#: A sitecustomize that holds each worker before its set-up (the pool's initializer) until
#: the file START exists: the command can then be killed between a worker's start and its
#: set-up, a window that a loaded machine opens by chance.
LATE_SET_UP = """
import os, time
from pathlib import Path
import rootmass.parallel

_set_up = rootmass.parallel._init_worker


def _init_worker(*arguments):
    while not Path({start!r}).exists():
        time.sleep(0.01)
    _set_up(*arguments)


rootmass.parallel._init_worker = _init_worker
"""


def test_workers_exit_when_the_command_is_killed_before_they_are_set_up(photos, tmp_path):
    """Before, a worker that asked for its parent only after the command had been killed got
    the process that adopted it, and waited on that one for good (seen once in a CI run)."""
    start = tmp_path / "start"
    hook = LATE_SET_UP.format(start=str(start))
    arguments = [photos / "*.jpg", "--out", tmp_path / "results.csv", "--jobs", 2]
    process = rootmass_process(*arguments, hook=hook, tmp_path=tmp_path)
    try:  # the workers set up only after the command has gone
        kill_and_watch_the_workers(process, then=start.touch)
    finally:
        start.touch()
        process.kill()
        process.communicate()


def test_sigterm_stops_the_run_as_ctrl_c_does(photos, tmp_path):
    out = tmp_path / "results.csv"
    with held_run(photos, out, hold_from=4, jobs=2, tmp_path=tmp_path) as (process, release):
        wait_for_lines(out, 5, process)  # the header and 4 rows
        process.send_signal(signal.SIGTERM)
        wait_for_signal(tmp_path, signal.SIGTERM, process)
        release.touch()  # the photographs in flight finish
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert "Terminated" in stderr and "--resume" in stderr and "Traceback" not in stderr
    assert not lock_path(out).exists()
    assert run(photos / "*.jpg", "--out", out, "--resume") == 0
    files = [row["file"] for row in read_rows(out)]
    assert files == sorted(set(files)) and len(files) == 12


# ---- --resume: paths compared after resolving, cells that would run as formulas --------


def test_resume_recognises_photographs_however_their_paths_are_spelled(
    photos, tmp_path, monkeypatch
):
    """Before, relative against absolute paths or a symlinked folder measured them again."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "results.csv"
    measure_files(find_images(["photos/*.jpg"])[:5], out, jobs=1, progress=False)
    (tmp_path / "link").symlink_to(photos)
    for pattern in [photos / "*.jpg", "link/*.jpg", "./photos/../photos/*.jpg"]:
        summary = measure_files(
            find_images([str(pattern)]), out, jobs=1, resume=True, progress=False
        )
        assert summary.already_done in (5, 12) and len(read_rows(out)) == 12
    assert summary.measured == 0
    both = find_images(["photos/*.jpg", str(photos / "*.jpg")])  # one run, two spellings
    summary = measure_files(both, tmp_path / "both.csv", jobs=2, progress=False)
    assert summary.measured == 12 and len(read_rows(tmp_path / "both.csv")) == 12


FORMULAS = ["=1+1.jpg", "+2.jpg", "-3.jpg", "@4.jpg", "\t5.jpg", "\r6.jpg", "'7.jpg"]


def test_cells_that_would_run_as_formulas_are_neutralised_and_read_back(
    photos, tmp_path, monkeypatch
):
    """OWASP's advice: a leading apostrophe; --resume then finds the same names."""
    for name in FORMULAS:
        (photos / name).write_bytes((photos / "photo-000.jpg").read_bytes())
    (photos / "=empty.jpg").write_bytes(b"")
    monkeypatch.chdir(photos)
    out = tmp_path / "results.csv"
    files = find_images(FORMULAS + ["=empty.jpg"])
    assert measure_files(files, out, jobs=2, progress=False).problems == 1
    with out.open(newline="", encoding="utf-8") as stream:
        cells = {row[0]: row for row in csv.reader(stream)}
    for name in FORMULAS + ["=empty.jpg"]:
        assert "'" + name in cells, sorted(cells)
    problem = cells["'=empty.jpg"][-1]  # names the file, and starts with no formula
    assert problem.startswith("ValueError: ") and "=empty.jpg is not an image" in problem
    summary = measure_files(files, out, jobs=1, resume=True, progress=False)
    assert (summary.measured, summary.already_done) == (0, 8)
    assert sorted(row["file"] for row in read_rows(out)) == sorted("'" + n for n in files)


# ---- usage errors ------------------------------------------------------------------------


def test_out_in_a_missing_folder_is_a_usage_error_naming_it(photos, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "results.csv"
    assert run(photos / "*.jpg", "--out", out) == 2
    error = capsys.readouterr().err
    assert f"the folder {out.parent} does not exist" in error and "Traceback" not in error
    assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--qc", out.with_suffix(".png")) == 2
    assert f"the folder {out.parent} does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists() and not (tmp_path / "r.csv").exists()


def test_jobs_above_the_cores_are_capped_and_said_once(photos, tmp_path, capsys, monkeypatch):
    started = []
    pool = futures.ProcessPoolExecutor

    def counted(workers, **keywords):
        started.append(workers)
        return pool(workers, **keywords)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", counted)
    assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--jobs", 1000) == 0
    assert started == [os.cpu_count()]
    error = capsys.readouterr().err
    assert error.count("--jobs 1000 is more than the") == 1


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--sigma", "inf", "0 (no blur) or more, not inf"),
        ("--sigma", "1e9", "at most 100 and 0 (no blur) or more, not 1000000000.0"),
        ("--sigma", "100.5", "at most 100"),
        ("--sigma", "-1", "0 (no blur) or more, not -1.0"),
        ("--exclude-above", "0", "above 0 and at most 1, not 0.0"),
        ("--exclude-above", "2", "above 0 and at most 1, not 2.0"),
        ("--exclude-above", "inf", "above 0 and at most 1, not inf"),
        ("--exclude-above", "nan", "above 0 and at most 1, not nan"),
        ("--max-pixels", "0", "a whole number above 0 such as 300000000, not '0'"),
        ("--max-pixels", "-5", "not '-5'"),
        ("--max-pixels", "2e8", "not '2e8'"),
    ],
)
def test_settings_that_cannot_work_are_usage_errors(
    photos, tmp_path, capsys, option, value, message
):
    with pytest.raises(SystemExit) as exit_status:
        run(photos / "*.jpg", "--out", tmp_path / "r.csv", option, value)
    assert exit_status.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}: " in error and message in error
    assert "lower" not in error  # 0 is too low: never advise lowering it
    assert not (tmp_path / "r.csv").exists()


def test_the_api_refuses_an_absurd_sigma_too(photos, tmp_path):
    with pytest.raises(UsageError, match="at most 100"):
        measure_files([photos / "photo-000.jpg"], tmp_path / "r.csv", sigma=1e9, progress=False)
    assert not (tmp_path / "r.csv").exists()


def test_a_file_named_with_glob_characters_is_found_by_its_exact_name(photos):
    (photos / "plant[1].jpg").write_bytes(b"")
    (photos / "plant1.jpg").write_bytes(b"")  # what the pattern plant[1].jpg would match
    assert find_images([str(photos / "plant[1].jpg")]) == [str(photos / "plant[1].jpg")]
    assert find_images([str(photos / "plant[1-9].jpg")]) == [str(photos / "plant1.jpg")]


def test_a_csv_that_is_not_utf8_is_a_usage_error_naming_it(photos, tmp_path, capsys):
    out = tmp_path / "results.csv"
    assert run(photos / "*.jpg", "--out", out) == 0
    damaged = out.read_bytes().replace(b"photo-003", b"photo-\xff03") + b"half a ro"
    out.write_bytes(damaged)
    assert run(photos / "*.jpg", "--out", out, "--resume") == 2
    error = capsys.readouterr().err
    assert f"{out} is not a results file of this command: it is not UTF-8" in error
    assert out.read_bytes() == damaged  # not even the half row is removed


def test_max_pixels_reaches_the_reading_of_every_photograph(photos, tmp_path, capsys):
    """The limit itself is rootmass.reading's; the command passes it on (the photographs
    are 90 x 120 = 10,800 pixels), and its default is rootmass.reading's."""
    out = tmp_path / "r.csv"
    assert run(photos / "*.jpg", "--out", out, "--max-pixels", 10_799) == 1
    rows = read_rows(out)
    assert len(rows) == 12
    assert all("over the limit of 0.0108 that keeps" in row["problem"] for row in rows)
    assert run(photos / "*.jpg", "--out", out, "--max-pixels", 10_800, "--force") == 0
    assert all(row["problem"] == "" for row in read_rows(out))
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["--help"])
    assert f"(default {rootmass.reading.MAX_PIXELS:_};" in " ".join(capsys.readouterr().out.split())
    row = measure_file(str(photos / "photo-000.jpg"), max_pixels=10_799)
    assert "over the limit" in row["problem"] and row["root_fraction"] == ""


# ---- the README's promises name the tests that keep them ------------------------------


def guarantees() -> str:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"^### What the command guarantees\n(.*?)(?=^#)", readme, re.M | re.S)
    assert match, "README.md has no section 'What the command guarantees'"
    return match.group(1)


def test_every_test_the_readme_names_for_a_guarantee_exists():
    named = re.findall(r"`(tests/test_[a-z_]+\.py)::(test_[a-z0-9_]+)`", guarantees())
    assert len(named) >= 5
    for file, test in named:
        tree = ast.parse((ROOT / file).read_text())
        functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert test in functions, f"README names {file}::{test}, which does not exist"
