"""Build the engine application (engine/app) with Maven into an ignored folder, once per source change."""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.errors import EngineError
from engine.java import JavaHome

KEEP_BUILDS = 3


def source_digest(app_dir: Path) -> str:
    """Of the pom and every source and resource file: a changed file means a new build."""
    digest = hashlib.sha256()
    for path in sorted([app_dir / "pom.xml", *(app_dir / "src").rglob("*")]):
        if path.is_file():
            digest.update(str(path.relative_to(app_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_engine_jar(app_dir: Path, cache_dir: Path, java: JavaHome) -> Path:
    jar = cache_dir / f"esra-engine-{source_digest(app_dir)}.jar"
    if jar.is_file():
        return jar
    maven = shutil.which("mvn")
    if maven is None:
        raise EngineError("Maven (mvn) not found on PATH; install it (apt-get install maven) or run `make setup`")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="engine-build-") as build_dir:
        # build a copy, so the source tree gets no target/ folder
        shutil.copytree(app_dir, build_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("target"))
        result = subprocess.run(
            [maven, "-B", "-q", "package", "-DskipTests"], cwd=build_dir, capture_output=True, text=True,
            env={**os.environ, "JAVA_HOME": str(java.path)}, check=False)
        built = Path(build_dir) / "target" / "esra-engine.jar"
        if result.returncode != 0 or not built.is_file():
            lines = [line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line][:8]
            raise EngineError("building the engine application with Maven failed:\n" + "\n".join(
                lines or (result.stdout + result.stderr).splitlines()[-15:]))
        partial = jar.with_suffix(".part")
        shutil.copyfile(built, partial)
        partial.rename(jar)
    # keep a few older builds: an engine still running from one loads classes from it lazily
    for old in sorted(cache_dir.glob("esra-engine-*.jar"), key=lambda p: p.stat().st_mtime)[:-KEEP_BUILDS]:
        old.unlink()
    return jar
