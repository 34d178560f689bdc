"""The web chat: `python ui.py` (the same as `rag serve`); settings from RAG_* env vars."""

from rag.app.web import serve

if __name__ == "__main__":
    serve()
