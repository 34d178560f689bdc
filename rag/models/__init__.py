"""The learned models, all from installed packages: the dense encoders, the
E5 sentence scorer and the GGUF language models, each file checked by hash."""
