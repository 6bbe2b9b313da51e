"""``python -m lifecircle``: the same command line as ``lifecircle``."""

import sys

from lifecircle.cli import main

sys.exit(main())
