"""The LLM mode: an LLM phrases the evidence, and every claim it makes is
checked against its cited source before it is shown."""
