"""Webapps mode's three configurations: bin/broker, standalone Operate, standalone Tasklist."""

from pathlib import Path

import yaml

from engine import process
from engine.config import WEBAPPS, engine_config, webapp_config, webapp_config_path, write_config
from engine.settings import EngineSettings


def test_broker_config_has_both_exporters_the_search_store_and_no_webapp_settings(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path, controlled_clock=True, search_http_port=9290)

    config = engine_config(settings, tmp_path / "exporter.jar")

    assert config["zeebe"]["clock"]["controlled"] is True
    assert set(config["zeebe"]["broker"]["exporters"]) == {"recordfile", "opensearch"}
    assert config["zeebe"]["broker"]["exporters"]["opensearch"]["args"]["url"] == "http://127.0.0.1:9290"
    assert config["server"] == {"address": "127.0.0.1", "port": 8080}
    assert config["management"]["server"]["port"] == 9600
    assert config["camunda"] == {  # the store behind /v2/user-tasks/search; Operate and Tasklist run apart
        "rest": {"query": {"enabled": True}},
        "database": {"type": "opensearch", "clusterName": "esra-search", "url": "http://127.0.0.1:9290"},
    }


def test_operate_config_own_port_login_store_and_a_cluster_member_that_joins_nobody(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path, search_http_port=9290, web_user="ops", web_password="pw")

    config = webapp_config(settings, "operate")

    assert config["server"] == {"address": "127.0.0.1", "port": 8081}
    assert config["management"]["server"] == {"address": "127.0.0.1", "port": 9611}
    operate = config["camunda"]["operate"]
    assert (operate["userId"], operate["password"], operate["database"]) == ("ops", "pw", "opensearch")
    assert operate["opensearch"]["url"] == operate["zeebeOpensearch"]["url"] == settings.search_url
    assert operate["zeebeOpensearch"]["prefix"] == "zeebe-record"
    assert operate["importer"] == {"readerBackoff": 1000, "schedulerBackoff": 1000}
    assert operate["zeebe"] == {"gatewayAddress": "127.0.0.1:26500"}
    assert "tasklist" not in config["camunda"]
    assert config["zeebe"]["gateway"]["cluster"] == {
        "host": "127.0.0.1", "port": 0, "memberId": "operate-webapp", "initialContactPoints": "",
    }


def test_tasklist_config_calls_the_brokers_rest_api(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path, rest_port=28180, tasklist_port=28182, tasklist_management_port=29712)

    config = webapp_config(settings, "tasklist")

    assert config["server"] == {"address": "127.0.0.1", "port": 28182}
    assert config["management"]["server"]["port"] == 29712
    tasklist = config["camunda"]["tasklist"]
    assert tasklist["zeebe"] == {"gatewayAddress": "127.0.0.1:26500", "restAddress": "http://127.0.0.1:28180"}
    assert tasklist["openSearch"]["url"] == tasklist["zeebeOpenSearch"]["url"] == settings.search_url
    assert (tasklist["userId"], tasklist["password"]) == ("demo", "demo")
    assert config["zeebe"]["gateway"]["cluster"]["memberId"] == "tasklist-webapp"
    assert config["zeebe"]["gateway"]["cluster"]["port"] == 0
    # no dated archive indices: their ISM clean-up at start fails without the ISM plugin (restart on old data)
    assert tasklist["archiverEnabled"] is False


def test_write_config_writes_three_files_without_yaml_anchors(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path)

    broker = write_config(settings, tmp_path / "exporter.jar")

    files = [broker, *(webapp_config_path(settings, name) for name in WEBAPPS)]
    assert [f.name for f in files] == ["application.yaml", "operate.yaml", "tasklist.yaml"]
    for file in files:
        assert "&id" not in file.read_text(), f"no YAML anchors in {file.name}"
    assert yaml.safe_load(files[2].read_text())["camunda"]["tasklist"]["zeebe"]["restAddress"] == settings.rest_url


def test_broker_only_writes_one_file(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path, webapps=False)

    write_config(settings, tmp_path / "exporter.jar")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["application.yaml"]


def test_webapps_ports_are_checked_and_distinct_and_each_process_has_its_pid_and_log_file(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path)

    assert {"Operate": 8081, "Operate management": 9611, "Tasklist": 8082, "Tasklist management": 9612}.items() \
        <= settings.ports.items()
    assert len(set(settings.ports.values())) == len(settings.ports)
    assert "Operate" not in EngineSettings(webapps=False).ports
    names = ("broker", *WEBAPPS)
    assert [process.pid_path(settings, n).name for n in names] == ["engine.pid", "operate.pid", "tasklist.pid"]
    assert [process.log_path(settings, n).name for n in names] == ["engine.log", "operate.log", "tasklist.log"]
