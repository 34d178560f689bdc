"""Why the default answerer refused or missed: each such eval item, its best
evidence sentences and how every question word matched them.

    python -m eval.diagnose

Per sentence: the ranking score, ``asked`` (the share of the words that say
what is asked it holds; an answer needs 0.5) and, per question word, its match
in the sentence / in the sentence's context (1 = the same word, 0 = none).
``*`` marks a sentence holding the item's gold evidence. Dev only: test and
generated are for reporting, in aggregate (`rag eval`), never item by item.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.answer.evidence import Evidence, EvidenceScorer
from rag.answer.question import Question, analyse
from rag.evaluate.items import EVAL_DOCS, EVAL_SETS, EvalItem, load_eval_set
from rag.evaluate.judge import judge
from rag.evaluate.runner import eval_assistant

SHOWN = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-set", type=Path, default=EVAL_SETS[0])
    parser.add_argument("--docs", type=Path, default=EVAL_DOCS)
    args = parser.parse_args()
    assistant = eval_assistant(args.docs)
    scorer = EvidenceScorer(assistant.embeddings)
    for item in load_eval_set(args.eval_set):
        if item.split != "dev":
            continue
        answer = assistant.ask(item.question, item.history)
        verdict = judge(item, answer).verdict
        if verdict in ("right", "declined"):
            continue
        question = analyse(item.question, item.history)
        print(f"\n{item.id} [{verdict}] {item.question} (kind {question.kind})")
        print(f"  answer: {answer.answer[:160]}")
        for evidence in scorer.rank(question, answer.passages).evidence[:SHOWN]:
            print(_describe(evidence, question, item))


def _describe(evidence: Evidence, question: Question, item: EvalItem) -> str:
    text = evidence.sentence.text
    gold = "*" if any(g in text or text in g for g in item.evidence) else " "
    words = " ".join(
        f"{term}={here:.2f}/{around:.2f}"
        for term, (here, _), (around, _) in zip(
            question.terms, evidence.alignment, evidence.context_alignment, strict=True
        )
    )
    return (
        f"  {gold} score {evidence.score:.2f} asked {evidence.asked_match:.2f} | {words}\n"
        f"      {text[:160]}"
    )


if __name__ == "__main__":
    main()
