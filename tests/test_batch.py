"""The batch root-mass command: rows right, nothing lost, nothing overwritten, bad files
reported, the same results locally and on a Dask cluster."""

import contextlib
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from helpers import load_image
from helpers.roots import root_mask
from rootmass.command import COLUMNS, find_images, main, measure_file, measure_files
from rootmass.montage import SKY_BLUE
from rootmass.results_csv import UsageError
from tests.support.dask_cluster import local_cluster
from tests.support.processes import living_in_group
from tests.support.synthetic_photos import root_photograph

ROOT = Path(__file__).resolve().parent.parent


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Six small photographs; the first three with ground-truth masks beside them."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed in range(6):
        photograph, mask = root_photograph(seed, width=90, height=120)
        iio.imwrite(folder / f"plant-{seed}.jpg", photograph, quality=95)
        if seed < 3:
            iio.imwrite(folder / f"plant-{seed}-mask.png", mask.astype(np.uint8) * 255)
    return folder


def run(*arguments: object) -> int:
    return main([str(argument) for argument in arguments] + ["--quiet"])


def test_one_sorted_row_per_photograph_with_truth_where_a_mask_lies_beside_it(photos, tmp_path):
    out = tmp_path / "results.csv"
    assert run(photos / "*", "--out", out, "--jobs", 2, "--exclude-above", 0.95) == 0
    rows = read_rows(out)
    assert tuple(rows[0]) == COLUMNS
    assert [Path(row["file"]).name for row in rows] == [f"plant-{seed}.jpg" for seed in range(6)]
    for seed, row in enumerate(rows):
        gray = load_image(row["file"], gray=True)
        mask, threshold = root_mask(gray, 1.0, 0.95)  # the default sigma
        assert (int(row["width"]), int(row["height"])) == (90, 120)
        assert float(row["root_fraction"]) == pytest.approx(mask.mean(), abs=1e-4)
        assert float(row["threshold"]) == pytest.approx(threshold, abs=1e-5)
        assert row["problem"] == ""
        if seed < 3:
            truth = iio.imread(photos / f"plant-{seed}-mask.png").mean() / 255
            assert float(row["truth"]) == pytest.approx(truth)
            assert float(row["error"]) == pytest.approx(float(row["root_fraction"]) - truth)
        else:
            assert row["truth"] == row["error"] == ""


def test_masks_are_never_measured_even_when_the_pattern_matches_them(photos, capsys):
    assert len(find_images([str(photos / "*")])) == 6
    assert run(photos / "*-mask.png", "--out", photos.parent / "r.csv") == 2
    assert "Only ground-truth masks" in capsys.readouterr().err


def test_nothing_matching_is_a_usage_error_naming_the_pattern_and_folder(tmp_path, capsys):
    (tmp_path / "A.JPG").write_bytes(b"")
    out = tmp_path / "results.csv"
    assert run(tmp_path / "*.jpg", "--out", out) == 2
    error = capsys.readouterr().err
    assert f"No files match '{tmp_path / '*.jpg'}'" in error and str(tmp_path) in error
    assert "A.JPG" in error and "case-sensitive" in error
    assert run(tmp_path / "missing" / "*.jpg", "--out", out) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not out.exists()


def test_bad_files_get_a_row_and_a_line_on_stderr_and_the_run_goes_on(photos, tmp_path, capsys):
    (photos / "empty.jpg").write_bytes(b"")
    (photos / "notes.jpg").write_text("not a photograph")
    good = (photos / "plant-0.jpg").read_bytes()
    (photos / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (photos / "folder.jpg").mkdir()
    iio.imwrite(photos / "stack.tif", np.zeros((3, 20, 20, 2), np.uint8))
    iio.imwrite(photos / "flat.png", np.full((20, 20), 90, np.uint8))
    out = tmp_path / "results.csv"
    assert run(photos / "*.jpg", photos / "*.tif", photos / "*.png", "--out", out) == 1
    rows = {Path(row["file"]).name: row for row in read_rows(out)}
    assert len(rows) == 12
    stderr = capsys.readouterr().err
    expected = {
        "empty.jpg": "0 bytes",
        "notes.jpg": "could not be read as an image",
        "truncated.jpg": "truncated",
        "folder.jpg": "is a folder",
        "stack.tif": "not a 2-D grayscale or colour image",
        "flat.png": "constant",
    }
    for name, problem in expected.items():
        assert problem in rows[name]["problem"] and name in rows[name]["problem"]
        assert rows[name]["root_fraction"] == ""
        assert name in stderr
    assert all(rows[f"plant-{seed}.jpg"]["problem"] == "" for seed in range(6))
    assert "6 of the files had a problem" in stderr


def test_a_mask_of_the_wrong_size_is_reported_and_the_measurement_kept(photos, tmp_path):
    iio.imwrite(photos / "plant-4-mask.png", np.zeros((10, 10), np.uint8))
    row = measure_file(str(photos / "plant-4.jpg"))
    assert row["root_fraction"] != "" and row["truth"] == ""
    assert "plant-4-mask.png is 10x10 pixels but the photograph is 90x120" in row["problem"]


def test_an_existing_csv_is_kept_unless_resume_or_force(photos, tmp_path, capsys):
    out = tmp_path / "results.csv"
    out.write_text("precious\n")
    assert run(photos / "*.jpg", "--out", out) == 2
    error = capsys.readouterr().err
    assert "already exists" in error and "--resume" in error and "--force" in error
    assert out.read_text() == "precious\n"
    assert run(photos / "*.jpg", "--out", out, "--resume") == 2  # not our CSV
    assert "not a results file" in capsys.readouterr().err
    assert out.read_text() == "precious\n"
    assert run(photos / "*.jpg", "--out", out, "--force") == 0
    assert len(read_rows(out)) == 6


def test_input_images_are_never_overwritten(photos, tmp_path, capsys):
    image = photos / "plant-0.jpg"
    before = image.read_bytes()
    masks_before = {path: path.read_bytes() for path in photos.glob("*-mask.png")}
    assert run(photos / "*.jpg", "--out", image, "--force") == 2
    assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--qc", image, "--force") == 2
    assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--masks", photos, "--force") == 2
    error = capsys.readouterr().err
    assert "would overwrite an image" in error and "taken for ground truth" in error
    assert image.read_bytes() == before
    assert {path: path.read_bytes() for path in photos.glob("*-mask.png")} == masks_before
    assert not (tmp_path / "r.csv").exists()


def test_masks_and_qc_montage(photos, tmp_path):
    out, masks, qc = tmp_path / "results.csv", tmp_path / "masks", tmp_path / "qc.png"
    assert run(photos / "*.jpg", "--out", out, "--masks", masks, "--qc", qc) == 0
    for row in read_rows(out):
        saved = iio.imread(masks / (Path(row["file"]).stem + "-mask.png"))
        assert saved.shape == (120, 90) and set(np.unique(saved)) <= {0, 255}
        assert saved.mean() / 255 == pytest.approx(float(row["root_fraction"]))
    page = iio.imread(qc)
    assert page.ndim == 3 and page.shape[0] > 120 and page.shape[1] > 90
    sky_blue = np.all(np.abs(page.astype(int) - SKY_BLUE) < 60, axis=-1)
    assert sky_blue.sum() > 20  # the masks show
    # running again refuses to replace the masks and the montage, unless told
    assert run(photos / "*.jpg", "--out", tmp_path / "other.csv", "--masks", masks) == 2
    assert run(photos / "*.jpg", "--out", tmp_path / "other.csv", "--qc", qc) == 2


@pytest.fixture
def many_photos(tmp_path: Path) -> Path:
    """60 copies of a small photograph."""
    folder = tmp_path / "many"
    folder.mkdir()
    photograph, _ = root_photograph(7, width=200, height=300)
    iio.imwrite(folder / "photo-000.jpg", photograph)
    for index in range(1, 60):
        shutil.copy(folder / "photo-000.jpg", folder / f"photo-{index:03}.jpg")
    return folder


#: Loaded by every Python process of the held run (through PYTHONPATH, so the pool's workers
#: too, however they start): photographs from HOLD_FROM on wait until the test creates the
#: release file, so the run cannot finish before the test has interrupted it, however
#: loaded the machine. Once the test has gone, nothing waits any more.
HOLD = """
import os, signal, time
from pathlib import Path

import rootmass.measuring

# Ctrl-C works as in a terminal, even when the tests run in the background of a
# non-interactive shell (nohup, `make test &`, some CI runners), which starts them with
# SIGINT ignored; Python then keeps it ignored, and so would the command.
signal.signal(signal.SIGINT, signal.default_int_handler)
# Likewise a hang-up: `nohup make test` starts them with SIGHUP ignored, and the command
# rightly keeps an ignored SIGHUP ignored. A run plays a terminal session unless the test
# asks for nohup's (``hangup=signal.SIG_IGN``).
signal.signal(signal.SIGHUP, signal.{hangup})

_measure_file = rootmass.measuring.measure_file
_RELEASE = Path({release!r})
_TEST = os.getppid()  # the test's process: this runs in the command's main process


def _test_running():
    try:
        os.kill(_TEST, 0)
    except ProcessLookupError:
        return False
    return True


def measure_file(file, *args, **kwargs):
    # Runs in the main process with --jobs 1 and in the pool's workers (forked from it)
    # otherwise; holds until the test releases it, or has gone.
    if int(Path(file).stem.rsplit("-", 1)[1]) >= {hold_from}:
        while not _RELEASE.exists() and _test_running():
            time.sleep(0.01)
    return _measure_file(file, *args, **kwargs)


rootmass.measuring.measure_file = measure_file

# The test waits for this event, not for a clock: a file "signal-N" beside the release
# file once the command's own handler of signal N has run (a signal sent after that is
# not merged with this one, as two sent at once can be).
_signal = signal.signal


def _noting(signum, handler):
    if not callable(handler):
        return _signal(signum, handler)

    def noted(number, frame):
        try:
            return handler(number, frame)
        finally:
            (_RELEASE.parent / f"signal-{{number}}").touch()

    return _signal(signum, noted)


signal.signal = _noting
"""


def wait_for_signal(tmp_path: Path, signum: int, process: subprocess.Popen) -> None:
    """Wait until the held run's handler of ``signum`` has run (see HOLD)."""
    deadline = time.monotonic() + 60
    while not (tmp_path / f"signal-{int(signum)}").exists():
        assert process.poll() is None and time.monotonic() < deadline, "no signal handled"
        time.sleep(0.005)


def hold_hook(release: Path, hold_from: int, hangup: signal.Handlers = signal.SIG_DFL) -> str:
    """A sitecustomize.py that holds the photographs from ``hold_from`` on (see HOLD)."""
    return HOLD.format(release=str(release), hold_from=hold_from, hangup=hangup.name)


@contextlib.contextmanager
def held_run(
    photos: Path,
    out: Path,
    hold_from: int,
    jobs: int,
    tmp_path: Path,
    hangup: signal.Handlers = signal.SIG_DFL,
) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Start the command on ``photos``; the photographs from ``hold_from`` on wait for
    the yielded release file to exist. SIGHUP starts as ``hangup`` (SIG_IGN: as nohup).
    On leaving, however the test went, nothing of the run is left (:func:`end_held_run`)."""
    release = tmp_path / "release"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(hold_hook(release, hold_from, hangup))
    command = [sys.executable, "-m", "rootmass", str(photos / "*.jpg")]
    command += ["--out", str(out), "--jobs", str(jobs), "--quiet"]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(hook), str(ROOT)]))
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True, process_group=0
    )
    try:
        yield process, release
    finally:
        end_held_run(process, release)


def end_held_run(process: subprocess.Popen, release: Path) -> None:
    """Release a held run, kill it if it still runs, kill every process it started that
    is left (its workers, even orphaned ones) and reap it. ``process`` must lead its own
    process group (``process_group=0``), as :func:`held_run` starts it."""
    release.touch()  # first: held workers keep the stderr pipe open
    if process.poll() is None:
        process.kill()
    # Its workers stay in its process group, orphaned or not (while one of them lives, no
    # other group can have its number); a killed process closes its files before it dies.
    deadline = time.monotonic() + 60
    while left := living_in_group(process.pid):
        assert time.monotonic() < deadline, f"processes {left} of the held run outlive SIGKILL"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.01)
    if process.stderr is not None and not process.stderr.closed:
        process.communicate()  # to the end of stderr, which its workers held open too
    process.wait()


def wait_for_lines(path: Path, lines: int, process: subprocess.Popen) -> None:
    """Wait until ``path`` has ``lines`` lines (the header and rows) or the process ends."""
    deadline = time.monotonic() + 120
    while count_lines(path) < lines and process.poll() is None:
        assert time.monotonic() < deadline, f"{path} has {count_lines(path)} lines after 120 s"
        time.sleep(0.005)
    assert process.poll() is None, f"the run ended early: {process.communicate()[1]}"


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_killed_run_resumes_with_no_row_missing_or_duplicated(many_photos, tmp_path):
    out = tmp_path / "results.csv"
    with held_run(many_photos, out, hold_from=5, jobs=1, tmp_path=tmp_path) as (process, _):
        wait_for_lines(out, 6, process)  # the header and 5 rows
        process.send_signal(signal.SIGKILL)
    written = count_lines(out) - 1
    assert process.returncode == -signal.SIGKILL
    assert written == 5, "the run should have been killed part-way, after 5 rows"
    assert run(many_photos / "*.jpg", "--out", out) == 2  # still refuses to overwrite
    assert run(many_photos / "*.jpg", "--out", out, "--resume") == 0
    files = [row["file"] for row in read_rows(out)]
    assert files == sorted(set(files)) and len(files) == 60
    fractions = {row["root_fraction"] for row in read_rows(out)}
    assert len(fractions) == 1  # the same photograph, measured the same way every time


def test_ctrl_c_keeps_the_rows_and_says_how_to_resume(many_photos, tmp_path):
    out = tmp_path / "results.csv"
    with held_run(many_photos, out, hold_from=8, jobs=2, tmp_path=tmp_path) as (process, release):
        wait_for_lines(out, 4, process)  # the header and 3 rows
        process.send_signal(signal.SIGINT)
        wait_for_signal(tmp_path, signal.SIGINT, process)
        release.touch()  # Ctrl-C has reached the command: the photographs in flight finish
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Interrupted" in stderr and "--resume" in stderr
    # photographs 8 and later were held until after Ctrl-C: only the ones in flight then
    # (a window of 2 per worker) are finished and written
    assert 3 <= len(read_rows(out)) <= 8 + 2 * 2
    assert run(many_photos / "*.jpg", "--out", out, "--resume") == 0
    files = [row["file"] for row in read_rows(out)]
    assert files == sorted(set(files)) and len(files) == 60


def test_resume_drops_a_partly_written_last_line(photos, tmp_path):
    out = tmp_path / "results.csv"
    files = find_images([str(photos / "*.jpg")])
    measure_files(files[:2], out, jobs=1, progress=False)
    complete = out.read_text()
    with out.open("a") as stream:
        stream.write(f"{files[2]},90,120,1.5,,0.4")  # killed in the middle of a row
    summary = measure_files(files, out, jobs=1, resume=True, progress=False)
    assert (summary.already_done, summary.measured) == (2, 4)
    rows = read_rows(out)
    assert [row["file"] for row in rows] == files
    assert all(row["root_fraction"] and row["problem"] == "" for row in rows)
    assert out.read_text().startswith(complete)


def test_resume_with_other_options_is_refused(photos, tmp_path, capsys):
    out = tmp_path / "results.csv"
    assert run(photos / "*.jpg", "--out", out, "--sigma", 2) == 0
    assert run(photos / "*.jpg", "--out", out, "--resume") == 2
    assert "measured with sigma=2.0" in capsys.readouterr().err


def test_sigma_0_is_no_blur_and_bad_settings_are_refused_as_the_api_refuses_them(
    photos, tmp_path, capsys
):
    """One set of checks (rootmass.checks.check_sigma, check_exclude_above) for
    measure_files and the command line."""
    out = tmp_path / "results.csv"
    assert run(photos / "*.jpg", "--out", out, "--sigma", 0, "--jobs", 1) == 0
    row = read_rows(out)[0]
    mask, threshold = root_mask(load_image(row["file"], gray=True), 0)
    assert float(row["root_fraction"]) == pytest.approx(mask.mean(), abs=1e-4)
    for option, value, message in [
        ("--sigma", "-1", "0 (no blur) or more, not -1.0"),
        ("--sigma", "nan", "0 (no blur) or more, not nan"),
        ("--exclude-above", "95", "above 0 and at most 1, not 95.0"),
    ]:
        with pytest.raises(SystemExit) as exit_status:
            run(photos / "*.jpg", "--out", tmp_path / "other.csv", option, value)
        assert exit_status.value.code == 2
        assert f"argument {option}:" in capsys.readouterr().err
        with pytest.raises(UsageError, match=re.escape(message)):
            setting = {option.strip("-").replace("-", "_"): float(value)}
            measure_files([row["file"]], tmp_path / "api.csv", progress=False, **setting)
    assert not (tmp_path / "other.csv").exists() and not (tmp_path / "api.csv").exists()


def test_the_method_is_recorded_and_an_old_csv_is_not_resumed(photos, tmp_path, capsys):
    """Rows measured by the older command (bright pixels set to 0, no ``method`` column)
    give other numbers: resuming such a file must refuse rather than mix rows."""
    out = tmp_path / "results.csv"
    assert run(photos / "*.jpg", "--out", out, "--exclude-above", 0.95) == 0
    rows = read_rows(out)
    assert {row["method"] for row in rows} == {"otsu-band"}
    assert run(photos / "*.jpg", "--out", out, "--force") == 0
    assert {row["method"] for row in read_rows(out)} == {"otsu"}
    old = [column for column in COLUMNS if column != "method"]
    with out.open("w", newline="") as stream:  # the first two rows, as the old command wrote
        writer = csv.DictWriter(stream, old, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(dict(row, exclude_above="0.95") for row in rows[:2])
    before = out.read_text()
    assert run(photos / "*.jpg", "--out", out, "--exclude-above", 0.95, "--resume") == 2
    error = capsys.readouterr().err
    assert "older version" in error and "set pixels above exclude_above to 0" in error
    assert "--force" in error
    assert out.read_text() == before


def test_progress_bar_goes_to_stderr(photos, tmp_path, capfd):
    assert main([str(photos / "*.jpg"), "--out", str(tmp_path / "r.csv"), "--jobs", "1"]) == 0
    captured = capfd.readouterr()
    assert captured.out == "" and "6/6" in captured.err


def test_scheduler_without_dask_gets_a_clear_message(photos, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    out = tmp_path / "results.csv"
    assert run(photos / "*.jpg", "--out", out, "--scheduler", "tcp://127.0.0.1:1") == 2
    assert "--scheduler needs Dask" in capsys.readouterr().err
    assert not out.exists()


def test_the_module_imports_and_runs_without_dask(photos, tmp_path):
    # a fresh interpreter in which importing dask or distributed fails
    code = (
        "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
        "from rootmass.command import main; "
        f"sys.exit(main([{str(photos / '*.jpg')!r}, '--out', {str(tmp_path / 'r.csv')!r}, "
        "'--quiet']))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    assert len(read_rows(tmp_path / "r.csv")) == 6


def test_the_pool_works_after_opencv_ran_its_threads_in_this_process(photos, tmp_path):
    """As in episode 5, whose explorer blurs in the kernel before the command forks its
    workers: a forked worker that calls cv2.setNumThreads then hangs for ever."""
    code = (
        "import sys; import numpy as np; from helpers.roots import root_mask; "
        "root_mask(np.random.default_rng(0).random((2000, 2000)), 1.5); "
        "from rootmass.command import main; "
        f"sys.exit(main([{str(photos / '*.jpg')!r}, '--out', {str(tmp_path / 'r.csv')!r}, "
        "'--jobs', '2', '--quiet']))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
    assert len(read_rows(tmp_path / "r.csv")) == 6


@pytest.mark.slow  # starts a local Dask cluster
def test_a_dask_cluster_gives_identical_results(photos, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "local.csv"
    assert run(photos / "*.jpg", "--out", local, "--jobs", 2, "--masks", tmp_path / "m1") == 0
    with (
        local_cluster() as cluster,
        distributed.Client(cluster) as client,
    ):
        files = find_images([str(photos / "*.jpg")])
        measure_files(files, tmp_path / "api.csv", client=client, progress=False)
        command = [photos / "*.jpg", "--out", tmp_path / "cli.csv", "--masks", tmp_path / "m2"]
        assert run(*command, "--scheduler", cluster.scheduler_address) == 0
    assert (tmp_path / "api.csv").read_text() == local.read_text()
    assert (tmp_path / "cli.csv").read_text() == local.read_text()
    for mask in (tmp_path / "m1").iterdir():
        assert mask.read_bytes() == (tmp_path / "m2" / mask.name).read_bytes()


def test_python_m_helpers_rootmass_is_the_command(photos, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rootmass", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--exclude-above" in result.stdout and "--resume" in result.stdout
    assert f"(default and most: all {os.cpu_count() or 1} cores)" in " ".join(result.stdout.split())


FAULTS = """
import resource, sys
from rootmass.command import keep_freed_memory, measure_file
kept = keep_freed_memory() if sys.argv[2] == "keep" else None
faults = []
for _ in range(4):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    measure_file(sys.argv[1], 1.5, 0.95)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(kept, min(faults[1:]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_workers_keep_freed_memory_for_the_next_photograph(tmp_path):
    photograph, _ = root_photograph(3, width=2000, height=3000)
    iio.imwrite(tmp_path / "plant.jpg", photograph, quality=90)

    def faults(how: str) -> tuple[str, int]:
        command = [sys.executable, "-c", FAULTS, str(tmp_path / "plant.jpg"), how]
        kept, count = subprocess.run(
            command, capture_output=True, text=True, check=True
        ).stdout.split()
        return kept, int(count)

    kept, with_keep = faults("keep")
    _, without = faults("default")
    assert kept == "True"
    # a photograph's arrays (about 100 MB) are faulted in again, page by page, unless kept
    assert without > 1_000 and with_keep < 100, (without, with_keep)
