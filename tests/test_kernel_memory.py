"""benchmarks/kernel_memory.py measures what an episode's kernel holds after Run All."""

import re

import pytest

from benchmarks import kernel_memory


@pytest.mark.slow  # two kernels
def test_an_episode_that_holds_200_mb_is_measured_over_the_baseline(tmp_path, capsys):
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    (tmp_path / "data").mkdir()
    episode = episodes / "01-big.md"
    episode.write_text(
        "# Big\n\n```{code-cell} ipython3\nimport numpy as np\n"
        "big = np.ones((200, 1_000_000), np.uint8)  # 200 MB, touched\n"
        'open("../results.txt", "w").write("written")\n```\n'
    )
    assert kernel_memory.main([str(episode)]) == 0
    out = capsys.readouterr().out
    baseline = float(re.search(r"empty notebook \(baseline\)\s+(\d+) MB now", out).group(1))
    now, peak = map(float, re.search(r"01-big\s+(\d+) MB now\s+(\d+) MB peak", out).groups())
    assert 20 < baseline < 400
    assert now - baseline > 180 and peak >= now
    assert "over 600 MB: none" in out if now <= 600 else "over 600 MB: 01-big" in out
    assert not (tmp_path / "results.txt").exists()  # the kernel ran in a copy of the layout
