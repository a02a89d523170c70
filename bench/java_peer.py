"""The Java peer: Camunda's external-task client 7.24 (bench/java), built with Maven into .cache/bench once per
source change, run with the JDK the engine uses."""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.build import source_digest
from engine.java import JavaHome
from engine.settings import PROJECT_ROOT, EngineSettings
from local_stack import WORKERS_ACCOUNT

SOURCE_DIR = PROJECT_ROOT / "bench" / "java"
BUILD_CACHE = PROJECT_ROOT / ".cache" / "bench"


@dataclass(frozen=True)
class JavaClientSettings:
    clients: int = 4  # each fetches and works in a thread of its own
    max_tasks: int = 50
    long_poll_ms: int = 10_000

    def describe(self) -> str:
        return f"{self.clients} clients x {self.max_tasks} per fetch, long poll {self.long_poll_ms / 1000:g} s"


def ensure_built(java: JavaHome, source: Path = SOURCE_DIR, cache: Path = BUILD_CACHE) -> Path:
    """The folder holding java-peer.jar and lib/; built in a copy, so the source tree gets no target/."""
    built = cache / f"java-peer-{source_digest(source)}"
    if (built / "java-peer.jar").is_file():
        return built
    maven = shutil.which("mvn")
    if maven is None:
        raise RuntimeError("Maven (mvn) not found on PATH; install it (apt-get install maven) or run `make setup`")
    with tempfile.TemporaryDirectory(prefix="bench-java-") as scratch:
        shutil.copytree(source, scratch, dirs_exist_ok=True, ignore=shutil.ignore_patterns("target"))
        result = subprocess.run([maven, "-B", "-q", "package"], cwd=scratch, capture_output=True, text=True,
                                env={**os.environ, "JAVA_HOME": str(java.path)}, check=False)
        target = Path(scratch) / "target"
        if result.returncode != 0 or not (target / "java-peer.jar").is_file():
            lines = [line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line][:8]
            raise RuntimeError("building the Java peer with Maven failed:\n" + "\n".join(lines))
        partial = built.with_suffix(".part")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        shutil.copyfile(target / "java-peer.jar", partial / "java-peer.jar")
        shutil.copytree(target / "lib", partial / "lib")
        partial.rename(built)
    for old in cache.glob("java-peer-*"):
        if old != built:
            shutil.rmtree(old, ignore_errors=True)
    return built


def command(java: JavaHome, built: Path, rest_url: str, topic: str, settings: JavaClientSettings) -> list[str]:
    classpath = f"{built / 'java-peer.jar'}:{built / 'lib'}/*"
    return [str(java.java), "-Xmx256m", "-cp", classpath, "mn.esra.bench.JavaPeer", "--url", rest_url,
            "--topic", topic, "--clients", str(settings.clients), "--max-tasks", str(settings.max_tasks),
            "--long-poll-ms", str(settings.long_poll_ms)]


def environment(engine: EngineSettings) -> dict[str, str]:
    """The workers' real account, as our runtime uses it."""
    return {**os.environ, "BENCH_ENGINE_USER": WORKERS_ACCOUNT.user,
            "BENCH_ENGINE_PASSWORD": engine.workers_password.get_secret_value()}
