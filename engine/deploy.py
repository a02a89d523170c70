"""Deploy every BPMN, DMN and form under the resource folders in one deployment."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine_client import EngineClient

RESOURCE_SUFFIXES = (".bpmn", ".dmn", ".form")


def resources(dirs: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in dirs:
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if p.suffix in RESOURCE_SUFFIXES))
    return found


async def deploy_all(engine: EngineClient, dirs: Iterable[Path]) -> dict[str, Any] | None:
    files = resources(dirs)
    if not files:
        return None
    return await engine.deploy(files)


def summary(deployment: dict[str, Any]) -> list[str]:
    """One line per process and decision deployed (nothing when every resource was unchanged)."""
    lines = [f"process {d['key']} (version {d['version']})"
             for d in (deployment.get("deployedProcessDefinitions") or {}).values()]
    lines += [f"decision {d['key']} (version {d['version']})"
              for d in (deployment.get("deployedDecisionDefinitions") or {}).values()]
    return lines or ["no changes"]
