from datetime import date

from govmedia.checks.normalize import fold
from govmedia.checks.rules.leaders import Leader, LeaderChecker

TABLE = [
    Leader("王建国", "市长", "示例市人民政府", date(2021, 3, 1), None),
    Leader("王建国", "副市长", "示例市人民政府", date(2017, 1, 10), date(2021, 2, 28)),
    Leader("李红梅", "副市长", "示例市人民政府", date(2022, 1, 15), None),
    Leader("赵志刚", "市委书记", "中共示例市委", date(2020, 6, 1), None),
]
TODAY = date(2026, 6, 1)


def rules(text):
    return [(f.rule, f.text) for f in LeaderChecker(TABLE).find(fold(text), today=TODAY)]


def test_it_accepts_current_titles_before_or_after_the_name():
    assert rules("市长王建国、副市长李红梅出席。王建国市长指出") == []


def test_it_blocks_a_title_the_person_never_held():
    ((rule, text),) = rules("市长李红梅调研")
    assert (rule, text) == ("leader:wrong-title", "市长李红梅")


def test_it_blocks_a_former_title_used_in_the_present_but_accepts_it_with_yuan():
    assert rules("副市长王建国出席") == [("leader:former-title", "副市长王建国")]
    assert rules("原副市长王建国曾分管") == []
    assert rules("示例市原副市长王建国曾分管") == []


def test_a_leader_finding_says_what_the_table_records():
    [wrong] = LeaderChecker(TABLE).find(fold("市长李红梅调研"), today=TODAY)
    assert (
        wrong.reason == "领导职务表中李红梅没有“市长”这一职务（成文日期当日：示例市人民政府副市长）"
    )
    [former] = LeaderChecker(TABLE).find(fold("副市长王建国出席"), today=TODAY)
    assert (
        former.reason
        == "领导职务表记载王建国已于2021年02月28日卸任副市长，而“副市长”前没有“原”或“前”"
    )


def test_it_checks_every_title_in_a_chain():
    assert rules("市委书记、市长赵志刚强调") == [("leader:wrong-title", "市长赵志刚")]


def test_it_ignores_a_known_name_without_a_title():
    assert rules("村民王建国说") == []


def test_it_reads_the_reference_date():
    checker = LeaderChecker(TABLE)
    assert checker.find("副市长王建国", today=date(2020, 1, 1)) == []
