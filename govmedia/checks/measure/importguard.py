"""``govmedia check-eval lists``: does a big public-style list block ordinary documents?

Generates a 50,000-entry list in the style of the sensitive-word lists found
online — 6,000 common words (改革, 人民, 国家, 发展 …: the 2,000 most frequent
words of jieba's dictionary and 4,000 drawn from the next 48,000) mixed with sensitive-looking phrases composed from
parts (出售 + 银行卡, 代办 + 驾照 + 加急 …) — passes it through the import guard,
builds an engine with the entries the guard leaves enabled, checks every file
of the held-out half of the laws corpus (the half the common-word table was
*not* built from) and prints the share of documents with no blocking finding.
Goal: at least 95%.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import IO

from ..commonwords import in_build_half
from ..engine import Engine
from ..findings import BLOCKING, SENSITIVE
from ..importguard import DEFAULT_JIEBA, DEFAULT_PER_MILLION, ImportGuard
from ..lists import ListEntry
from ..variants import _jieba_frequencies
from . import Goal, report_goals

NAME = "lists"
HELP = (
    "import a generated 50,000-entry public-style list through the guard and print the "
    "share of real-prose documents it leaves unblocked"
)


def find_corpora() -> Path:
    """``shared/corpora`` beside the repository or one of its parents (worktrees sit deeper)."""
    repo = Path(__file__).resolve().parents[3]
    for parent in repo.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    return repo.parent / "shared" / "corpora"


DEFAULT_CORPUS = find_corpora() / "laws"
GOAL_UNBLOCKED = 0.95

# Parts of sensitive-looking phrases, written for this generator.
_ACTIONS = (
    "出售 收购 代办 代开 办理 批发 求购 转让 出租 回收 低价出售 高价回收 代购 定制 快速办理 "
    "包过 代写 代考 网上出售 上门回收 专业代办 诚信出售 大量收购 长期出售 私人定制 内部渠道 "
    "加急办理 免费领取 专业制作 正规渠道 全国代办 批量出售 秒到账 无需审核 当天出证"
).split()
_OBJECTS = (
    "发票 增值税发票 证件 驾照 学历证书 毕业证 银行卡 手机卡 电话卡 信用卡 枪支 气枪 弹药 "
    "管制刀具 弩箭 冰毒 大麻 摇头丸 迷药 假币 窃听器 针孔摄像头 身份证 公章 文凭 护照 车牌 "
    "考试答案 考题 四六级答案 彩票内幕 赌具 炸药 雷管 发票代开 对公账户 营业执照 社保卡 "
    "公民信息 个人信息 手机定位 开房记录 黑卡 套现 网贷 裸贷 高利贷 六合彩 时时彩 百家乐 "
    "老虎机 赌球 代孕 卵子 肾源 器官 病死猪肉 假药 处方药 麻醉药 催情药 跟踪器 信号屏蔽器"
).split()
_TAILS = (
    "加微信 联系电话 QQ联系 量大从优 价格优惠 货到付款 安全可靠 保密发货 全国包邮 诚信经营 "
    "一条龙服务 渠道 代理 平台 网站 教程 下载 货源 批发价 联系方式"
).split()
# Common words any big public list contains, spelled out so the test names them.
_COMMON = "改革 人民 国家 发展 政府 中央 领导 社会 经济 政治 安全 管理 服务 群众 干部".split()


def generate_public_list(size: int = 50_000, *, seed: int = 20240901) -> list[str]:
    """Terms of a public-style sensitive list: common words plus composed phrases."""
    rng = random.Random(seed)
    ranked = [
        w
        for w, _ in sorted(_jieba_frequencies().items(), key=lambda kv: (-kv[1], kv[0]))
        if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)
    ]
    # The 2,000 most frequent words, and 4,000 from the next 48,000: lists hold both.
    common = ranked[:2000] + rng.sample(ranked[2000:50_000], 4000)
    terms: dict[str, None] = dict.fromkeys(_COMMON + common)
    composed = [a + o for a in _ACTIONS for o in _OBJECTS]
    composed += [o + t for o in _OBJECTS for t in _TAILS]
    rng.shuffle(composed)
    terms.update(dict.fromkeys(composed))
    while len(terms) < size:
        terms[rng.choice(_ACTIONS) + rng.choice(_OBJECTS) + rng.choice(_TAILS)] = None
    return list(terms)[:size]


def held_out_files(corpus: Path, sample: int = 0) -> list[Path]:
    files = sorted(p for p in corpus.glob("*.txt") if not in_build_half(p.name))
    if sample and sample < len(files):
        files = files[:: max(1, len(files) // sample)][:sample]
    return files


def unblocked_share(engine: Engine, files: list[Path]) -> tuple[float, list[tuple[str, str]]]:
    """Share of files with no blocking finding, and (file, first blocking text) of the others."""
    blocked: list[tuple[str, str]] = []
    for path in files:
        report = engine.check(path.read_text(encoding="utf-8"))
        first = next((f for f in report.findings if f.severity == BLOCKING), None)
        if first is not None:
            blocked.append((path.name, first.text))
    return 1 - len(blocked) / max(len(files), 1), blocked


def guarded_engine(
    terms: list[str], *, per_million: float, jieba: int
) -> tuple[Engine, int, float]:
    """An engine with the enabled entries the guard leaves; demoted count, guard seconds."""
    entries = [ListEntry(t, SENSITIVE, BLOCKING, source="public") for t in terms]
    started = time.perf_counter()
    result = ImportGuard(per_million=per_million, jieba=jieba).check(entries)
    seconds = time.perf_counter() - started
    engine = Engine(result.enabled_entries, privacy=False, formatting=False)
    return engine, len(result.demoted), seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="laws corpus folder")
    parser.add_argument("--size", type=int, default=50_000, help="entries in the generated list")
    parser.add_argument(
        "--sample", type=int, default=0, help="check only this many held-out files (0: all)"
    )
    parser.add_argument(
        "--per-million",
        type=float,
        default=DEFAULT_PER_MILLION,
        help="guard threshold: occurrences per million characters of the laws corpus "
        "(default %(default)s, the setting GOVMEDIA_CHECKS_IMPORT_COMMON_PER_MILLION)",
    )
    parser.add_argument(
        "--jieba",
        type=int,
        default=DEFAULT_JIEBA,
        help="guard threshold: frequency in jieba's dictionary "
        "(default %(default)s, the setting GOVMEDIA_CHECKS_IMPORT_COMMON_JIEBA)",
    )
    parser.add_argument("--show", type=int, default=10, help="blocked files to list")


def run(args: argparse.Namespace, out: IO[str]) -> int:
    if not args.corpus.is_dir():
        print(f"error: corpus folder {args.corpus} not found", file=out)
        return 2
    terms = generate_public_list(args.size)
    started = time.perf_counter()
    engine, demoted, guard_seconds = guarded_engine(
        terms, per_million=args.per_million, jieba=args.jieba
    )
    build_seconds = time.perf_counter() - started
    files = held_out_files(args.corpus, args.sample)
    share, blocked = unblocked_share(engine, files)
    print(f"generated list: {len(terms)} entries, guard demoted {demoted}", file=out)
    print(f"guard: {guard_seconds:.2f} s; guard and engine build: {build_seconds:.2f} s", file=out)
    print(
        f"held-out corpus files checked: {len(files)}; unblocked: {share:.1%}; "
        f"blocked: {len(blocked)}",
        file=out,
    )
    for name, text in blocked[: args.show]:
        print(f"  blocked: {name} by {text!r}", file=out)
    return report_goals([Goal("unblocked share", round(share, 4), GOAL_UNBLOCKED, True)], out)
