"""The shells over the Python API: the command line and the web chat."""
