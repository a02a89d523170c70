"""Build the record exporter jar against the distribution's own libraries."""

import subprocess
import tempfile
from pathlib import Path

from engine.errors import EngineError
from engine.java import JavaHome

SOURCE_DIR = Path(__file__).parent / "src"
EXPORTER_CLASS = "mn.esra.exporter.RecordFileExporter"


def ensure_exporter_jar(java: JavaHome, distribution: Path, cache_dir: Path) -> Path:
    """Compile the exporter once per source change; return the jar path."""
    sources = sorted(SOURCE_DIR.rglob("*.java"))
    stamp = str(max(int(s.stat().st_mtime) for s in sources))
    jar = cache_dir / f"record-file-exporter-{stamp}.jar"
    if jar.is_file():
        return jar
    with tempfile.TemporaryDirectory() as classes:
        run([str(java.javac), "--release", "21", "-nowarn", "-cp", f"{distribution}/lib/*", "-d", classes,
             *map(str, sources)])
        run([str(java.jar), "cf", str(jar), "-C", classes, "."])
    return jar


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EngineError(f"could not build the record exporter: {(result.stderr or result.stdout).strip()[:400]}")
