"""`python -m bench` is `rag bench`: measure speed, memory and disk at growing sizes."""

import sys

from rag.bench.run import main

sys.exit(main(sys.argv[1:]))
