"""The evaluation on the labelled synthetic stream: thresholds the current numbers pass with margin."""

from __future__ import annotations

from govmedia.opinion.evaluate import bcubed, evaluate, main


def test_bcubed_of_a_perfect_and_a_lumped_grouping() -> None:
    assert bcubed(["a", "a", "b"], ["x", "x", "y"]) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed(["a", "a", "b", "b"], ["x", "x", "x", "x"])
    assert p == 0.5 and r == 1.0


def test_the_pipeline_groups_detects_bursts_matches_rumours_and_scores_sentiment() -> None:
    r = evaluate(seed=2)
    assert r.bcubed_f1 > 0.85 and r.bcubed_precision > 0.9
    assert all(d is not None and d < 15 * 60 for d in r.burst_delays.values()), r.burst_delays
    assert r.rumour_precision > 0.9 and r.rumour_recall > 0.85
    assert r.sentiment_heldout > 0.55  # three classes: chance is a third


def test_the_command_prints_every_figure(capsys) -> None:  # type: ignore[no-untyped-def]
    main(["--seed", "1"])
    printed = capsys.readouterr().out
    for words in ("B-cubed", "burst water", "rumour match", "held-out set"):
        assert words in printed
