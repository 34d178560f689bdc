"""`python -m eval` is `rag eval`: score the assistant on eval/questions.jsonl."""

import sys

from rag.app.cli import main

sys.exit(main(["eval", *sys.argv[1:]]))
