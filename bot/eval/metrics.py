"""The figures of an evaluation, as small pure functions (each tested on hand-made cases).

A *span* is `(article_id, start, end)`, a half-open character range of an article's original text. A
cited quote *hits* a gold quote when their spans overlap in the same article. Every function returns
None when the figure is undefined (no case to count), so "no data" is never shown as 0 or 100%.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

Span = tuple[str, int, int]
"""(article_id, start, end) of a quote in the article's original text, end exclusive."""


def overlaps(a: Span, b: Span) -> bool:
    """Do two spans share at least one character of the same article?"""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def first_hit_rank(cited: Sequence[Span], gold: Sequence[Span]) -> int | None:
    """1-based rank of the first cited span overlapping any gold span; None when none does."""
    for rank, span in enumerate(cited, start=1):
        if any(overlaps(span, g) for g in gold):
            return rank
    return None


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean; None for no values."""
    items = list(values)
    return sum(items) / len(items) if items else None


def hit_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of cases (ranks from `first_hit_rank`) with a hit among the first k citations."""
    return mean(float(r is not None and r <= k) for r in ranks)


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """Mean of 1/rank of the first hit (0 for a case with no hit)."""
    return mean(1.0 / r if r else 0.0 for r in ranks)


def gold_coverage(cited: Sequence[Span], gold: Sequence[Span]) -> float | None:
    """Share of one case's gold quotes overlapped by at least one citation (None: no gold quote)."""
    if not gold:
        return None
    return sum(any(overlaps(c, g) for c in cited) for g in gold) / len(gold)


def citation_precision(cited: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]]) -> float | None:
    """Share of all cited quotes (pooled over the cases) that overlap a gold quote of their case."""
    total = hits = 0
    for spans, golds in zip(cited, gold, strict=True):
        total += len(spans)
        hits += sum(any(overlaps(s, g) for g in golds) for s in spans)
    return hits / total if total else None


def characters_inside(span: Span, gold: Sequence[Span]) -> int:
    """Characters of `span` that lie inside at least one gold span (overlapping gold counted once)."""
    cuts = sorted((max(span[1], g[1]), min(span[2], g[2])) for g in gold if overlaps(span, g))
    total, reached = 0, span[1]
    for start, end in cuts:
        start = max(start, reached)
        if end > start:
            total += end - start
            reached = end
    return total


def character_precision(cited: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]]) -> float | None:
    """Share of all cited characters (pooled over the cases) that are gold-quote text of their case.

    Citation precision counts a 1,000-character chunk as a hit when one gold sentence is in it; this
    says how much of what the reader is handed is the answer."""
    total = inside = 0
    for spans, golds in zip(cited, gold, strict=True):
        for s in spans:
            total += s[2] - s[1]
            inside += characters_inside(s, golds)
    return inside / total if total else None


def chars_before_gold(cited: Sequence[Span], gold: Sequence[Span]) -> int | None:
    """Characters a reader goes through, reading the quotes in order, before reaching gold text
    (None when no quote overlaps a gold quote)."""
    read = 0
    for span in cited:
        starts = [max(span[1], g[1]) for g in gold if overlaps(span, g)]
        if starts:
            return read + min(starts) - span[1]
        read += span[2] - span[1]
    return None


def hit_within(offsets: Sequence[int | None], budget: int) -> float | None:
    """Share of cases (offsets from `chars_before_gold`) whose gold text is reached within `budget`
    characters: hit@k at an equal reading budget, whatever the size of a system's quotes."""
    return mean(float(o is not None and o < budget) for o in offsets)


def is_faithful(quote: str, span: Span, texts: Mapping[str, str]) -> bool:
    """Is `quote` exactly the article's original text at `span` (and not empty)?"""
    text = texts.get(span[0])
    return bool(quote) and text is not None and 0 <= span[1] <= span[2] and text[span[1] : span[2]] == quote


def quote_fidelity(quotes: Sequence[tuple[str, Span]], texts: Mapping[str, str]) -> float | None:
    """Share of (quote, span) pairs with `quote == original_text[start:end]`. Under 1.0 is a bug."""
    return mean(float(is_faithful(q, s, texts)) for q, s in quotes)


def abstention_precision(abstained: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Of the cases where the system said the articles do not say, the share that were unanswerable."""
    said_no = [not a for a, x in zip(answerable, abstained, strict=True) if x]
    return mean(float(x) for x in said_no)


def abstention_recall(abstained: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Of the unanswerable cases, the share where the system said the articles do not say."""
    return mean(float(x) for x, a in zip(abstained, answerable, strict=True) if not a)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), linearly interpolated between ranks (numpy's default method)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    """Share of cases whose predicted label is the gold label."""
    return mean(float(g == p) for g, p in zip(gold, predicted, strict=True))


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, dict[str, int]]:
    """counts[gold][predicted] over `labels` (a label outside them is an error: it would be lost)."""
    counts = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        if g not in counts or p not in counts:
            raise ValueError(f"label outside {list(labels)}: gold {g!r}, predicted {p!r}")
        counts[g][p] += 1
    return counts


def f1_per_label(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """F1 of each label that occurs in the gold or the predictions (precision or recall of a label that
    is never predicted, or never gold, counts as 0)."""
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        if n_pred == 0 and n_gold == 0:
            continue
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        out[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return out


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float | None:
    """Unweighted mean of the per-label F1 (labels absent from both gold and predictions left out)."""
    return mean(f1_per_label(gold, predicted, labels).values())


def evidence_hit(evidence: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]]) -> float | None:
    """Share of the cases that have gold quotes where some evidence quote overlaps one of them."""
    return mean(
        float(first_hit_rank(spans, golds) is not None)
        for spans, golds in zip(evidence, gold, strict=True)
        if golds
    )


DECISIVE = ("supported", "refuted", "mixed")
"""Verdicts that tell the reader what to believe (not_enough_evidence does not)."""


def decisive_wrong(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    """Share of cases given a decisive verdict (supported, refuted, mixed) other than the gold label:
    the worst failure of a fact-checking tool."""
    return mean(float(p in DECISIVE and p != g) for g, p in zip(gold, predicted, strict=True))


Bin = tuple[float, float, int, float | None, float | None]
"""(low, high, count, mean confidence, accuracy) of one confidence bin."""


def reliability(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[Bin]:
    """The reliability table: `bins` equal-width confidence bins [0, 0.1), ... [0.9, 1.0] (1.0 in the
    last), each with its count, mean confidence and accuracy (None for an empty bin)."""
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for c, ok in zip(confidence, correct, strict=True):
        members[min(int(min(max(c, 0.0), 1.0) * bins), bins - 1)].append((c, ok))
    return [
        (b / bins, (b + 1) / bins, len(m), mean(c for c, _ in m), mean(float(ok) for _, ok in m))
        for b, m in enumerate(members)
    ]


def expected_calibration_error(table: Sequence[Bin]) -> float | None:
    """Sum over the bins of (share of cases in the bin) * |accuracy - mean confidence|."""
    total = sum(b[2] for b in table)
    if not total:
        return None
    return sum(
        n / total * abs(acc - conf) for _, _, n, conf, acc in table if conf is not None and acc is not None
    )
