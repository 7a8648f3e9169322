"""The judging, the scoring and the 75-point scaling, over plain data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from govmedia.inspection import judge, scoring
from govmedia.inspection.judge import ChannelFacts, default_rules

TODAY = date(2026, 3, 31)
RULES = default_rules()


def at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC)


def facts(column_type: str, days_ago: int | None, entries: int = 10, **kwargs) -> ChannelFacts:
    return ChannelFacts(
        channel_id=kwargs.pop("channel_id", 1),
        name=kwargs.pop("name", "栏目"),
        column_type=column_type,
        entries=entries,
        dated_entries=entries if days_ago is not None else 0,
        latest_published=at(days_ago) if days_ago is not None else None,
        **kwargs,
    )


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_it_vetoes_a_home_page_not_updated_for_two_weeks():
    assert codes(judge.judge_channel(facts(judge.HOME, 14), TODAY, RULES)) == []
    problems = judge.judge_channel(facts(judge.HOME, 15), TODAY, RULES)
    assert codes(problems) == [judge.HOME_STALE] and problems[0].veto


def test_it_gives_news_two_weeks_and_notices_six_months():
    assert codes(judge.judge_channel(facts(judge.NEWS, 20), TODAY, RULES)) == [judge.COLUMN_STALE]
    assert codes(judge.judge_channel(facts(judge.NOTICE, 170), TODAY, RULES)) == []
    assert codes(judge.judge_channel(facts(judge.POLICY, 190), TODAY, RULES)) == [
        judge.COLUMN_STALE
    ]


def test_it_counts_content_without_a_date_as_not_updated():
    problems = judge.judge_channel(facts(judge.NEWS, None, entries=8), TODAY, RULES)
    assert codes(problems) == [judge.COLUMN_STALE]
    assert "均无发布日期" in problems[0].detail


def test_it_finds_a_blank_column():
    problems = judge.judge_channel(facts(judge.OTHER, None, entries=0), TODAY, RULES)
    assert codes(problems) == [judge.BLANK]


def test_it_warns_a_new_media_account_at_one_week_and_vetoes_at_two():
    assert codes(judge.judge_channel(facts(judge.NEW_MEDIA, 5), TODAY, RULES)) == []
    warn = judge.judge_channel(facts(judge.NEW_MEDIA, 9), TODAY, RULES)
    assert codes(warn) == [judge.NEW_MEDIA_WARN] and not warn[0].veto
    veto = judge.judge_channel(facts(judge.NEW_MEDIA, 15), TODAY, RULES)
    assert codes(veto) == [judge.NEW_MEDIA_STALE] and veto[0].veto


def test_it_vetoes_unavailability_on_five_percent_of_probes():
    ok = facts(judge.HOME, 1, probes=168, probes_failed=8)  # 4.8 %
    assert codes(judge.judge_channel(ok, TODAY, RULES)) == [judge.UNAVAILABLE_SOME]
    bad = facts(judge.HOME, 1, probes=168, probes_failed=9)  # 5.4 %
    assert codes(judge.judge_channel(bad, TODAY, RULES)) == [judge.UNAVAILABLE]


def test_it_vetoes_a_message_unanswered_for_more_than_three_months():
    channel = facts(judge.INTERACTION, 1, open_message_days=[("No.1", 80), ("No.2", 95)])
    problems = judge.judge_channel(channel, TODAY, RULES)
    assert codes(problems) == [judge.UNANSWERED]
    assert problems[0].evidence == [{"message": "No.2", "days": 95}]


def test_it_vetoes_five_stale_columns_but_deducts_for_four():
    def department(stale: int):
        channels = {
            n: judge.judge_channel(facts(judge.NEWS, 30, channel_id=n), TODAY, RULES)
            for n in range(stale)
        }
        own = judge.judge_department(channels, RULES)
        return scoring.department_score(own, list(channels.values()))

    four = department(4)
    assert not four.vetoed and four.state == scoring.WARNED and four.score == 95
    five = department(5)
    assert five.vetoed and five.state == scoring.VETOED and not five.passed


def test_it_vetoes_ten_columns_not_updated_and_five_blank_ones():
    stale = {
        n: judge.judge_channel(facts(judge.OTHER, 60, channel_id=n), TODAY, RULES)
        for n in range(10)
    }
    assert judge.NOT_UPDATED_VETO in codes(judge.judge_department(stale, RULES))
    blank = {
        n: judge.judge_channel(facts(judge.OTHER, None, entries=0, channel_id=n), TODAY, RULES)
        for n in range(5)
    }
    assert judge.BLANK_VETO in codes(judge.judge_department(blank, RULES))


def test_it_vetoes_a_serious_finding_in_published_content():
    findings = [
        {"severity": "blocking", "category": "privacy", "text": "110101199003071234"},
        {"severity": "warning", "category": "typo", "text": "既使"},
    ]
    own = judge.judge_department({}, RULES, findings=findings)
    assert codes(own) == [judge.SERIOUS_FINDING, judge.MINOR_FINDING]
    assert scoring.department_score(own, []).vetoed


def test_it_scores_a_department_without_external_services_out_of_75_scaled_by_four_thirds():
    problems = [
        judge.Problem(judge.COLUMN_STALE, deduction=15),
        judge.Problem(judge.NOT_UPDATED, deduction=10, section=judge.SECTION_SERVICE),
    ]
    with_services = scoring.channel_score(problems)
    assert with_services.score == 75
    without = scoring.channel_score(problems, has_services=False)
    # The service section does not count; (75 - 15) * 4/3 = 80.
    assert without.score == 80 and without.deduction == 15


def test_it_normalises_a_department_for_its_number_of_channels():
    bad = [judge.Problem(judge.COLUMN_STALE, deduction=10)]
    two = scoring.department_score([], [bad, []])
    twenty = scoring.department_score([], [bad] * 2 + [[]] * 18)
    # Same share of neglected channels: the mean deduction is what counts.
    assert two.score == 95
    assert twenty.score == 99
    assert scoring.department_score([], [bad, bad]).score == 90


def test_it_passes_at_sixty():
    problems = [judge.Problem(judge.COLUMN_STALE, deduction=40)]
    assert scoring.channel_score(problems).passed
    problems.append(judge.Problem(judge.BLANK, deduction=1))
    assert not scoring.channel_score(problems).passed


def test_a_report_period_is_a_month_or_a_quarter():
    from govmedia.inspection.report import parse_period

    assert parse_period("2026-02") == (date(2026, 2, 1), date(2026, 2, 28), "2026年2月")
    assert parse_period("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度")
    for bad in ("2026-13", "2026-Q5", "202603"):
        try:
            parse_period(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
