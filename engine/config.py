"""Write the engine's own application.yaml (the shipped one is left untouched)."""

from pathlib import Path
from typing import Any

import yaml

from engine.exporter import EXPORTER_CLASS
from engine.settings import EngineSettings

SEARCH_CLUSTER = "esra-search"
RECORD_PREFIX = "zeebe-record"
IMPORT_BACKOFF_MS = 1000


def engine_config(settings: EngineSettings, exporter_jar: Path) -> dict[str, Any]:
    """Single node, one partition, record-file exporter; controlled clock when asked (tests).

    In webapps mode also the OpenSearch exporter and Operate's and Tasklist's settings.
    """
    config = broker_config(settings, exporter_jar)
    if settings.webapps:
        config["zeebe"]["broker"]["exporters"]["opensearch"] = opensearch_exporter(settings)
        config["camunda"] = webapps_config(settings)
    return config


def broker_config(settings: EngineSettings, exporter_jar: Path) -> dict[str, Any]:
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


def opensearch_exporter(settings: EngineSettings) -> dict[str, Any]:
    """Flush every record at once (bulk size 1): the importers then see work within about a second."""
    return {
        "className": "io.camunda.zeebe.exporter.opensearch.OpensearchExporter",
        "args": {"url": settings.search_url, "bulk": {"delay": 1, "size": 1}, "index": {"prefix": RECORD_PREFIX}},
    }


def webapps_config(settings: EngineSettings) -> dict[str, Any]:
    """camunda.*: the search store for the REST queries, Operate and Tasklist (whose keys differ in case)."""
    def store() -> dict[str, Any]:  # fresh dicts each time: shared ones would become YAML anchors
        return {"clusterName": SEARCH_CLUSTER, "url": settings.search_url}

    def importer() -> dict[str, Any]:
        return {"readerBackoff": IMPORT_BACKOFF_MS, "schedulerBackoff": IMPORT_BACKOFF_MS}

    records = {"prefix": RECORD_PREFIX}
    return {
        "rest": {"query": {"enabled": True}},
        "database": {"type": "opensearch", **store()},
        "operate": {
            # the one user 8.6 lets configuration predefine; the staff users come from engine/roles.py
            "userId": settings.web_user, "password": settings.web_password,
            "database": "opensearch", "importer": importer(), "opensearch": store(),
            "zeebeOpensearch": {**store(), **records}, "zeebe": {"gatewayAddress": settings.grpc_address},
        },
        "tasklist": {
            "database": "opensearch", "importer": importer(), "openSearch": store(),
            "zeebeOpenSearch": {**store(), **records},
            "zeebe": {"gatewayAddress": settings.grpc_address, "restAddress": settings.rest_url},
        },
    }


def write_config(settings: EngineSettings, exporter_jar: Path) -> Path:
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    settings.config_path.write_text(yaml.safe_dump(engine_config(settings, exporter_jar), sort_keys=False))
    return settings.config_path
