"""A question in, passages out: the chunk store (Chroma), the sentence-vector
store, BM25, and their fusion (retrieve)."""
