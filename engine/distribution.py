"""Fetch the Camunda distribution from Maven Central with mvn, unpack it once, reuse it."""

import shutil
import subprocess
import tarfile
from pathlib import Path

import structlog

from engine.errors import EngineError
from engine.version import CAMUNDA_VERSION, DISTRIBUTION_ARTIFACT

log = structlog.get_logger(__name__)
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


def install_dir(cache_dir: Path) -> Path:
    return cache_dir / f"camunda-zeebe-{CAMUNDA_VERSION}"


def ensure_distribution(cache_dir: Path) -> Path:
    """Return the unpacked distribution, downloading and unpacking it on first use."""
    target = install_dir(cache_dir)
    if (target / "bin" / "broker").is_file():
        return target
    archive = download(cache_dir)
    unpack(archive, cache_dir)
    if not (target / "bin" / "broker").is_file():
        raise EngineError(f"{archive} did not unpack to {target}/bin/broker; delete {cache_dir} and retry")
    return target


def download(cache_dir: Path) -> Path:
    archive = cache_dir / f"camunda-zeebe-{CAMUNDA_VERSION}.tar.gz"
    if archive.is_file():
        return archive
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EngineError("mvn (Apache Maven) is not on PATH; install it (apt-get install maven) to fetch Camunda")
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("engine.download", artifact=DISTRIBUTION_ARTIFACT)
    result = subprocess.run(
        [mvn, "-B", "-q", f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={DISTRIBUTION_ARTIFACT}",
         f"-DoutputDirectory={cache_dir}", "-Dmdep.overWriteReleases=true"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0 or not archive.is_file():
        raise EngineError(f"could not fetch {DISTRIBUTION_ARTIFACT} from Maven Central with mvn: {mvn_error(result)}")
    return archive


def mvn_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line]
    first = lines[0] if lines else f"mvn exited with {result.returncode}"
    return first.replace("[ERROR]", "").strip()[:400]


def unpack(archive: Path, cache_dir: Path) -> None:
    log.info("engine.unpack", archive=str(archive))
    with tarfile.open(archive) as tar:
        tar.extractall(cache_dir, filter="tar")
