"""Speed and quality at scale: generated corpora, timings per stage, the naive
baseline, and the report of `rag bench`."""
