"""The eval set in, verdicts and a report out: items, the judge, metrics,
the runner over configurations, and the generated split's questions."""
