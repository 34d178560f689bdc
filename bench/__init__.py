"""The benchmark's results (results.md, results.json, latency.png); run with `rag bench`."""
