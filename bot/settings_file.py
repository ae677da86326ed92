"""Read one of the YAML files admins edit (lead rules, hand-off business hours).

Both files are read the same way: any problem (unreadable file, invalid YAML,
wrong content) becomes the module's own error, prefixed with the file's path so
the admin knows which file to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Type, TypeVar

import yaml

Parsed = TypeVar("Parsed")


def read_settings_file(
    path: Path, what: str, error: Type[Exception], parse: Callable[[Any], Parsed]
) -> Parsed:
    """``parse`` the YAML document at ``path``; ``what`` names the file in messages."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"{path}: cannot read the {what} ({problem.strerror})") from None
    except yaml.YAMLError as problem:
        raise error(f"{path}: not valid YAML: {problem}") from None
    try:
        return parse(document)
    except error as problem:
        raise error(f"{path}: {problem}") from None
