"""The learned models, all from installed packages: the dense encoders, the
E5 sentence scorer and the GGUF language models (the E5 and GGUF files checked
by their sha256)."""
