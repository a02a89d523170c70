"""docker-compose.yml (no Docker engine here to run it): parses, pins our version, names every component."""

import yaml

from engine.settings import PROJECT_ROOT
from engine.stack import present_components
from engine.version import CAMUNDA_VERSION

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def test_engine_image_pins_the_launcher_version() -> None:
    image = COMPOSE["services"]["engine"]["image"]
    assert image.rsplit(":", 1) == ["camunda/zeebe", CAMUNDA_VERSION]


def test_every_runnable_component_has_a_service_with_a_health_check_or_one_shot() -> None:
    runnable = present_components()
    assert "workers" in runnable
    for name in runnable:
        service = COMPOSE["services"][name]
        assert service["command"] == ["python", "-m", name]
        assert "healthcheck" in service, f"{name} has no health check"


def test_ports_match_the_local_launcher() -> None:
    assert set(COMPOSE["services"]["engine"]["ports"]) == {"26500:26500", "8080:8080", "9600:9600"}
