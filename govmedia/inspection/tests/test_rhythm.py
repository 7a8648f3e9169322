"""Rhythm measures: days below the frequency, the longest gap, burstiness, 温差."""

from __future__ import annotations

from datetime import date, timedelta

from govmedia.inspection.rhythm import burstiness, rhythm, spread

START = date(2026, 3, 1)
END = date(2026, 3, 30)


def test_a_steady_channel_is_never_below_its_frequency():
    days = [START + timedelta(days=n) for n in range(0, 30, 3)]
    measured = rhythm(days, START, END, every_days=7)
    assert measured.days_below_frequency == 0
    assert measured.longest_gap_days == 3
    assert measured.burstiness == -1.0  # a metronome


def test_it_exposes_posting_everything_just_before_an_inspection():
    # Nothing for four weeks, then twenty posts in two days (时冷时热).
    days = [END - timedelta(days=n % 2) for n in range(20)]
    measured = rhythm(days, START, END, every_days=7, last_before=START - timedelta(days=1))
    assert measured.busiest_two_days_share == 1.0
    assert measured.longest_gap_days == 29  # 28 Feb to 29 Mar
    assert measured.days_below_frequency == 21
    assert measured.burstiness is not None and measured.burstiness > 0.5


def test_a_silent_channel_is_below_its_frequency_every_day():
    measured = rhythm([], START, END, every_days=7)
    assert measured.posts == 0
    assert measured.days_below_frequency == 30
    assert measured.longest_gap_days == 29


def test_burstiness_needs_two_gaps():
    assert burstiness([3.0]) is None
    assert burstiness([0.0, 0.0]) is None


def test_the_spread_between_departments():
    measured = spread([92.0, 60.0, 75.5])
    assert measured is not None and measured.spread == 32.0
    assert spread([]) is None
