import sys
import time

# Read before any heavy import so `wall_seconds` covers the whole process, framework import included.
STARTED = time.perf_counter()

from .main import main  # noqa: E402

sys.exit(main(sys.argv[1:], started=STARTED))
