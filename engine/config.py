"""Write the engine's own application.yaml (the shipped one is left untouched)."""

from pathlib import Path
from typing import Any

import yaml

from engine.exporter import EXPORTER_CLASS
from engine.settings import EngineSettings


def engine_config(settings: EngineSettings, exporter_jar: Path) -> dict[str, Any]:
    """Single node, one partition, record-file exporter; controlled clock when asked (tests)."""
    return {
        "zeebe": {
            "clock": {"controlled": settings.controlled_clock},
            "broker": {
                "gateway": {"enable": True, "network": {"host": settings.host, "port": settings.grpc_port}},
                "network": {
                    "host": settings.host,
                    "commandApi": {"port": settings.command_port},
                    "internalApi": {"port": settings.internal_port},
                },
                "data": {"directory": str(settings.data_dir), "snapshotPeriod": "5m"},
                "cluster": {"clusterSize": 1, "partitionsCount": 1, "replicationFactor": 1},
                "threads": {"cpuThreadCount": 1, "ioThreadCount": 1},
                "exporters": {
                    "recordfile": {
                        "className": EXPORTER_CLASS,
                        "jarPath": str(exporter_jar),
                        "args": {"path": str(settings.records_path)},
                    }
                },
            },
        },
        "server": {"address": settings.host, "port": settings.rest_port},
        "management": {"server": {"address": settings.host, "port": settings.management_port}},
    }


def write_config(settings: EngineSettings, exporter_jar: Path) -> Path:
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    settings.config_path.write_text(yaml.safe_dump(engine_config(settings, exporter_jar), sort_keys=False))
    return settings.config_path
