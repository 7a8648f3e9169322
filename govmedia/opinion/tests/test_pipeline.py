"""The opinion pipeline (plain Python): grouping, duplicates, sentiment, rumours, bursts, alerts, bad input."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from govmedia.opinion.pipeline import Config, Pipeline
from govmedia.opinion.posts import Post
from govmedia.opinion.rumours import Claim, RumourIndex
from govmedia.opinion.synthetic import CLAIMS

T0 = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
WATER = "东城区青石街早上突然停水，到现在还没来水，自来水公司电话一直打不通，老人孩子都没水用"


def post(key: str, text: str, minutes: float = 0, **kw: object) -> Post:
    return Post(key, "weibo", text, T0 + timedelta(minutes=minutes), **kw)  # type: ignore[arg-type]


def test_it_marks_exact_copies_including_traditional_and_full_width_forms() -> None:
    out = Pipeline().process(
        [
            post("a", WATER),
            post("b", WATER + "！！"),
            post(
                "c",
                "東城區青石街早上突然停水，到現在還沒來水，自來水公司電話一直打不通，老人孩子都沒水用",
            ),
        ]
    )
    assert out[1].duplicate_of == "a" and out[2].duplicate_of == "a"
    assert len({o.event_id for o in out}) == 1


def test_it_finds_near_duplicates_with_small_edits_and_keeps_different_posts_apart() -> None:
    edited = "转发：" + WATER.replace("早上", "上午").replace("一直", "") + "😡"
    other = "实验小学食堂饭菜质量太差，孩子说吃了肚子疼，家长们很担心，学校给个说法"
    out = Pipeline().process([post("a", WATER), post("b", edited, 1), post("c", other, 2)])
    assert out[1].near_duplicate_of == "a" and out[1].event_id == out[0].event_id
    assert not out[2].near_duplicate_of and out[2].event_id != out[0].event_id


def test_a_reply_joins_its_parents_event_whatever_its_words() -> None:
    out = Pipeline().process([post("a", WATER), post("b", "太过分了，谁来管管", 3, parent_key="a")])
    assert out[1].event_id == out[0].event_id


def test_the_same_key_delivered_twice_is_processed_once() -> None:
    p = Pipeline()
    first = p.process([post("a", WATER), post("a", WATER)])
    again = p.process([post("a", WATER)])
    assert not first[0].redelivered and first[1].redelivered and again[0].redelivered
    assert p.events[first[0].event_id].volume == 1


def test_empty_and_emoji_only_posts_give_a_result_without_an_event() -> None:
    out = Pipeline().process(
        [post("a", ""), post("b", "😀😀😀"), post("c", "😀😀😀"), post("d", "   ")]
    )
    assert [o.event_id for o in out] == ["", "", "", ""]
    assert out[2].duplicate_of == "b"
    assert all(o.sentiment == "neutral" for o in out)


def test_a_rumour_matches_its_claim_in_traditional_characters_and_with_edits() -> None:
    index = RumourIndex(CLAIMS)
    assert index.match("緊急擴散！城東化工園區氯氣洩漏，全城居民需要緊急撤離")[0] == "R1"  # type: ignore[index]
    assert index.match("网传城东化工区氯气泄露了，全城居民要赶紧撤离")[0] == "R1"  # type: ignore[index]
    assert index.match("城东化工园区今天开放日，市民可以预约参观安全生产展厅") is None
    assert index.match("") is None and RumourIndex([]).match("任何内容") is None


def test_alerts_name_the_rules_that_fired() -> None:
    config = Config(
        claims=[Claim("R1", "城东化工园区发生氯气泄漏，全城居民需要紧急撤离")],
        watched_names=["李明"],
    )
    p = Pipeline(config)
    rng = random.Random(3)
    posts = [
        post(f"w{i}", WATER.replace("早上", rng.choice(["上午", "中午", "刚才"])) + str(i), i / 10)
        for i in range(40)
    ]
    posts += [post("r", "网传城东化工园区氯气泄漏，全城居民都要紧急撤离", 5)]
    posts += [post("n", "市交通局局长李明今天视察了人民路改造工程", 6)]
    p.process(posts)
    alerts = {a.event_id: a for a in p.alerts(T0 + timedelta(minutes=6))}
    water = next(a for a in alerts.values() if "w0" in a.sample_keys)
    assert "burst" in water.reasons and "negative_share" in water.reasons and water.volume == 40
    rumour = next(a for a in alerts.values() if "r" in a.sample_keys)
    assert rumour.reasons == ["rumour"] and rumour.rumours[0][0] == "R1"
    named = next(a for a in alerts.values() if "n" in a.sample_keys)
    assert named.watched == ["李明"]


def test_old_events_and_index_entries_leave_the_window() -> None:
    p = Pipeline(Config(window_hours=1))
    p.process([post("a", WATER)])
    p.process([post("b", "实验小学食堂饭菜质量太差，家长们很担心", 120)])
    assert len(p.events) == 1 and p.state.event_of("a") is None
    assert p.process([post("c", WATER, 121)])[0].duplicate_of == ""


def test_schemes_are_listed_on_each_outcome() -> None:
    p = Pipeline(Config(schemes={"供水": "(停水 OR 断水) AND 东城区 NOT 演练"}))
    out = p.process([post("a", WATER), post("b", "东城区停水演练明天举行")])
    assert out[0].schemes == ["供水"] and out[1].schemes == []


@pytest.mark.slow
def test_a_hundred_thousand_posts_at_once_are_taken_in_batches_with_bounded_memory() -> None:
    rng = random.Random(5)
    words = "停水 修路 学校 食堂 公交 医院 物业 噪音 停车 垃圾 快递 暖气 天气 公园 地铁".split()
    posts = [
        post(f"k{i}", "".join(rng.choice(words) for _ in range(12)) + str(i), i / 600)
        for i in range(100_000)
    ]
    p = Pipeline(Config(window_hours=0.5, batch_size=2000))
    out = p.process(posts)
    assert len(out) == 100_000 and all(o.event_id for o in out)
    # Half an hour at ten posts a second is remembered, not the whole delivery.
    assert len(p.state) <= 18_100 and len(p.events) <= 18_100


def test_sentiment_reads_complaints_and_praise() -> None:
    out = Pipeline().process(
        [
            post("a", "投诉了三次还是没人管，太让人失望了"),
            post("b", "工作人员处理得非常及时，感谢，点赞"),
            post("c", "请问办证需要带什么材料"),
        ]
    )
    assert [o.sentiment for o in out] == ["negative", "positive", "neutral"]
    assert out[0].sentiment_score < 0 < out[1].sentiment_score
