"""docker-compose.yml (no Docker engine here to run it): parses, builds our engine application, names every
component."""

import re

import yaml

from engine.settings import PROJECT_ROOT
from engine.stack import present_components
from engine.version import operaton_version
from local_stack import ENGINE_PORT, INTAKE_PORT, SANDBOX_PORT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def test_engine_image_is_built_from_the_same_application_and_operaton_version() -> None:
    engine = COMPOSE["services"]["engine"]
    assert engine["build"] == "./engine/app"
    dockerfile = (PROJECT_ROOT / "engine" / "app" / "Dockerfile").read_text()
    assert "COPY pom.xml" in dockerfile, "the image builds the pom that pins Operaton"
    assert re.search(r"<operaton\.version>1\.\d+\.\d+</operaton\.version>",
                     (PROJECT_ROOT / "engine" / "app" / "pom.xml").read_text())
    assert operaton_version() == "1.0.3"


def test_the_engine_keeps_its_data_in_postgresql() -> None:
    engine = COMPOSE["services"]["engine"]
    assert engine["environment"]["ENGINE_DATASOURCE_URL"].startswith("jdbc:postgresql://postgres:")
    assert COMPOSE["services"]["postgres"]["image"].startswith("postgres:")
    assert engine["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_two_engine_nodes_share_the_database_and_intake_and_workers_know_both() -> None:
    services = COMPOSE["services"]
    nodes = [name for name, service in services.items() if service.get("build") == "./engine/app"]
    assert nodes == ["engine", "engine-2"]
    assert len({services[n]["environment"]["ENGINE_DATASOURCE_URL"] for n in nodes}) == 1
    assert services["engine-2"]["depends_on"]["engine"]["condition"] == "service_healthy", "node 1 makes the schema"
    urls = [f"http://{node}:8080/engine-rest" for node in nodes]
    assert services["workers"]["environment"]["WORKERS_ENGINE_REST_URL"].split(",") == urls
    assert services["intake"]["environment"]["INTAKE_ENGINE_REST_URL"].split(",") == urls
    assert services["intake"]["environment"]["INTAKE_DATABASE_URL"].endswith("@postgres:5432/engine"), (
        "intake's state in the shared PostgreSQL, so replicas may run")


def test_every_runnable_component_has_a_service_with_a_health_check() -> None:
    runnable = present_components()
    assert set(runnable) == {"sandbox", "intake", "workers"}
    for name in runnable:
        service = COMPOSE["services"][name]
        assert service["command"] == ["python", "-m", name]
        assert "healthcheck" in service, f"{name} has no health check"
    assert COMPOSE["services"]["setup"]["command"] == ["python", "-m", "engine", "setup"]


def test_ports_match_the_local_stack() -> None:
    assert COMPOSE["services"]["engine"]["ports"] == [f"{ENGINE_PORT}:{ENGINE_PORT}"]
    assert f"{INTAKE_PORT}:{INTAKE_PORT}" in COMPOSE["services"]["intake"]["ports"]
    assert f"{SANDBOX_PORT}:{SANDBOX_PORT}" in COMPOSE["services"]["sandbox"]["ports"]
