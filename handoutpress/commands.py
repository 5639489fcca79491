"""How a message names a command of this tool: as it can be typed in the project folder.

`make setup` makes `.venv` in the project folder and installs the tool there, so
`.venv/bin/python build_pdfs.py ...` works as typed from that folder, with no alias, no activated
virtual environment and nothing on the PATH (`python build_pdfs.py` alone would run a Python without
the tool's libraries). README.md and TRANSLATING.md write commands the same way.
"""

from __future__ import annotations

#: The start of every command a message or document names.
RUN = ".venv/bin/python build_pdfs.py"


def command(*words: str) -> str:
    """A command to quote in a message: command("update") is `.venv/bin/python build_pdfs.py update`."""
    return "`" + " ".join([RUN, *words]) + "`"
