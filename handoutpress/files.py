"""Write files so that readers see the old bytes or the new ones, never a part; say why a write failed.

Every output (PDFs, previews, the manifest, catalogs, the build cache) goes through a temporary file
in the target's folder and an atomic rename. If the write fails (disk full, no permission, a killed
process) the target keeps its earlier bytes and the temporary file is removed; a build that was
killed outright leaves a `.part` file that the next build deletes. Files get the permissions
`open()` would give them, so a web server can serve `dist/`.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The permissions of a new file as `open()` would give it: mkstemp makes files only their owner can
#: read, and a web server serving dist/ could not send them.
FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: What a person can do about the file system errors a build meets, by errno.
_ADVICE = {
    errno.EACCES: "make the folder writable, or build into another folder with --out",
    errno.EPERM: "make the folder writable, or build into another folder with --out",
    errno.EROFS: "the disk is read-only: build into another folder with --out",
    errno.ENOSPC: "the disk is full: free some space, then run the same command again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run the same command again",
}


def os_error_line(exc: OSError, path: Path | None = None) -> str:
    """One line for a file system error: which file, what happened, what to do.

    `path` is the file the caller was making: clearer than the temporary file an error names, and
    a full disk fails a write without naming any file."""
    if exc.strerror is None:  # raised with a message of its own, which says it all
        return str(exc)
    name = path or exc.filename
    advice = _ADVICE.get(exc.errno or 0)
    where = f"{name}: " if name else ""
    return f"{where}{exc.strerror.lower()}" + (f": {advice}" if advice else "")


def write_if_changed(path: Path, data: bytes) -> bool:
    """`write_atomic`, unless the file already holds exactly `data` (its date then stays as it is)."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True
