"""A question in, passages out: the Chroma client (chroma), the chunk store,
the sentence-vector store, BM25, the documents a question may search
(scope), and their fusion (retrieve)."""
