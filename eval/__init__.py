"""The eval set (questions.jsonl), its floors and its report; run with `rag eval`."""
