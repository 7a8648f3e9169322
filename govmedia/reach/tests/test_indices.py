"""WCI V14.2 and BCI against values worked out by hand from the published formulas."""

from __future__ import annotations

import math

import pytest

from govmedia.reach import indices
from govmedia.reach.indices import BciInputs, Figures

ln = math.log


def test_it_computes_wci_v14_2_as_published_for_a_week():
    # A week (d = 7) with two articles: the headline R 7000, 在看 70, likes 140,
    # shares 700; the second R 3500, 在看 35, likes 0, shares 350.
    articles = [(Figures(7000, 70, 140, 700), True), (Figures(3500, 35, 0, 350), False)]
    inputs = indices.wci_inputs(articles, indices.period_days("week", 7))
    assert (inputs.days, inputs.articles) == (7, 2)
    assert inputs.total == Figures(10500, 105, 140, 1050)
    assert inputs.headline == Figures(7000, 70, 140, 700)
    assert inputs.peak == Figures(7000, 70, 140, 700)
    # By hand: O = 0.70 ln(1500+1) + 0.09 ln(150+1) + 0.06 ln(200+1) + 0.15 ln(1500+1) = 6.98656
    #          A = 0.70 ln(5250+1) + 0.09 ln(525+1) + 0.06 ln(700+1) + 0.15 ln(5250+1) = 8.23828
    #          H = 0.70 ln(1000+1) + 0.09 ln(100+1) + 0.06 ln(200+1) + 0.15 ln(1000+1) = 6.60600
    #          P = 0.70 ln(7000+1) + 0.09 ln(700+1) + 0.06 ln(1400+1) + 0.15 ln(7000+1) = 8.55016
    #          WCI = (0.6 O + 0.2 A + 0.1 H + 0.1 P)^2 x 1.2 x 10 = 7.35535^2 x 12 = 649.19
    o = 0.70 * ln(1501) + 0.09 * ln(151) + 0.06 * ln(201) + 0.15 * ln(1501)
    assert o == pytest.approx(6.98656, abs=1e-5)
    assert indices.wci(inputs) == pytest.approx(649.19, abs=0.01)


def test_a_month_counts_thirty_days_whatever_its_length():
    assert indices.period_days("month", 31) == 30
    assert indices.period_days("month", 28) == 30
    assert indices.period_days("custom", 12) == 12


def test_an_account_that_published_nothing_scores_zero():
    assert indices.wci(indices.wci_inputs([], 30)) == 0


def test_it_computes_bci_as_published():
    # 30 posts, 600 reposts, 300 comments, 1500 likes:
    # W1 = ln(31) = 3.43399; W2 = 0.4 ln(601) + 0.4 ln(301) + 0.2 ln(1501) = 6.30506;
    # BCI = (0.2 W1 + 0.8 W2) x 160 = 916.94
    assert indices.bci(BciInputs(posts=30, reposts=600, comments=300, likes=1500)) == (
        pytest.approx(916.94, abs=0.01)
    )
    assert indices.bci(BciInputs(0, 0, 0, 0)) == 0
