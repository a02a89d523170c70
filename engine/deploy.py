"""Deploy every BPMN, DMN and form under the resource folders in one deployment."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.api import CamundaApi

RESOURCE_SUFFIXES = (".bpmn", ".dmn", ".form")


def resources(dirs: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in dirs:
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if p.suffix in RESOURCE_SUFFIXES))
    return found


async def deploy_all(api: CamundaApi, dirs: Iterable[Path]) -> dict[str, Any] | None:
    files = resources(dirs)
    if not files:
        return None
    return await api.deploy(files)


def summary(deployment: dict[str, Any]) -> list[str]:
    lines = []
    for item in deployment.get("deployments", []):
        for kind, value in item.items():
            name = (value.get("processDefinitionId") or value.get("bpmnProcessId") or value.get("formId")
                    or value.get("decisionDefinitionId") or value.get("decisionId") or value)
            version = value.get("processDefinitionVersion") or value.get("version", "?")
            lines.append(f"{kind}: {name} (version {version})")
    return lines
