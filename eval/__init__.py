"""The eval set (questions.jsonl) and its runner (python -m eval.run)."""
