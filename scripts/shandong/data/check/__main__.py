"""``python -m shandong.data.check [DATA_DIR]`` (``make check``)."""
import sys

from . import main

sys.exit(main())
