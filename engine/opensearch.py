"""Assemble OpenSearch from Maven Central with mvn (zip + module jars), build the settings shim, cache it.

The assembled home under the cache is read-only at run time (each node has its own config and
data folder, see engine/search_node.py); a second `up` finds it complete and does nothing here.
"""

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import structlog

from engine.distribution import DEPENDENCY_PLUGIN, mvn_error
from engine.errors import EngineError
from engine.java import JavaHome
from engine.opensearch_modules import (
    MODULES,
    OPENSEARCH_VERSION,
    POLICIES,
    SHIM_CLASS,
    SHIM_NAME,
    ZIP_ARTIFACT,
    descriptor,
    module_jars,
    reactor_poms,
)

log = structlog.get_logger(__name__)
SHIM_SOURCES = Path(__file__).parent / "opensearch_shim" / "src"
MARKER = ".esra-assembled"


def home_dir(cache_dir: Path) -> Path:
    return cache_dir / f"opensearch-{OPENSEARCH_VERSION}"


def assembly_stamp() -> str:
    """What the assembled home was built from: the module list and the shim sources' mtime."""
    shim = max(int(s.stat().st_mtime) for s in SHIM_SOURCES.rglob("*.java"))
    return " ".join([*(m.name for m in MODULES), f"{SHIM_NAME}@{shim}"])


def ensure_opensearch(cache_dir: Path, java: JavaHome) -> Path:
    """Return the assembled OpenSearch home, fetching and building what is missing on first use."""
    home = home_dir(cache_dir)
    marker = home / MARKER
    if marker.is_file() and marker.read_text() == assembly_stamp():
        return home
    archive = fetch_zip(cache_dir)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix="opensearch-build-") as work:
        staging = unpack(archive, Path(work))
        jars = fetch_module_jars(Path(work) / "fetch")
        assemble_modules(staging, jars)
        build_shim(java, staging, Path(work) / "shim")
        (staging / MARKER).write_text(assembly_stamp())
        shutil.rmtree(home, ignore_errors=True)
        staging.rename(home)
    log.info("engine.opensearch_assembled", home=str(home))
    return home


def mvn() -> str:
    found = shutil.which("mvn")
    if found is None:
        raise EngineError("mvn (Apache Maven) is not on PATH; install it (apt-get install maven) to fetch OpenSearch")
    return found


def run_mvn(args: list[str], cwd: Path) -> str | None:
    """Run mvn quietly; None on success, else its first ERROR line."""
    result = subprocess.run([mvn(), "-B", "-q", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return mvn_error(result) if result.returncode != 0 else None


def fetch_zip(cache_dir: Path) -> Path:
    archive = cache_dir / f"opensearch-{OPENSEARCH_VERSION}.zip"
    if archive.is_file():
        return archive
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("engine.download", artifact=ZIP_ARTIFACT)
    with tempfile.TemporaryDirectory() as empty:  # no pom.xml around to confuse mvn
        error = run_mvn([f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={ZIP_ARTIFACT}", f"-DoutputDirectory={cache_dir}",
                         "-Dmdep.overWriteReleases=true"], Path(empty))
    if error or not archive.is_file():
        raise EngineError(f"could not fetch {ZIP_ARTIFACT} from Maven Central with mvn: {error or 'no file written'}")
    return archive


def fetch_module_jars(work: Path) -> dict[str, list[Path]]:
    """Resolve every module's runtime jars with one mvn run over a generated reactor pom."""
    for relative, text in reactor_poms(MODULES).items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text(text)
    log.info("engine.download", artifact=f"{len(MODULES)} OpenSearch modules")
    error = run_mvn([f"{DEPENDENCY_PLUGIN}:copy-dependencies", "-DincludeScope=runtime"], work)
    if error:
        named = [m.coordinates for m in MODULES if m.artifact in error] or [m.coordinates for m in MODULES]
        raise EngineError(f"could not fetch {named[0] if len(named) == 1 else ', '.join(named)} "
                          f"from Maven Central with mvn: {error}")
    return {m.name: sorted((work / m.name / "target" / "dependency").glob("*.jar")) for m in MODULES}


def unpack(archive: Path, into: Path) -> Path:
    """Unzip keeping the Unix modes (bin/ scripts must stay executable); return the home folder."""
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            target = Path(zipped.extract(info, into))
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                target.chmod(mode & 0o777)
    home = into / f"opensearch-{OPENSEARCH_VERSION}"
    if not (home / "bin" / "opensearch").is_file():
        raise EngineError(f"{archive} holds no opensearch-{OPENSEARCH_VERSION}/bin/opensearch; delete it and retry")
    return home


def assemble_modules(home: Path, jars: dict[str, list[Path]]) -> None:
    lib = sorted((home / "lib").glob("*.jar"))
    for module in MODULES:
        folder = home / "modules" / module.name
        folder.mkdir(parents=True, exist_ok=True)
        for jar in module_jars(module, jars[module.name], lib):
            shutil.copy2(jar, folder / jar.name)
        (folder / "plugin-descriptor.properties").write_text(descriptor(module.name, module.classname, module.extends))
        if module.name in POLICIES:
            (folder / "plugin-security.policy").write_text(POLICIES[module.name])


def build_shim(java: JavaHome, home: Path, work: Path) -> None:
    classes = work / "classes"
    classes.mkdir(parents=True)
    folder = home / "modules" / SHIM_NAME
    folder.mkdir(parents=True)
    sources = [str(s) for s in sorted(SHIM_SOURCES.rglob("*.java"))]
    run_build([str(java.javac), "--release", "11", "-nowarn", "-cp", f"{home}/lib/*", "-d", str(classes), *sources])
    run_build([str(java.jar), "cf", str(folder / f"{SHIM_NAME}-{OPENSEARCH_VERSION}.jar"), "-C", str(classes), "."])
    (folder / "plugin-descriptor.properties").write_text(descriptor(SHIM_NAME, SHIM_CLASS))


def run_build(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[:400]
        raise EngineError(f"could not build the OpenSearch settings shim: {detail}")
