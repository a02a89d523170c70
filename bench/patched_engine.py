"""An engine application with a proposed change, built for a tuning experiment only: a copy of engine/app with
the change applied, built into .cache/bench (engine/app itself is never touched)."""

import shutil
import tempfile
from pathlib import Path

from engine.build import ensure_engine_jar
from engine.java import find_java
from engine.settings import PROJECT_ROOT

APP_DIR = PROJECT_ROOT / "engine" / "app"
EXPERIMENTS = PROJECT_ROOT / "bench" / "experiments"
CACHE = PROJECT_ROOT / ".cache" / "bench" / "engine-variants"
JAVA_PACKAGE = Path("src/main/java/mn/esra/engine")
SHIPPED_PROVIDER = "HttpBasicAuthenticationProvider.class.getName()"


def auth_cache_jar() -> Path:
    """engine/app with CachingBasicAuthenticationProvider in place of Operaton's HTTP Basic provider."""
    with tempfile.TemporaryDirectory(prefix="engine-auth-cache-") as scratch:
        app = Path(scratch) / "app"
        shutil.copytree(APP_DIR, app, ignore=shutil.ignore_patterns("target"))
        shutil.copyfile(EXPERIMENTS / "CachingBasicAuthenticationProvider.java",
                        app / JAVA_PACKAGE / "CachingBasicAuthenticationProvider.java")
        registration = app / JAVA_PACKAGE / "RestAuthentication.java"
        source = registration.read_text()
        if SHIPPED_PROVIDER not in source:
            raise RuntimeError(f"{registration.name} no longer names {SHIPPED_PROVIDER}: update the experiment")
        registration.write_text(source.replace(SHIPPED_PROVIDER, '"mn.esra.engine.CachingBasicAuthenticationProvider"'))
        return ensure_engine_jar(app, CACHE / "auth-cache", find_java())
