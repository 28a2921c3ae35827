"""``python -m cricket`` entry point."""

import sys

from cricket.cli import main

sys.exit(main())
