"""Find a JDK for the engine (Java 17-25): JAVA_HOME, then /usr/lib/jvm/*, newest first."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError

MIN_JAVA, MAX_JAVA = 17, 25
JVM_DIR = Path("/usr/lib/jvm")


@dataclass(frozen=True)
class JavaHome:
    path: Path
    major: int

    @property
    def java(self) -> Path:
        return self.path / "bin" / "java"

    @property
    def javac(self) -> Path:
        return self.path / "bin" / "javac"


def major_version(home: Path) -> int | None:
    """Read the major version from the JDK's `release` file (no process started)."""
    release = home / "release"
    if not release.is_file():
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(), re.MULTILINE)
    return int(match.group(1)) if match else None


def candidates() -> list[Path]:
    found = []
    if os.environ.get("JAVA_HOME"):
        found.append(Path(os.environ["JAVA_HOME"]))
    if JVM_DIR.is_dir():
        homes = [p for p in JVM_DIR.iterdir() if p.is_dir() and not p.is_symlink()]
        found.extend(sorted(homes, key=lambda p: major_version(p) or 0, reverse=True))
    return found


def find_java() -> JavaHome:
    """The first JDK 17-25 with java and javac (Maven compiles the engine application with it)."""
    seen = []
    for home in candidates():
        major = major_version(home)
        seen.append(f"{home} ({major or 'unknown'})")
        jdk = JavaHome(home, major or 0)
        if major and MIN_JAVA <= major <= MAX_JAVA and jdk.java.is_file() and jdk.javac.is_file():
            return jdk
    looked = ", ".join(seen) or "nothing"
    raise EngineError(f"no Java {MIN_JAVA}-{MAX_JAVA} JDK found (looked at JAVA_HOME, then {JVM_DIR}/*: {looked}); "
                      "install one (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME")
