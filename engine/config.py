"""Write the engine's own application.yaml (the shipped one is left untouched)."""

from pathlib import Path
from typing import Any

import yaml

from engine.exporter import EXPORTER_CLASS
from engine.settings import EngineSettings

SEARCH_CLUSTER = "esra-search"
RECORD_PREFIX = "zeebe-record"
IMPORT_BACKOFF_MS = 1000


WEBAPPS = ("operate", "tasklist")  # bin/operate and bin/tasklist, each its own JVM beside bin/broker


def engine_config(settings: EngineSettings, exporter_jar: Path) -> dict[str, Any]:
    """The broker's: single node, one partition, record-file exporter; controlled clock when asked (tests).

    In webapps mode also the OpenSearch exporter and the search store behind /v2/*/search.
    """
    config = broker_config(settings, exporter_jar)
    if settings.webapps:
        config["zeebe"]["broker"]["exporters"]["opensearch"] = opensearch_exporter(settings)
        config["camunda"] = {"rest": {"query": {"enabled": True}}, "database": database(settings)}
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
                        "args": {"path": str(settings.records_path),
                                 "maxBytes": str(settings.records_max_bytes)},
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


def database(settings: EngineSettings) -> dict[str, Any]:
    return {"type": "opensearch", "clusterName": SEARCH_CLUSTER, "url": settings.search_url}


def webapp_config(settings: EngineSettings, name: str) -> dict[str, Any]:
    """application.yaml of standalone Operate or Tasklist (whose store keys differ in case).

    Each webapp serves its UI and its /v1 API on its own port behind its own login (user index in
    OpenSearch, `demo` predefined), talks to the broker over gRPC (Tasklist also over REST v2, to
    assign and complete Zeebe user tasks), and imports the broker's records from OpenSearch. 8.6's
    standalone webapps also start an embedded cluster member (defaults: bind 0.0.0.0:26502, join
    127.0.0.1:26502): loopback, an ephemeral port and no contact points keep it to itself.
    """
    def store() -> dict[str, Any]:  # fresh dicts each time: shared ones would become YAML anchors
        return {"clusterName": SEARCH_CLUSTER, "url": settings.search_url}

    port, management = {
        "operate": (settings.operate_port, settings.operate_management_port),
        "tasklist": (settings.tasklist_port, settings.tasklist_management_port),
    }[name]
    records = {"prefix": RECORD_PREFIX}
    importer = {"readerBackoff": IMPORT_BACKOFF_MS, "schedulerBackoff": IMPORT_BACKOFF_MS}
    app: dict[str, Any] = {
        # the one user 8.6 lets configuration predefine; the staff users come from engine/roles.py
        "userId": settings.web_user, "password": settings.web_password,
        "database": "opensearch", "importer": importer,
    }
    if name == "operate":
        app |= {"opensearch": store(), "zeebeOpensearch": {**store(), **records},
                "zeebe": {"gatewayAddress": settings.grpc_address}}
    else:
        app |= {"openSearch": store(), "zeebeOpenSearch": {**store(), **records},
                "zeebe": {"gatewayAddress": settings.grpc_address, "restAddress": settings.rest_url},
                # With the archiver on, Tasklist removes ISM policies from its dated archive indices at every
                # start (GET /_plugins/_ism/explain/...), which OpenSearch without the ISM plugin refuses: a
                # restart on existing data then fails. Finished tasks stay in the main index instead.
                "archiverEnabled": False}
    return {
        "server": {"address": settings.host, "port": port},
        "management": {"server": {"address": settings.host, "port": management}},
        "camunda": {"database": database(settings), name: app},
        "zeebe": {"gateway": {"cluster": {
            "host": settings.host, "port": 0, "memberId": f"{name}-webapp", "initialContactPoints": "",
        }}},
    }


def webapp_config_path(settings: EngineSettings, name: str) -> Path:
    return settings.run_dir / f"{name}.yaml"


def write_config(settings: EngineSettings, exporter_jar: Path) -> Path:
    """The broker's application.yaml; in webapps mode also operate.yaml and tasklist.yaml beside it."""
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    settings.config_path.write_text(yaml.safe_dump(engine_config(settings, exporter_jar), sort_keys=False))
    if settings.webapps:
        for name in WEBAPPS:
            webapp_config_path(settings, name).write_text(
                yaml.safe_dump(webapp_config(settings, name), sort_keys=False))
    return settings.config_path
