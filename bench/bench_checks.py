"""Benchmark of the content-check engine (run on demand, not a test).

    .venv/bin/python bench/bench_checks.py [--mb 5] [--baseline-seconds 20] [--prose-mb 5]
        [--cli-mb 20] [--corpus ../shared/corpora]

Measures on one core, with a generated 100,000-entry list on top of the
built-in lists and a small leader table (links not checked):

* the whole engine on real prose (a seeded sample of the laws corpus in
  ``../shared/corpora/laws``, read from there, never copied) and on
  finding-dense text, against raw ``ahocorasick_rs`` matching of the same keys
  (the engine's own automaton type, UTF-8 bytes, overlapping matches, no
  normalisation and no rules) on the same text in the same run, as ratios;
* ``govmedia check --format json`` through the command line on a large file
  (a subprocess; wall and CPU time) and on one line (median of 5 runs);

* throughput of the whole engine (normalisation and every rule) in MB/s of
  UTF-8 text, on one long text and on 100-character posts checked one by one;
* the same list as one Python ``re`` alternation (the naive approach), on the
  same text, with its time capped so the run finishes; ratios are reported;
* time to check a 5,000-character article once the engine is loaded;
* time to load the 100,000-entry list: parsing it, reloading it from the
  on-disk cache, and building the automaton.

The generated list mixes random words over the characters of real official
prose (so some entries occur in the text) with random ideograph strings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import ahocorasick_rs  # noqa: E402

from govmedia.checks.engine import Engine  # noqa: E402
from govmedia.checks.lists import load_builtin_lists, load_lists  # noqa: E402
from govmedia.checks.normalize import normalize  # noqa: E402
from govmedia.checks.rules.format import find_format  # noqa: E402
from govmedia.checks.rules.leaders import Leader  # noqa: E402
from govmedia.checks.rules.links import find_text_links  # noqa: E402
from govmedia.checks.rules.privacy import find_privacy, id18_check_char, luhn_valid  # noqa: E402

SEED = 20260601
LIST_SIZE = 100_000

# Sentences in the register of a government notice; the generator recombines them.
PROSE = """
市政府召开常务会议，研究部署安全生产、防汛抗旱和民生保障等重点工作。会议强调，各区各部门要坚持以人民为中心的发展思想，
统筹发展和安全，切实履行属地管理责任和行业监管责任，确保各项措施落到实处。会议要求，要加快优化营商环境，深化“放管服”改革，
推进政务服务“一网通办”，让企业和群众办事更加便捷。要持续做好稳就业工作，落实援企稳岗政策，加强高校毕业生、农民工等重点群体
就业帮扶。要抓好城市更新和老旧小区改造，完善社区养老、托育等公共服务设施。市教育局、市交通运输局、市卫生健康委员会等单位
负责同志参加会议。据统计，今年一季度全市地区生产总值同比增长百分之五点二，规模以上工业增加值增长百分之六点一，社会消费品零售
总额增长百分之四点八。下一步，将进一步压实责任，加强督促检查，对工作不力、推诿扯皮的严肃问责。咨询电话：0755-12345678，
政务服务便民热线12345。发文字号：示政发〔2026〕12号。
"""


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def generate_list(rng: random.Random, pool: str) -> list[str]:
    """100,000 random words: half over the characters of the prose, half over the whole block.

    Words over the prose's own characters (4–6 long) look like a real list of
    phrases sharing the text's characters; neither kind occurs in the text by
    chance, so findings come only from the words planted by ``generate_text``.
    """
    words: set[str] = set()
    while len(words) < LIST_SIZE:
        if rng.random() < 0.5:
            word = "".join(rng.choice(pool) for _ in range(rng.randint(4, 6)))
        else:
            word = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 6)))
        words.add(word)
    return sorted(words)


def generate_text(rng: random.Random, size_bytes: int, planted: list[str]) -> str:
    """Prose recombined sentence by sentence, with a listed word planted about every 5,000 chars."""
    sentences = [s for s in re.split(r"(?<=[。；])", PROSE.replace("\n", "")) if s]
    parts: list[str] = []
    total = 0
    chars_since_plant = 0
    while total < size_bytes:
        s = rng.choice(sentences)
        if chars_since_plant > 5_000:
            cut = rng.randrange(len(s))
            s = s[:cut] + rng.choice(planted) + s[cut:]
            chars_since_plant = 0
        parts.append(s)
        chars_since_plant += len(s)
        total += len(s.encode())
        if rng.random() < 0.05:
            parts.append("\n")
    return "".join(parts)


def posts(text: str, size: int = 100) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text) - size, size)]


# CPU time of this process: the engine is single-threaded, so this is "one core", and
# it stays meaningful when other work shares the machine (wall time is shown too).
clock = time.process_time


def timed(fn, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = clock()
        fn(*args)
        best = min(best, clock() - started)
    return best


def baseline_re(keys: list[str], text: str, budget: float) -> tuple[float, float, int]:
    """Compile the list as one alternation and scan growing prefixes until the budget is used.

    Returns (compile seconds, MB/s, bytes scanned).
    """
    started = clock()
    pattern = re.compile("|".join(map(re.escape, sorted(keys, key=len, reverse=True))))
    compile_seconds = clock() - started
    scanned_chars = 0
    spent = 0.0
    chunk = 2_000
    while spent < budget and scanned_chars < len(text):
        piece = text[scanned_chars : scanned_chars + chunk]
        t0 = clock()
        for _ in pattern.finditer(piece):
            pass
        spent += clock() - t0
        scanned_chars += len(piece)
        chunk = min(chunk * 2, 200_000)
    scanned_bytes = len(text[:scanned_chars].encode())
    return compile_seconds, scanned_bytes / spent / 1e6, scanned_bytes


def find_laws(explicit: str | None) -> Path | None:
    """The laws corpus: ``--corpus``, else ``../shared/corpora`` from the repo or its parent."""
    roots = (
        [Path(explicit)]
        if explicit
        else [REPO.parent / "shared" / "corpora", REPO.parent.parent / "shared" / "corpora"]
    )
    for root in roots:
        if (root / "laws").is_dir():
            return root / "laws"
    return None


def prose_sample(laws: Path, size_bytes: int, rng: random.Random) -> str:
    """Whole texts of the laws corpus, in a seeded random order, until ``size_bytes``."""
    files = sorted(laws.glob("*.txt"))
    rng.shuffle(files)
    parts: list[str] = []
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        parts.append(text)
        total += len(text.encode())
        if total >= size_bytes:
            break
    return "\n".join(parts)


def _id_number(rng: random.Random) -> str:
    first = (
        rng.choice(("110101", "440304", "510104"))
        + f"19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{rng.randrange(10)}"
    )
    first += f"{rng.randrange(1000):03d}"
    return first + id18_check_char(first)


def _card_number(rng: random.Random) -> str:
    body = "62" + "".join(rng.choice("0123456789") for _ in range(16))
    return body + next(d for d in "0123456789" if luhn_valid(body + d))


def dense_text(rng: random.Random, size_bytes: int, typo_keys: list[str]) -> str:
    """Prose with a finding every 20–30 characters.

    Each clause carries one of: a listed typo, a mobile or ID number, a bank
    card with its word, or a half-width comma between Chinese characters.
    """
    sentences = [s for s in re.split(r"(?<=[。；，])", PROSE.replace("\n", "")) if len(s) > 8]
    parts: list[str] = []
    total = 0
    while total < size_bytes:
        s = rng.choice(sentences)[:24]
        pick = rng.randrange(5)
        if pick == 0:
            s = s[:10] + rng.choice(typo_keys) + s[10:]
        elif pick == 1:
            s += f"电话1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        elif pick == 2:
            s += "身份证号" + _id_number(rng)
        elif pick == 3:
            s += "卡号" + _card_number(rng)
        else:
            s = s[:8] + "," + s[8:]
        parts.append(s + "。")
        total += len(s.encode()) + 3
    return "".join(parts)


def raw_matcher_mbps(keys: list[str], text: str) -> float:
    """Raw ``ahocorasick_rs`` matching: the engine's automaton type over the text's UTF-8 bytes.

    Same keys, same match kind, overlapping matches, encoding included; no
    normalisation, no filtering, no rules. The automaton is built beforehand.
    """
    automaton = ahocorasick_rs.BytesAhoCorasick(
        [k.encode("utf-8", "surrogatepass") for k in keys],
        matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
    )

    def scan() -> None:
        automaton.find_matches_as_indexes(text.encode("utf-8"), overlapping=True)

    return len(text.encode()) / timed(scan) / 1e6


def stage_times(engine: Engine, text: str) -> list[tuple[str, float]]:
    """CPU milliseconds per MB of each stage of ``Engine.check`` on ``text``, run one by one."""
    norm = normalize(text)
    stages = [
        ("normalise (fold, compact, offset map)", lambda: normalize(text)),
        ("list matching and hit filtering", lambda: engine.matcher.find_with_allowed(norm)),
        ("leaders", lambda: engine.leaders.find(norm.folded, today=None)),
        ("privacy", lambda: find_privacy(norm.folded)),
        ("format", lambda: find_format(text)),
        ("links found in the text", lambda: find_text_links(text)),
    ]
    megabytes = len(text.encode()) / 1e6
    return [(name, timed(fn) * 1000 / megabytes) for name, fn in stages]


def run_cli(
    argv: list[str], data_dir: str, stdin: bytes | None = None, module: str = "govmedia.cli"
) -> tuple[float, float, bytes]:
    """``govmedia check ARGV`` from this checkout in a subprocess: (wall s, CPU s, stdout).

    ``module`` "govmedia.checks.cli" runs the plain module instead (no ``check`` word).
    """
    env = dict(os.environ, GOVMEDIA_DATA_DIR=data_dir, PYTHONPATH=str(REPO))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", module, *(["check"] if module == "govmedia.cli" else []), *argv],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"govmedia check failed ({proc.returncode}): {proc.stderr.decode()[-500:]}"
        )
    return wall, cpu, proc.stdout


def goal_row(name: str, value: str, target: str, met: bool) -> str:
    return f"| {name} | {value} | {target} | {'met' if met else 'MISSED'} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the long text in MB")
    parser.add_argument(
        "--baseline-seconds", type=float, default=20.0, help="time budget for the re baseline scan"
    )
    parser.add_argument(
        "--prose-mb", type=float, default=5.0, help="size of the real-prose sample in MB"
    )
    parser.add_argument(
        "--dense-mb", type=float, default=2.0, help="size of the finding-dense text in MB"
    )
    parser.add_argument(
        "--cli-mb", type=float, default=20.0, help="size of the file checked through the CLI"
    )
    parser.add_argument(
        "--corpus", help="folder holding laws/ (default ../shared/corpora from the repository)"
    )
    args = parser.parse_args()
    rng = random.Random(SEED)
    pool = "".join(sorted({c for c in PROSE if "\u4e00" <= c <= "\u9fff"}))
    keys = generate_list(rng, pool)
    text = generate_text(rng, int(args.mb * 1024 * 1024), rng.sample(keys, 100))
    text_bytes = len(text.encode())
    article = text[:5_000]
    leaders = [
        Leader("王建国", "市长", "示例市人民政府", date(2021, 3, 1)),
        Leader("李红梅", "副市长", "示例市人民政府", date(2022, 1, 15)),
    ]

    print(f"machine: {machine()}")
    print(
        f"load average at start: {os.getloadavg()[0]:.2f} (times below are CPU time of this process)"
    )
    print(
        f"list: {len(keys):,} generated entries; text: {text_bytes / 1e6:.2f} MB UTF-8, {len(text):,} chars"
    )

    with tempfile.TemporaryDirectory() as tmp:
        list_file = Path(tmp) / "bench-100k.txt"
        list_file.write_text("# category: sensitive\n" + "\n".join(keys) + "\n", encoding="utf-8")
        cache = Path(tmp) / "cache"
        t0 = clock()
        entries, errors = load_lists([list_file], cache_dir=cache)
        parse_seconds = clock() - t0
        assert not errors, errors[:3]
        t0 = clock()
        entries, _ = load_lists([list_file], cache_dir=cache)
        cached_seconds = clock() - t0
    builtin, _ = load_builtin_lists()
    all_entries = builtin + entries
    t0 = clock()
    # The first Engine for these entries: hashes them for the in-process cache and
    # builds the automaton (nothing cached yet).
    engine = Engine(all_entries, leaders, forbidden_hosts=["bad.example"])
    build_seconds = clock() - t0
    t0 = clock()
    Engine(all_entries, leaders)
    rebuild_ms = (clock() - t0) * 1000

    long_seconds = timed(engine.check, text)
    report = engine.check(text)
    mbps = text_bytes / long_seconds / 1e6

    post_list = posts(text)

    def check_posts() -> None:
        for p in post_list:
            engine.check(p)

    posts_seconds = timed(check_posts, repeat=1)
    posts_per_second = len(post_list) / posts_seconds
    posts_mbps = sum(len(p.encode()) for p in post_list) / posts_seconds / 1e6

    article_times = []
    for _ in range(50):
        t0 = clock()
        engine.check(article)
        article_times.append(clock() - t0)
    article_ms = statistics.median(article_times) * 1000

    compile_seconds, re_mbps, re_bytes = baseline_re(
        [e.key for e in entries], text, args.baseline_seconds
    )
    re_posts_per_second = re_mbps * 1e6 / (text_bytes / len(text) * 100)

    print()
    print("| measure | result | target |")
    print("| --- | --- | --- |")
    print(
        f"| whole engine, one {text_bytes / 1e6:.1f} MB text | {mbps:.1f} MB/s ({len(report.findings):,} findings) | ≥ 10 MB/s |"
    )
    print(
        f"| whole engine, 100-char posts one by one | {posts_per_second:,.0f} posts/s ({posts_mbps:.1f} MB/s) | |"
    )
    print(
        f"| baseline: one `re` alternation of the 100k list, matching only | {re_mbps:.3f} MB/s (scanned {re_bytes / 1e3:.0f} kB in ~{args.baseline_seconds:.0f} s; compile {compile_seconds:.1f} s) | |"
    )
    print(f"| ratio, long text | {mbps / re_mbps:,.0f}× | ≥ 100× |")
    print(
        f"| ratio, posts (baseline estimated at the same MB/s) | {posts_per_second / re_posts_per_second:,.0f}× | ≥ 100× |"
    )
    print(f"| check a 5,000-char article (median of 50) | {article_ms:.2f} ms | < 20 ms |")
    print(f"| parse the 100k list (first load, fills the cache) | {parse_seconds:.2f} s | |")
    print(f"| reload the 100k list from the on-disk cache | {cached_seconds:.2f} s | |")
    print(
        f"| build the engine (100k + built-in lists, automaton included) | {build_seconds:.2f} s | |"
    )
    print(f"| second engine for the same lists (in-process cache) | {rebuild_ms:.0f} ms | |")
    print(f"| cached load + build | {cached_seconds + build_seconds:.2f} s | < 2 s |")

    laws = find_laws(args.corpus)
    if laws is None:
        print("\nno laws corpus found (--corpus): real-prose and CLI figures skipped")
        return 0
    prose = prose_sample(laws, int(args.prose_mb * 1024 * 1024), random.Random(SEED))
    typo_keys = [e.key for e in builtin if e.category == "typo"]
    dense = dense_text(random.Random(SEED), int(args.dense_mb * 1024 * 1024), typo_keys)
    keys = engine.matcher.keys
    rows = []
    goals = []
    for label, sample in (
        ("real prose (laws corpus sample)", prose),
        ("finding-dense text", dense),
    ):
        size = len(sample.encode())
        engine_mbps = size / timed(engine.check, sample) / 1e6
        findings = len(engine.check(sample).findings)
        raw_mbps = raw_matcher_mbps(keys, sample)
        ratio = engine_mbps / raw_mbps
        rows.append(
            f"| {label}, {size / 1e6:.1f} MB | {engine_mbps:.1f} MB/s ({findings:,} findings, "
            f"{findings / len(sample) * 10_000:.1f} per 10,000 chars) | {raw_mbps:.1f} MB/s | "
            f"{ratio:.2f} (1/{1 / ratio:.1f}) |"
        )
        if label.startswith("real"):
            goals.append(
                goal_row(
                    "whole engine vs raw matcher on real prose",
                    f"{ratio:.2f} of its speed",
                    "≥ 0.33",
                    ratio >= 1 / 3,
                )
            )
    print()
    print("where the time of the whole engine goes on the real-prose sample (CPU, best of 3):")
    print("| stage | ms per MB |")
    print("| --- | --- |")
    for stage, ms in stage_times(engine, prose):
        print(f"| {stage} | {ms:.1f} |")
    print()
    print(
        f"same {len(keys):,} keys; raw = ahocorasick_rs.BytesAhoCorasick, overlapping, encode included"
    )
    print("| text | whole engine | raw matcher | engine / raw |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = str(Path(tmp) / "data")
        big = Path(tmp) / "big.txt"
        cli_text = prose
        while len(cli_text.encode()) < args.cli_mb * 1024 * 1024:
            cli_text += "\n" + prose
        big.write_text(cli_text, encoding="utf-8")
        big_bytes = big.stat().st_size
        common = ["--no-links", "--format", "json"]
        line = "市政府召开常务会议，研究部署安全生产工作。".encode()
        one_line = {}
        for label, module in (
            ("`govmedia check` (python -m govmedia.cli check)", "govmedia.cli"),
            ("the plain module (python -m govmedia.checks.cli)", "govmedia.checks.cli"),
        ):
            runs = [run_cli([*common, "-"], data_dir, stdin=line, module=module) for _ in range(5)]
            one_line[label] = (
                statistics.median(r[0] for r in runs),
                statistics.median(r[1] for r in runs),
            )
        wall, cpu, out = run_cli([*common, "--max-size", str(args.cli_mb * 4), str(big)], data_dir)
        found = len(json.loads(out.decode().splitlines()[0])["findings"])
    line_wall, line_cpu = one_line["`govmedia check` (python -m govmedia.cli check)"]
    cli_mbps = big_bytes / wall / 1e6
    print()
    print(
        "`... --no-links --format json` in a subprocess from this checkout, built-in lists, "
        "an empty data folder (no database: the Django command warns and goes on)"
    )
    print("| measure | result |")
    print("| --- | --- |")
    print(
        f"| `govmedia check`, a {big_bytes / 1e6:.1f} MB file of real prose | "
        f"{cli_mbps:.1f} MB/s wall end to end ({wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"{big_bytes / cpu / 1e6:.1f} MB/s CPU; {found:,} findings) |"
    )
    if wall > line_wall:
        print(
            f"| the same without the start-up (minus one line's time) | "
            f"{big_bytes / (wall - line_wall) / 1e6:.1f} MB/s wall |"
        )
    for label, (w, c) in one_line.items():
        print(f"| {label}, one line on stdin (median of 5) | {w:.2f} s wall, {c:.2f} s CPU |")
    goals.append(
        goal_row(
            "`govmedia check` JSON on a large file",
            f"{cli_mbps:.1f} MB/s",
            "≥ 10 MB/s",
            cli_mbps >= 10,
        )
    )
    goals.append(
        goal_row("`govmedia check` on one line", f"{line_wall:.2f} s", "< 0.5 s", line_wall < 0.5)
    )
    print()
    print("| goal | value | target | |")
    print("| --- | --- | --- | --- |")
    print("\n".join(goals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
