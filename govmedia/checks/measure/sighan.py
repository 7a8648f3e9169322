"""``govmedia check-eval sighan``: the statistical typo finder on SIGHAN-15 and on real prose.

The labelled set is the SIGHAN-15 test set as shipped in pycorrector 1.1.4's
source package (``pycorrector/data/sighan2015_test.tsv``: one sentence per
line, the text as written, a tab, the corrected text). It is read from
``--sighan`` (the .tsv or the .tar.gz) or fetched once with ``pip download``
into the checkout's ``.cache/sighan/`` (ignored by git, never committed).

Printed: detection recall (an erroneous sentence counts as detected when a
suspicion falls on one of its erroneous characters), the false-alarm rate
(correct sentences with any suspicion), suspicions per 10,000 characters of the
laws corpus (modern official prose, where almost every suspicion is false) and
the finder's own speed in characters per second.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import IO

from . import Goal, report_goals

NAME = "sighan"
HELP = (
    "Statistical typo finder: detection recall and false alarms on SIGHAN-15, "
    "suspicions per 10,000 characters of the laws corpus, characters per second."
)

ROOT = Path(__file__).resolve().parents[3]
CACHE_DIR = ROOT / ".cache" / "sighan"
PACKAGE = "pycorrector==1.1.4"
ARCHIVE = "pycorrector-1.1.4.tar.gz"
MEMBER_SUFFIX = "data/sighan2015_test.tsv"
DEFAULT_LAWS = ROOT.parent / "shared" / "corpora" / "laws"

GOAL_RECALL = 0.15
GOAL_FALSE_ALARMS = 0.02
GOAL_PER_10K = 3.0
GOAL_SPEED = 50_000.0


class SighanError(Exception):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sighan",
        metavar="PATH",
        type=Path,
        help=f"sighan2015_test.tsv or {ARCHIVE} (default: fetched into .cache/sighan/)",
    )
    parser.add_argument(
        "--laws",
        metavar="DIR",
        type=Path,
        help="folder of real official prose (.txt) for false alarms and speed "
        "(default: ../shared/corpora/laws next to the checkout, when present)",
    )
    parser.add_argument(
        "--laws-chars",
        type=int,
        default=1_000_000,
        metavar="N",
        help="read about this many characters of the laws corpus, files spread "
        "evenly over it (default %(default)s; 0 for all)",
    )
    parser.add_argument("--model", metavar="FILE", type=Path, help="model file (default: packaged)")
    parser.add_argument(
        "--show", type=int, default=0, metavar="N", help="print N suspicions on the laws corpus"
    )


def fetch_archive(cache_dir: Path = CACHE_DIR) -> Path:
    """pycorrector's source package in the cache, downloaded with pip on first use."""
    archive = cache_dir / ARCHIVE
    if archive.is_file():
        return archive
    cache_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        PACKAGE,
        "--no-binary",
        ":all:",
        "--no-deps",
        "--quiet",
        "-d",
        str(cache_dir),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0 or not archive.is_file():
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SighanError(f"could not download {PACKAGE} (pass --sighan PATH): {tail[0]}")
    return archive


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(as written, corrected) pairs from the .tsv or the source package."""
    if path.name.endswith((".tar.gz", ".tgz")):
        try:
            with tarfile.open(path, "r:gz") as tar:
                member = next((m for m in tar.getmembers() if m.name.endswith(MEMBER_SUFFIX)), None)
                if member is None:
                    raise SighanError(f"{path}: no {MEMBER_SUFFIX} inside")
                handle = tar.extractfile(member)
                if handle is None:
                    raise SighanError(f"{path}: {member.name} is not a file")
                text = handle.read().decode("utf-8")
        except (OSError, tarfile.TarError) as exc:
            raise SighanError(f"{path}: {exc}") from exc
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SighanError(f"{path}: {exc}") from exc
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise SighanError(
                f"{path}:{number}: expected 2 tab-separated fields, got {len(fields)}"
            )
        pairs.append((fields[0], fields[1]))
    if not pairs:
        raise SighanError(f"{path}: no sentences")
    return pairs


def laws_sample(folder: Path, chars: int) -> list[str]:
    files = sorted(folder.rglob("*.txt"))
    if not files:
        raise SighanError(f"{folder}: no .txt files")
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    if chars <= 0:
        return texts
    total = sum(len(t) for t in texts)
    step = max(1, round(total / chars))
    return texts[::step] if step < len(texts) else texts[:1]


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..typos.finder import TypoFinder
    from ..typos.model import DEFAULT_PATH, load_model

    try:
        source = args.sighan if args.sighan is not None else fetch_archive()
        pairs = read_pairs(source)
        laws_dir = args.laws if args.laws is not None else DEFAULT_LAWS
        laws: list[str] = []
        if args.laws is not None or laws_dir.is_dir():
            laws = laws_sample(laws_dir, args.laws_chars)
    except SighanError as exc:
        print(f"check-eval sighan: {exc}", file=sys.stderr)
        return 2
    model_path = args.model or DEFAULT_PATH
    started = time.perf_counter()
    finder = TypoFinder(load_model(model_path))  # loaded once per process
    print(f"model {model_path.name}: loaded in {time.perf_counter() - started:.2f} s", file=out)

    skipped = erroneous = detected = corrected = correct = false_alarms = 0
    sighan_chars = 0
    sighan_seconds = 0.0
    for written, right in pairs:
        if len(written) != len(right):
            skipped += 1  # an insertion or deletion: no position to compare
            continue
        wrong_at = {i for i, (a, b) in enumerate(zip(written, right, strict=True)) if a != b}
        found = finder.find(written)
        sighan_chars += len(written)
        sighan_seconds += finder.last_seconds
        if wrong_at:
            erroneous += 1
            hits = [s for s in found if s.start in wrong_at]
            if hits:
                detected += 1
                if all(right[s.start] == s.suggestion for s in hits):
                    corrected += 1
        else:
            correct += 1
            if found:
                false_alarms += 1
    recall = detected / erroneous if erroneous else 0.0
    fa_rate = false_alarms / correct if correct else 0.0
    print(
        f"SIGHAN-15 ({source.name}): {len(pairs)} sentences, {erroneous} erroneous, "
        f"{correct} correct, {skipped} skipped (length changed)",
        file=out,
    )
    print(
        f"  detection recall {recall:.1%} ({detected}/{erroneous}); with the right "
        f"suggestion {corrected}/{erroneous}",
        file=out,
    )
    print(f"  false alarms {fa_rate:.1%} ({false_alarms}/{correct} correct sentences)", file=out)
    print(
        f"  {sighan_chars} characters in {sighan_seconds:.2f} s, one call per sentence "
        f"({sighan_chars / max(sighan_seconds, 1e-9):,.0f} characters/s)",
        file=out,
    )
    goals = [
        Goal("sighan_detection_recall", round(recall, 4), GOAL_RECALL, at_least=True),
        Goal("sighan_false_alarm_rate", round(fa_rate, 4), GOAL_FALSE_ALARMS),
    ]
    if laws:
        chars = suspicions = 0
        seconds = 0.0
        shown = 0
        for text in laws:
            found = finder.find(text)
            seconds += finder.last_seconds
            chars += len(text)
            suspicions += len(found)
            for s in found[: max(0, args.show - shown)]:
                context = text[max(0, s.start - 6) : s.start + 7].replace("\n", " ")
                print(f"  laws: {s.char}→{s.suggestion} ({s.gain:.1f}) …{context}…", file=out)
                shown += 1
        per_10k = suspicions / chars * 10_000 if chars else 0.0
        speed = chars / max(seconds, 1e-9)
        print(
            f"laws ({len(laws)} texts, {chars} characters): {suspicions} suspicions, "
            f"{per_10k:.2f} per 10,000 characters; {speed:,.0f} characters/s",
            file=out,
        )
        goals.append(Goal("laws_suspicions_per_10k", round(per_10k, 3), GOAL_PER_10K))
        goals.append(Goal("characters_per_second", round(speed), GOAL_SPEED, at_least=True))
    else:
        print("laws corpus not found: pass --laws DIR for false alarms and speed", file=out)
    return report_goals(goals, out)
