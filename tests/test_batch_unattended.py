"""The root-mass command left to run unattended (issue 27): no hang, no duplicate row, no
overwrite, no traceback.

Each test here failed before issue 27 was fixed. Where the issue speaks of processes
(signals, closed streams, a second run), the tests start real ones."""

import csv
import io
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import helpers.images
from helpers import load_image, prepare_image
from rootmass.command import find_images, measure_file, measure_files
from rootmass.reading import load_image_limited
from rootmass.results_csv import lock_path
from rootmass.saving import write_atomically
from tests.support.dask_cluster import local_cluster
from tests.support.processes import children, living
from tests.support.synthetic_photos import root_photograph, write_photo_folder
from tests.test_batch import (
    ROOT,
    count_lines,
    end_held_run,
    held_run,
    hold_hook,
    read_rows,
    run,
    wait_for_lines,
    wait_for_signal,
)
from tests.test_batch_guarantees import rootmass_process


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Twelve small photographs, photo-000.jpg to photo-011.jpg."""
    write_photo_folder(tmp_path / "photos")
    return tmp_path / "photos"


def files_in(out: Path) -> list[str]:
    return [row["file"] for row in read_rows(out)]


# ---- signals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signals", [["SIGINT", "SIGINT"], ["SIGINT", "SIGTERM", "SIGINT"], ["SIGTERM"] * 4]
)
def test_any_number_of_signals_ends_the_run_within_seconds_keeping_the_rows(
    photos, tmp_path, signals
):
    """Before, a second signal while the workers finished their photographs hung for good.
    Here the photographs in flight never finish: only the second signal can end the run."""
    out = tmp_path / "results.csv"
    with held_run(photos, out, hold_from=4, jobs=2, tmp_path=tmp_path) as (process, _):
        wait_for_lines(out, 5, process)  # the header and 4 rows; 4 more held in flight
        workers = children(process.pid)
        first, *later = [getattr(signal, name) for name in signals]
        process.send_signal(first)
        # handled before the next is sent: two signals pending at once are delivered as one
        # (seen on a loaded machine), and one signal rightly waits for the photographs
        wait_for_signal(tmp_path, first, process)
        for signum in later:
            process.send_signal(signum)
            time.sleep(0.01)
        started = time.monotonic()
        _, stderr = process.communicate(timeout=60)
        assert time.monotonic() - started < 20, "the run did not end within seconds"
        # here, not after the block: leaving it kills whatever of the run is left
        assert not any(map(living, workers)), "the workers outlived the command"
    assert process.returncode == (130 if signals[0] == "SIGINT" else 143), stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    assert not lock_path(out).exists()
    assert len(files_in(out)) == 4
    assert run(photos / "*.jpg", "--out", out, "--resume") == 0
    assert files_in(out) == sorted(set(files_in(out))) and len(files_in(out)) == 12


def hang_up(photos: Path, tmp_path: Path, hangup: signal.Handlers) -> tuple[Path, int, str]:
    """Send SIGHUP to a run (started with SIGHUP as ``hangup``) while its fifth photograph is
    held, then release it: the CSV, the exit status and stderr. A handler runs before the
    command next looks for the release file (the signal interrupts its wait)."""
    out = tmp_path / "results.csv"
    held = held_run(photos, out, hold_from=4, jobs=1, tmp_path=tmp_path, hangup=hangup)
    with held as (process, release):
        wait_for_lines(out, 5, process)
        process.send_signal(signal.SIGHUP)
        release.touch()
        _, stderr = process.communicate(timeout=60)
    return out, process.returncode, stderr


def test_sighup_stops_the_run_with_a_message(photos, tmp_path):
    _, status, stderr = hang_up(photos, tmp_path, signal.SIG_DFL)
    assert status == 129, stderr
    assert "Hung up" in stderr and "--resume" in stderr and "Traceback" not in stderr


def test_a_run_started_with_sighup_ignored_keeps_it_ignored(photos, tmp_path):
    """As under nohup: a hang-up does not stop the run, which measures every photograph."""
    out, status, stderr = hang_up(photos, tmp_path, signal.SIG_IGN)
    assert status == 0, stderr
    assert len(files_in(out)) == 12


SLOW_SEARCH = """
import time
from pathlib import Path
import rootmass.command

def find_images(patterns):
    Path({ready!r}).touch()
    time.sleep(60)

rootmass.command.find_images = find_images
"""


def test_a_signal_before_any_row_says_nothing_was_written(photos, tmp_path):
    out, ready = tmp_path / "r.csv", tmp_path / "ready"
    hook = SLOW_SEARCH.format(ready=str(ready))
    process = rootmass_process(photos / "*.jpg", "--out", out, hook=hook, tmp_path=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()  # reaped (nothing left running), whether or not it ended in time
        process.communicate()
    assert process.returncode == 143 and not out.exists()
    assert f"are in {out}" not in stderr and "Nothing was written" in stderr, stderr


# ---- identity: photographs and outputs ---------------------------------------------------


def test_resume_from_another_directory_adds_no_duplicate_row(photos, tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    monkeypatch.chdir(tmp_path)
    assert run("photos/photo-004.jpg", "--out", out) == 0
    monkeypatch.chdir(photos)
    assert run("*.jpg", "--out", "../r.csv", "--resume") == 0
    names = [Path(file).name for file in files_in(out)]
    assert sorted(names) == [f"photo-{index:03}.jpg" for index in range(12)]


def test_the_lock_and_the_final_replace_act_on_the_real_file(photos, tmp_path):
    out, link = tmp_path / "results.csv", tmp_path / "link.csv"
    link.symlink_to(out)
    with held_run(photos, out, hold_from=3, jobs=1, tmp_path=tmp_path) as (first, release):
        wait_for_lines(out, 4, first)
        second = rootmass_process(photos / "*.jpg", "--out", link, "--resume")
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 2 and "is being written by another run" in stderr, stderr
        release.touch()
        first.communicate(timeout=120)
    assert first.returncode == 0 and len(files_in(out)) == 12
    assert run(photos / "*.jpg", "--out", link, "--force") == 0
    assert link.is_symlink() and len(files_in(out)) == 12


def test_an_output_that_is_not_a_regular_file_is_a_usage_error(photos, tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert run(photos / "*.jpg", "--out", fifo, "--force") == 2
    assert run(photos / "*.jpg", "--out", "/dev/null", "--force") == 2
    assert time.monotonic() - started < 30
    error = capsys.readouterr().err
    assert "is not a regular file" in error and "Traceback" not in error
    assert Path("/dev/null").is_char_device()


# ---- ground truth is never replaced -------------------------------------------------------


def test_force_never_replaces_ground_truth(photos, tmp_path, capsys):
    gt = tmp_path / "gt"
    gt.mkdir()
    (gt / "photo-003.jpg").write_bytes((photos / "photo-003.jpg").read_bytes())
    truth = np.zeros((120, 90), np.uint8)
    iio.imwrite(gt / "photo-003-mask.png", truth)
    before = (gt / "photo-003-mask.png").read_bytes()
    for option in ([], ["--force"]):
        assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--masks", gt, *option) == 2
        error = capsys.readouterr().err
        assert "ground truth" in error and "--force" not in error, error
    assert (gt / "photo-003-mask.png").read_bytes() == before


# ---- the pixel limit counts every frame and channel, before decoding ----------------------


def _no_decoding(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(helpers.images.iio, "imread", refuse)


def test_the_pixel_limit_counts_every_frame_before_decoding(tmp_path, monkeypatch):
    frames = [Image.new("RGB", (100, 100), (index * 20, 0, 0)) for index in range(10)]
    frames[0].save(tmp_path / "many.gif", save_all=True, append_images=frames[1:])
    with Image.open(tmp_path / "many.gif") as image:
        assert image.n_frames == 10
    _no_decoding(monkeypatch)
    with pytest.raises(ValueError, match="x 10 for its frames"):  # 100,000 x 10 > 50,000
        load_image_limited(tmp_path / "many.gif", max_pixels=50_000)


def test_the_pixel_limit_counts_every_channel_before_decoding(tmp_path, monkeypatch):
    rgba = np.zeros((100, 100, 4), np.uint8)
    iio.imwrite(tmp_path / "rgba.png", rgba)
    iio.imwrite(tmp_path / "rgb.png", rgba[..., :3])
    assert load_image_limited(tmp_path / "rgb.png", max_pixels=13_000).shape == (100, 100, 3)
    _no_decoding(monkeypatch)
    with pytest.raises(ValueError, match="x 1.33 for its frames and channels"):  # > 13,000
        load_image_limited(tmp_path / "rgba.png", max_pixels=13_000)


# ---- names, saving, hand-edited CSVs --------------------------------------------------------


def test_a_name_that_is_not_utf8_gets_a_row_and_reads_back_on_resume(photos, tmp_path):
    odd = os.fsdecode(os.fsencode(str(photos)) + b"/photo-\xff.jpg")
    Path(odd).write_bytes((photos / "photo-000.jpg").read_bytes())
    out = tmp_path / "r.csv"
    assert run(photos / "*.jpg", "--out", out) == 0
    assert len(files_in(out)) == 13 and "photo-\\xff.jpg" in out.read_text(encoding="utf-8")
    summary = measure_files(find_images([str(photos / "*.jpg")]), out, resume=True, progress=False)
    assert (summary.measured, summary.already_done) == (0, 13)


def test_a_mask_that_cannot_be_saved_is_a_problem_row_and_the_run_goes_on(photos, tmp_path):
    masks = tmp_path / "masks"
    (masks / "photo-003-mask.png").mkdir(parents=True)  # a folder in the way
    long = photos / ("p" * 247 + ".jpg")  # its mask's name is too long for the file system
    long.write_bytes((photos / "photo-000.jpg").read_bytes())
    out = tmp_path / "r.csv"
    assert run(photos / "*.jpg", "--out", out, "--masks", masks, "--force") == 1
    rows = {Path(row["file"]).name: row for row in read_rows(out)}
    assert len(rows) == 13
    problems = {name for name, row in rows.items() if row["problem"]}
    assert problems == {"photo-003.jpg", long.name}
    assert all(rows[name]["root_fraction"] != "" for name in problems)
    assert "photo-003-mask.png" in rows["photo-003.jpg"]["problem"]
    assert not [path for path in masks.iterdir() if path.name.endswith(".tmp")]
    assert len(list(masks.iterdir())) == 12


@pytest.mark.parametrize("edit", ["no final newline", "crlf", "spreadsheet numbers", "bom"])
def test_a_hand_edited_csv_resumes_without_loss(photos, tmp_path, edit):
    out = tmp_path / "r.csv"
    files = find_images([str(photos / "*.jpg")])
    measure_files(files[:5], out, jobs=1, progress=False)
    text = out.read_text()
    if edit == "no final newline":
        text = text.rstrip("\n")
    elif edit == "crlf":
        text = text.replace("\n", "\r\n")
    elif edit == "bom":  # a spreadsheet's "CSV UTF-8"
        text = "\ufeff" + text.replace("\n", "\r\n")
    else:  # re-saved by a spreadsheet: 1 for 1.0, CRLF
        text = text.replace(",1.0,", ",1,").replace("\n", "\r\n")
    out.write_bytes(text.encode())
    summary = measure_files(files, out, jobs=1, resume=True, progress=False)
    assert (summary.already_done, summary.measured) == (5, 7)
    assert files_in(out) == files


# ---- Dask ---------------------------------------------------------------------------------


@pytest.mark.slow  # starts a Dask scheduler
def test_a_scheduler_without_workers_fails_with_a_message_in_bounded_time(photos, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "r.csv"
    with local_cluster(n_workers=0) as cluster:
        started = time.monotonic()
        process = rootmass_process(
            photos / "*.jpg", "--out", out, "--scheduler", cluster.scheduler_address,
            hook="import rootmass.command\nrootmass.command.SCHEDULER_TIMEOUT = 2\n",
            tmp_path=tmp_path,
        )  # fmt: skip
        try:
            _, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
            process.communicate()
    assert process.returncode == 2, stderr
    assert "has no workers" in stderr and "Traceback" not in stderr
    assert time.monotonic() - started < 30 and not out.exists()


# ---- file search --------------------------------------------------------------------------


def test_symlink_loops_under_a_double_star_are_followed_at_most_once(photos, tmp_path):
    (photos / "sub").mkdir()
    (photos / "sub" / "deep.jpg").write_bytes((photos / "photo-000.jpg").read_bytes())
    (photos / "sub" / "up").symlink_to(photos)
    (photos / "again").symlink_to(photos)
    code = (
        "import sys, time; from rootmass.finding import find_images; "
        f"started = time.monotonic(); found = find_images([{str(photos / '**' / '*.jpg')!r}]); "
        "print(len(found), len({__import__('os').path.realpath(f) for f in found}), "
        "time.monotonic() - started)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=20
    )
    found, real, _ = result.stdout.split()
    assert int(real) == 13, result.stdout
    assert int(found) == 13  # each folder once, however many links lead to it


# ---- the loader ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype", [np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64]
)
def test_the_loader_scales_integers_by_their_type_alone(dtype):
    largest = np.iinfo(dtype).max
    for image in (np.array([[0, 100]], dtype), np.array([[0, 100, largest]], dtype)):
        scaled = prepare_image(image, gray=True)
        assert scaled[0, 1] == pytest.approx(100 / largest, rel=1e-6), dtype


def test_a_ground_truth_mask_saved_as_0_and_1_is_read_as_a_mask(photos):
    photograph = load_image(photos / "photo-000.jpg", gray=True)
    row = measure_file(str(photos / "photo-000.jpg"))
    truth = np.zeros(photograph.shape, np.uint8)
    truth[:30] = 1
    iio.imwrite(photos / "photo-000-mask.png", truth)
    row = measure_file(str(photos / "photo-000.jpg"))
    assert row["problem"] == "" and float(row["truth"]) == pytest.approx(0.25)


def test_transparent_pixels_are_a_problem_row_and_opaque_alpha_is_measured(tmp_path):
    photograph, _ = root_photograph(3, width=90, height=120)
    opaque = np.dstack([photograph, np.full(photograph.shape[:2], 255, np.uint8)])
    iio.imwrite(tmp_path / "opaque.png", opaque)
    holes = opaque.copy()
    holes[:60, :, 3] = 0
    iio.imwrite(tmp_path / "holes.png", holes)
    iio.imwrite(tmp_path / "plain.png", photograph)
    plain = measure_file(str(tmp_path / "plain.png"))
    assert measure_file(str(tmp_path / "opaque.png"))["root_fraction"] == plain["root_fraction"]
    row = measure_file(str(tmp_path / "holes.png"))
    assert row["root_fraction"] == "" and "transparent" in row["problem"]


def test_a_single_frame_gif_and_an_lzw_tiff_are_read(tmp_path):
    photograph, _ = root_photograph(3, width=90, height=120)
    Image.fromarray(photograph).save(tmp_path / "one.gif")
    Image.fromarray(photograph).save(tmp_path / "lzw.tif", compression="tiff_lzw")
    assert load_image(tmp_path / "one.gif").shape == (120, 90, 3)
    lzw = load_image(tmp_path / "lzw.tif", dtype="uint8")
    assert np.array_equal(lzw, photograph)
    for name in ("one.gif", "lzw.tif"):
        assert measure_file(str(tmp_path / name))["problem"] == ""


# ---- the QC montage ------------------------------------------------------------------------


def test_the_qc_montage_after_resume_says_which_photographs_it_shows(photos, tmp_path, capsys):
    out, qc = tmp_path / "r.csv", tmp_path / "qc.png"
    files = find_images([str(photos / "*.jpg")])
    measure_files(files[:5], out, jobs=1, progress=False)
    assert run(photos / "*.jpg", "--out", out, "--resume", "--qc", qc) == 0
    error = capsys.readouterr().err
    assert "shows the 7 photographs measured in this run, not the 5" in error, error
    with Image.open(qc) as page:
        assert "7 of the 12" in page.info["Title"]


def test_a_qc_montage_is_never_measured_as_a_photograph(photos, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert run(photos / "*.jpg", "--out", out, "--qc", photos / "qc.png") == 0
    assert run(photos / "*", "--out", out, "--force") == 0
    assert len(files_in(out)) == 12 and "qc.png" not in out.read_text()
    (photos / "photo-000-MASK.PNG").write_bytes((photos / "qc.png").read_bytes())
    assert len(find_images([str(photos / "*")])) == 12


# ---- the environment: closed streams, read-only folders, a full disk ----------------------


def test_a_closed_stderr_still_gives_the_whole_csv(photos, tmp_path):
    out = tmp_path / "r.csv"
    command = f"{sys.executable} -m rootmass '{photos}/*.jpg' --out {out} 2>&-"
    result = subprocess.run(["sh", "-c", command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result
    assert files_in(out) == sorted(files_in(out)) and len(files_in(out)) == 12


def test_stderr_piped_into_head_still_gives_the_whole_sorted_csv(photos, tmp_path):
    for index in range(6):
        (photos / f"bad-{index}.jpg").write_bytes(b"not a photograph")
    out = tmp_path / "r.csv"
    command = f"{sys.executable} -m rootmass '{photos}/*.jpg' --out {out} --jobs 1 2>&1 | head -c 1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1, result
    assert files_in(out) == sorted(files_in(out)) and len(files_in(out)) == 18


@pytest.mark.skipif(not os.access("/sys", os.F_OK), reason="needs /sys, where no one writes")
def test_outputs_in_a_folder_that_cannot_be_written_are_usage_errors(photos, tmp_path, capsys):
    assert run(photos / "*.jpg", "--out", "/sys/r.csv") == 2
    assert "cannot be written" in capsys.readouterr().err
    assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--qc", "/sys/qc.png") == 2
    error = capsys.readouterr().err
    assert "cannot be written" in error and "Traceback" not in error
    assert run(photos / "*.jpg", "--out", tmp_path / "r.csv", "--masks", "/sys/new/masks") == 2
    assert "--masks /sys/new/masks: the folder /sys cannot be written" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def _small_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (1500, 1500))


def test_a_full_disk_ends_with_a_message_and_status_3_keeping_the_rows(photos, tmp_path):
    out = tmp_path / "r.csv"
    command = [sys.executable, "-m", "rootmass", str(photos / "*.jpg"), "--out", str(out)]
    result = subprocess.run(
        [*command, "--quiet", "--jobs", "1"], cwd=ROOT, capture_output=True, text=True,
        preexec_fn=_small_files,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and "--resume" in result.stderr
    assert 1 <= len(read_rows(out)) < 12
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".tmp")]
    assert not lock_path(out).exists()
    assert run(photos / "*.jpg", "--out", out, "--resume") == 0
    assert len(files_in(out)) == 12


def test_a_csv_in_the_old_columns_resumes(photos, tmp_path, monkeypatch):
    """CSVs written before the ``path`` column resume as before (paths as spelled)."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.csv"
    files = find_images(["photos/*.jpg"])
    measure_files(files[:5], out, jobs=1, progress=False)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    old = [column for column in rows[0] if column != "path"]
    with out.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, old, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    summary = measure_files(files, out, jobs=1, resume=True, progress=False)
    assert (summary.already_done, summary.measured) == (5, 7)
    assert files_in(out) == files and count_lines(out) == 13


@pytest.mark.slow  # starts a local Dask cluster, and closes it mid-run
def test_a_scheduler_that_dies_mid_run_ends_with_status_3_keeping_the_rows(
    photos, tmp_path, monkeypatch
):
    """Before, a FuturesCancelledError traceback."""
    pytest.importorskip("distributed")
    release, hook, out = tmp_path / "release", tmp_path / "hook", tmp_path / "r.csv"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(hold_hook(release, hold_from=4))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), str(ROOT)]))  # the workers'
    cluster = local_cluster()
    command = [sys.executable, "-m", "rootmass", str(photos / "*.jpg"), "--out", str(out)]
    command += ["--scheduler", cluster.scheduler_address, "--quiet"]
    environment = dict(os.environ, PYTHONPATH=str(ROOT))  # the hook is the workers' alone
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True, process_group=0
    )
    try:
        wait_for_lines(out, 5, process)  # the header and 4 rows; the others held
        cluster.close()
        _, stderr = process.communicate(timeout=120)
    finally:
        end_held_run(process, release)
        cluster.close()  # already, unless the test failed before it closed the cluster
    assert process.returncode == 3, stderr
    assert "The Dask cluster stopped answering" in stderr and "Traceback" not in stderr
    assert "--resume" in stderr and len(files_in(out)) >= 4
    monkeypatch.delenv("PYTHONPATH")
    assert run(photos / "*.jpg", "--out", out, "--resume") == 0
    assert files_in(out) == sorted(set(files_in(out))) and len(files_in(out)) == 12


def test_an_interrupted_replace_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Before, Ctrl-C or a full disk during the final sort left a large or empty .tmp."""
    target = tmp_path / "r.csv"
    target.write_text("before\n")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"after\n")
    assert [path.name for path in tmp_path.iterdir()] == ["r.csv"]
    assert target.read_text() == "before\n"
