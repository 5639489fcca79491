"""Build the handouts: `.venv/bin/python build_pdfs.py` (see `.venv/bin/python build_pdfs.py --help`).

A thin entry point; the engine is the `handoutpress` package (also installed as the `handouts` command).
"""

import sys

from handoutpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
