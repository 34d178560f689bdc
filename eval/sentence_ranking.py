"""How often a scorer ranks the sentence holding the answer first, and in its
top 3, among the sentences the answerer reads (those of the top retrieved
passages): today's evidence scorer, plain USE similarity and E5 similarity.

    python -m eval.sentence_ranking [--split all]

Over the answerable items whose gold evidence is among those sentences at
all ("reachable"), per split and wording; "refused" counts the items the
default answerer refused although that scorer's top 3 held the answer.
Aggregates only, so test and generated stay blind.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.answer.evidence import EvidenceScorer, passage_sentences
from rag.answer.question import Question, analyse
from rag.assistant import Assistant
from rag.evaluate.items import EVAL_DOCS, EVAL_SETS, SPLITS, EvalItem, load_eval_set
from rag.evaluate.runner import eval_assistant
from rag.records import Passage
from rag.settings import Settings

# A question and the passages retrieved for it in, their sentence texts out, best first.
Ranker = Callable[[Question, list[Passage]], list[str]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["all", *SPLITS], default="all")
    parser.add_argument("--docs", type=Path, default=EVAL_DOCS)
    args = parser.parse_args()
    assistant = eval_assistant(args.docs, Settings(sentence_vectors=True))
    scorer = EvidenceScorer(assistant.embeddings)

    rankers: dict[str, Ranker] = {
        "evidence scorer": lambda q, ps: [e.sentence.text for e in scorer.rank(q, ps).evidence],
        "USE": by_similarity(assistant.embeddings),
    }
    if assistant.sentence_scorer is not None:
        rankers["E5"] = by_stored_vectors(assistant)
    items = [
        i
        for i in load_eval_set([Path(p) for p in EVAL_SETS])
        if i.answerable and args.split in ("all", i.split)
    ]
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        question = analyse(item.question, item.history)
        passages = assistant.retrieve(question.search_text)
        if not any(holds(s.text, item) for s in passage_sentences(passages)):
            continue
        groups = {item.split, f"{item.split}, {item.wording}"} - {"generated, generated"}
        refused = assistant.ask(item.question, item.history).abstained
        for name, rank in rankers.items():
            hits = [holds(text, item) for text in rank(question, passages)[:3]]
            for group in groups:
                counts[(group, name)]["top 1"].append(int(bool(hits) and hits[0]))
                counts[(group, name)]["top 3"].append(int(any(hits)))
                counts[(group, name)]["refused"].append(int(refused and any(hits)))
    print(table(counts, list(rankers)))


def by_similarity(embeddings: Embeddings) -> Ranker:
    def rank(question: Question, passages: list[Passage]) -> list[str]:
        texts = [s.text for s in passage_sentences(passages)]
        asked = np.asarray(embeddings.embed_query(question.search_text))
        scores = np.asarray(embeddings.embed_documents(texts)) @ asked
        return [texts[k] for k in np.argsort(-scores, kind="stable")]

    return rank


def by_stored_vectors(assistant: Assistant) -> Ranker:
    """Similarity to the sentence vectors the index keeps (rag.search.sentence_store)."""

    def rank(question: Question, passages: list[Passage]) -> list[str]:
        sentences = passage_sentences(passages)
        scores = np.asarray(assistant.learned_similarity(question.search_text, sentences))
        return [sentences[k].text for k in np.argsort(-scores, kind="stable")]

    return rank


def holds(sentence: str, item: EvalItem) -> bool:
    return any(e in sentence or sentence in e for e in item.evidence)


def table(counts: dict[tuple[str, str], dict[str, list[int]]], rankers: list[str]) -> str:
    groups = list(dict.fromkeys(group for group, _ in counts))
    columns = [(r, c) for r in rankers for c in ("top 1", "top 3", "refused")]
    head = ["items reachable"] + [f"{r} {c}" for r, c in columns]
    lines = ["| split | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for group in sorted(groups):
        n = len(counts[(group, rankers[0])]["top 1"])
        cells = [
            str(sum(counts[(group, r)][c]))
            if c == "refused"
            else f"{np.mean(counts[(group, r)][c]):.2f}"
            for r, c in columns
        ]
        lines.append(f"| {group} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
