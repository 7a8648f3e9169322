"""The evaluation on the labelled synthetic stream: thresholds the current numbers pass with margin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from govmedia.cli import main as govmedia
from govmedia.opinion.evaluate import bcubed, evaluate

REPO = Path(__file__).resolve().parents[3]


def test_bcubed_of_a_perfect_and_a_lumped_grouping() -> None:
    assert bcubed(["a", "a", "b"], ["x", "x", "y"]) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed(["a", "a", "b", "b"], ["x", "x", "x", "x"])
    assert p == 0.5 and r == 1.0


def test_the_pipeline_groups_detects_bursts_matches_rumours_and_scores_sentiment() -> None:
    r = evaluate(seed=2)
    assert r.bcubed_f1 > 0.85 and r.bcubed_precision > 0.9
    assert all(d is not None and d < 15 * 60 for d in r.burst_delays.values()), r.burst_delays
    assert r.rumour_precision > 0.9 and r.rumour_recall > 0.85
    assert r.sentiment_heldout > 0.68  # three classes: chance is a third; 0.720 measured


def test_govmedia_opinion_eval_prints_every_figure(capsys) -> None:  # type: ignore[no-untyped-def]
    assert govmedia(["opinion-eval", "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    for words in ("B-cubed", "burst water", "rumour match", "held-out set"):
        assert words in printed


def test_govmedia_opinion_eval_help_describes_it_without_starting_django(tmp_path) -> None:  # type: ignore[no-untyped-def]
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environ.update(GOVMEDIA_DATA_DIR=str(tmp_path), PYTHONPATH=str(REPO))
    driver = (
        "import sys\nfrom govmedia.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "finally:\n    sys.stderr.write(f'django imported: {\"django\" in sys.modules}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", driver, "opinion-eval", "--help"],
        capture_output=True,
        cwd=REPO,
        env=environ,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "govmedia opinion-eval" in out and "--seed" in out and "held-out" in out
    assert "django imported: False" in done.stderr.decode()
    listing = subprocess.run(
        [sys.executable, "-c", driver, "--help"], capture_output=True, cwd=REPO, env=environ
    )
    assert "opinion-eval" in listing.stdout.decode()


def test_the_sentiment_training_set_shares_no_sentence_phrase_or_frame_with_the_held_out_set() -> (
    None
):
    from govmedia.opinion.synthetic import (
        sentiment_heldout_set,
        sentiment_training_groups,
        sentiment_training_set,
    )

    train, _ = sentiment_training_set()
    held, _ = sentiment_heldout_set()
    assert not set(train) & set(held)
    phrases, frames = sentiment_training_groups()
    assert len(phrases) == len(frames) == len(train)
    assert not any(phrase in sentence for phrase in set(phrases) for sentence in held)
