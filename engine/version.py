"""Operaton's version, read from the one place it is pinned: engine/app/pom.xml (`operaton.version`)."""

import re
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent / "app"


def operaton_version(pom: Path = APP_DIR / "pom.xml") -> str:
    match = re.search(r"<operaton\.version>([^<]+)</operaton\.version>", pom.read_text())
    if not match:
        raise ValueError(f"{pom} pins no <operaton.version>")
    return match.group(1)
