"""Each launcher failure is one clear line naming its cause; defaults are refused outside development."""

import socket
from pathlib import Path

import pytest

from engine import build, cluster, java, launcher
from engine.errors import EngineError
from engine.settings import EngineSettings
from engine.version import operaton_version


def fake_jdk(root: Path, name: str, version: str, javac: bool = True) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "release").write_text(f'JAVA_VERSION="{version}"\n')
    (home / "bin" / "java").touch()
    if javac:
        (home / "bin" / "javac").touch()
    return home


def test_missing_java_names_what_was_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_jdk(tmp_path, "java-11-openjdk", "11.0.22")
    monkeypatch.setattr(java, "JVM_DIR", tmp_path)
    monkeypatch.delenv("JAVA_HOME", raising=False)

    with pytest.raises(EngineError) as error:
        java.find_java()

    message = str(error.value)
    assert "no Java 17-25 JDK found" in message
    assert "java-11-openjdk (11)" in message
    assert "\n" not in message


def test_java_home_wins_and_a_runtime_without_javac_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jre = fake_jdk(tmp_path, "jre-21", "21.0.8", javac=False)
    jdk17 = fake_jdk(tmp_path, "openjdk-17", "17.0.15")
    jdk25 = fake_jdk(tmp_path, "temurin-25", "25.0.3")
    monkeypatch.setattr(java, "JVM_DIR", tmp_path)
    monkeypatch.setenv("JAVA_HOME", str(jre))
    assert java.find_java() == java.JavaHome(jdk25, 25), "the newest JDK under /usr/lib/jvm"

    monkeypatch.setenv("JAVA_HOME", str(jdk17))
    assert java.find_java() == java.JavaHome(jdk17, 17), "JAVA_HOME first"


async def test_port_taken_by_another_program_is_named(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        settings = EngineSettings(run_dir=tmp_path, port=port)

        with pytest.raises(EngineError) as error:
            await launcher.up(settings)

    assert f"port {port} on 127.0.0.1 is already in use by another program" in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_maven_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.build.shutil.which", lambda _: None)
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "pom.xml").write_text("<project/>")

    with pytest.raises(EngineError, match=r"Maven \(mvn\) not found on PATH"):
        build.ensure_engine_jar(app, tmp_path / "cache", java.JavaHome(tmp_path, 25))


def test_failed_build_shows_mavens_error_lines(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "pom.xml").write_text("<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId>"
                                 "<artifactId>broken</artifactId><version>1</version>"
                                 "<dependencies><dependency><groupId>mn.esra.missing</groupId>"
                                 "<artifactId>none</artifactId><version>0.0.0</version></dependency>"
                                 "</dependencies></project>")

    with pytest.raises(EngineError) as error:
        build.ensure_engine_jar(app, tmp_path / "cache", java.find_java())

    message = str(error.value)
    assert message.startswith("building the engine application with Maven failed:")
    assert "mn.esra.missing:none" in message
    assert not list((tmp_path / "cache").glob("*.jar")), "no jar is kept from a failed build"


def test_a_changed_source_means_a_new_build(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "pom.xml").write_text("<project/>")
    before = build.source_digest(app)
    (app / "src" / "Engine.java").write_text("class Engine {}")
    assert build.source_digest(app) != before


@pytest.mark.parametrize("field", ["admin_password", "staff_password", "workers_password"])
def test_a_default_password_outside_development_stops_the_start(field: str) -> None:
    strong = {f: "a-long-real-secret" for f in (
        "admin_password", "staff_password", "workers_password", "intake_password", "reports_password") if f != field}
    with pytest.raises(ValueError, match="default or empty password outside development"):
        EngineSettings.model_validate({"environment": "production", **strong})


def test_operaton_is_pinned_in_the_application_pom() -> None:
    assert operaton_version() == "1.0.3"


def test_several_nodes_on_h2_are_refused_with_what_to_set() -> None:
    with pytest.raises(ValueError, match="several engine nodes share one database: set ENGINE_DATABASE=postgres"):
        EngineSettings(nodes=2)


def test_cluster_nodes_take_the_next_ports_their_own_folders_and_one_database(tmp_path: Path) -> None:
    settings = EngineSettings(database="postgres", nodes=2, port=18900, run_dir=tmp_path / "engine",
                              postgres_dir=tmp_path / "postgres", postgres_port=18999)
    nodes = cluster.nodes(settings)
    assert [(n.port, n.run_dir.name) for n in nodes] == [(18900, "node-1"), (18901, "node-2")]
    assert {n.jdbc_url for n in nodes} == {"jdbc:postgresql://127.0.0.1:18999/engine"}
