"""``python -m govmedia.opinion.evaluate``: the pipeline scored on the labelled synthetic stream.

Prints B-cubed precision/recall/F1 of event grouping, the detection delay of
each burst, rumour-match precision/recall, and sentiment accuracy on the
held-out set (and on the stream). No Django.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from govmedia.opinion.pipeline import Config, Pipeline
from govmedia.opinion.sentiment import Sentiment
from govmedia.opinion.synthetic import CLAIMS, burst_starts, sentiment_heldout_set, stream


@dataclass
class Report:
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    burst_delays: dict[str, float | None]  # seconds from the true start to the alert's burst
    rumour_precision: float
    rumour_recall: float
    sentiment_heldout: float
    sentiment_stream: float
    posts: int
    events_found: int


def bcubed(truth: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga and Baldwin) over two labelings of the same items."""
    pair = Counter(zip(truth, predicted, strict=True))
    t_size = Counter(truth)
    p_size = Counter(predicted)
    n = len(truth)
    precision = sum(c * c / p_size[p] for (_t, p), c in pair.items()) / n
    recall = sum(c * c / t_size[t] for (t, _p), c in pair.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def evaluate(seed: int = 1, config: Config | None = None) -> Report:
    labelled = stream(seed)
    pipeline = Pipeline(config or Config(claims=CLAIMS))
    outcomes = pipeline.process([x.post for x in labelled])
    truth = [x.event for x in labelled]
    predicted = [o.event_id or f"none-{o.key}" for o in outcomes]
    precision, recall, f1 = bcubed(truth, predicted)

    members: dict[str, Counter[str]] = defaultdict(Counter)
    for t, p in zip(truth, predicted, strict=True):
        members[p][t] += 1
    delays: dict[str, float | None] = {}
    for name, start in burst_starts().items():
        times = [
            ev.burst_at
            for eid, ev in pipeline.events.items()
            if ev.burst_at is not None
            and members[eid]
            and members[eid].most_common(1)[0][0] == name
        ]
        delays[name] = min(times) - start.timestamp() if times else None

    tp = sum(
        1 for x, o in zip(labelled, outcomes, strict=True) if o.rumour and o.rumour[0] == x.claim
    )
    fp = sum(
        1 for x, o in zip(labelled, outcomes, strict=True) if o.rumour and o.rumour[0] != x.claim
    )
    fn = sum(
        1
        for x, o in zip(labelled, outcomes, strict=True)
        if x.claim and not (o.rumour and o.rumour[0] == x.claim)
    )

    texts, labels = sentiment_heldout_set()
    scored = Sentiment().score(texts)
    heldout = sum(1 for (label, _s), y in zip(scored, labels, strict=True) if label == y) / len(
        labels
    )
    on_stream = sum(
        1 for x, o in zip(labelled, outcomes, strict=True) if o.sentiment == x.sentiment
    ) / len(labelled)
    return Report(
        precision,
        recall,
        f1,
        delays,
        tp / (tp + fp) if tp + fp else 0.0,
        tp / (tp + fn) if tp + fn else 0.0,
        heldout,
        on_stream,
        len(labelled),
        len({p for p in predicted}),
    )


def main(argv: list[str] | None = None, prog: str = "python -m govmedia.opinion.evaluate") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Score opinion monitoring on the labelled synthetic stream written by us "
        "(govmedia/opinion/synthetic.py): B-cubed precision/recall/F1 of event grouping, the "
        "detection delay of each burst, rumour-match precision/recall, and sentiment accuracy "
        "on the held-out set and on the stream. Needs no database.",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seed of the synthetic stream (default 1)"
    )
    args = parser.parse_args(argv)
    r = evaluate(args.seed)
    print(f"posts {r.posts}, events found {r.events_found}")
    print(
        f"event grouping B-cubed: precision {r.bcubed_precision:.3f}  recall {r.bcubed_recall:.3f}  F1 {r.bcubed_f1:.3f}"
    )
    for name, delay in r.burst_delays.items():
        shown = (
            "not detected"
            if delay is None
            else f"{timedelta(seconds=round(delay))} after its start"
        )
        print(f"burst {name}: {shown}")
    print(f"rumour match: precision {r.rumour_precision:.3f}  recall {r.rumour_recall:.3f}")
    print(
        f"sentiment accuracy: held-out set {r.sentiment_heldout:.3f}  stream {r.sentiment_stream:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
