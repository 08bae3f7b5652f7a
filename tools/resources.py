"""Files shipped inside the packages (course, notes, datasets, migrations), wherever installed."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def packaged(package: str, *parts: str) -> Path:
    """The path of a file or folder shipped in `package`, from a checkout or an installed wheel."""
    resource = files(package).joinpath(*parts)
    # Wheels install as plain folders; a zipped install would hand back a non-Path traversable.
    if not isinstance(resource, Path):
        raise RuntimeError(f"{package} is not installed as files on disk; reinstall it unzipped")
    return resource
