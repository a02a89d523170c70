"""Each launcher failure is one clear line naming its cause."""

import socket
from pathlib import Path

import pytest

from engine import distribution, java, launcher
from engine.errors import EngineError
from engine.settings import EngineSettings


def fake_jdk(root: Path, name: str, version: str, javac: bool = True) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "release").write_text(f'JAVA_VERSION="{version}"\n')
    (home / "bin" / "java").touch()
    if javac:
        (home / "bin" / "javac").touch()
    return home


def test_missing_java_names_what_was_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_jdk(tmp_path, "java-17-openjdk", "17.0.15")
    monkeypatch.setattr(java, "JVM_DIR", tmp_path)
    monkeypatch.delenv("JAVA_HOME", raising=False)

    with pytest.raises(EngineError) as error:
        java.find_java()

    message = str(error.value)
    assert "no Java 21-25 JDK found" in message
    assert "java-17-openjdk (17)" in message
    assert "\n" not in message


def test_java_home_wins_and_a_runtime_without_javac_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jre = fake_jdk(tmp_path, "jre-21", "21.0.8", javac=False)
    jdk = fake_jdk(tmp_path, "temurin-25", "25.0.3")
    monkeypatch.setattr(java, "JVM_DIR", tmp_path)
    monkeypatch.setenv("JAVA_HOME", str(jre))

    assert java.find_java() == java.JavaHome(jdk, 25)


async def test_port_taken_by_another_program_is_named(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        settings = EngineSettings(run_dir=tmp_path, rest_port=port, management_port=port)

        with pytest.raises(EngineError) as error:
            await launcher.up(settings)

    assert f"REST/web {port}" in str(error.value)
    assert "already in use by another program" in str(error.value)


def test_failed_download_names_the_artifact_and_mvn_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distribution, "CAMUNDA_VERSION", "0.0.0-missing")
    monkeypatch.setattr(distribution, "DISTRIBUTION_ARTIFACT", "io.camunda:camunda-zeebe:0.0.0-missing:tar.gz")

    with pytest.raises(EngineError) as error:
        distribution.ensure_distribution(tmp_path)

    message = str(error.value)
    assert message.startswith("could not fetch io.camunda:camunda-zeebe:0.0.0-missing:tar.gz from Maven Central")
    assert "\n" not in message
