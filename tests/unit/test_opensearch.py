"""The webapps mode's pure parts: OpenSearch assembly files, node config, JDK choice, engine config."""

from pathlib import Path

import pytest

from engine import java, opensearch, search_node
from engine.config import engine_config
from engine.errors import EngineError
from engine.opensearch_modules import (
    MODULES,
    OPENSEARCH_VERSION,
    POLICIES,
    Module,
    artifact_name,
    descriptor,
    module_jars,
    reactor_poms,
)
from engine.settings import EngineSettings
from tests.unit.test_launcher_errors import fake_jdk

PAINLESS = next(m for m in MODULES if m.name == "lang-painless")
ANALYSIS = next(m for m in MODULES if m.name == "analysis-common")


def test_descriptor_has_every_key_opensearch_reads() -> None:
    text = descriptor("analysis-common", ANALYSIS.classname, ANALYSIS.extends)
    entries = dict(line.split("=", 1) for line in text.splitlines())

    assert entries == {
        "description": "analysis-common module (assembled from Maven Central)", "version": OPENSEARCH_VERSION,
        "name": "analysis-common", "classname": "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "java.version": "11", "opensearch.version": OPENSEARCH_VERSION, "custom.foldername": "",
        "extended.plugins": "lang-painless", "has.native.controller": "false",
    }


def test_policies_grant_what_the_modules_need_and_belong_to_known_modules() -> None:
    assert set(POLICIES) <= {m.name for m in MODULES}
    assert '"createClassLoader"' in POLICIES["lang-painless"]
    assert '"accessDeclaredMembers"' in POLICIES["lang-mustache"]
    assert "${codebase.opensearch-rest-client}" in POLICIES["reindex"]
    for policy in POLICIES.values():
        assert policy.count("grant ") == policy.count("\n};")


@pytest.mark.parametrize(("jar", "name"), [
    ("netty-buffer-4.1.135.Final.jar", "netty-buffer"), ("antlr4-runtime-4.13.1.jar", "antlr4-runtime"),
    ("zstd-jni-1.5.5-5.jar", "zstd-jni"), ("lang-painless-2.19.6.jar", "lang-painless"),
])
def test_artifact_name_strips_the_version(jar: str, name: str) -> None:
    assert artifact_name(Path(jar)) == name


def test_module_jars_leave_out_the_class_path_core_and_a_second_painless_spi() -> None:
    resolved = [Path(n) for n in ("analysis-common-2.19.6.jar", "opensearch-core-2.19.6.jar",
                                  "jackson-core-2.18.9.jar", "opensearch-scripting-painless-spi-2.19.6.jar")]
    lib = [Path("jackson-core-2.18.8.jar")]

    assert module_jars(ANALYSIS, resolved, lib) == [Path("analysis-common-2.19.6.jar")]
    assert Path("opensearch-scripting-painless-spi-2.19.6.jar") in module_jars(PAINLESS, resolved, lib)


def test_reactor_pom_has_one_child_per_module() -> None:
    poms = reactor_poms([PAINLESS, Module("x", "x-client", "X")])

    assert set(poms) == {"pom.xml", "lang-painless/pom.xml", "x/pom.xml"}
    assert "<module>lang-painless</module><module>x</module>" in poms["pom.xml"]
    assert f"<artifactId>x-client</artifactId><version>{OPENSEARCH_VERSION}</version>" in poms["x/pom.xml"]


def test_failed_module_download_names_the_artifact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opensearch, "MODULES", (Module("nothing", "no-such-module-esra", "X"),))

    with pytest.raises(EngineError) as error:
        opensearch.fetch_module_jars(tmp_path)

    message = str(error.value)
    assert message.startswith(f"could not fetch org.opensearch.plugin:no-such-module-esra:{OPENSEARCH_VERSION} from")
    assert "\n" not in message


def test_node_config_and_jvm_options_keep_everything_in_the_node_folder(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path, search_http_port=9290, search_transport_port=9390, search_heap="384m")
    shipped = "\n".join(["-Xms1g", "-Xmx1g", "-XX:HeapDumpPath=data", "-XX:ErrorFile=logs/hs_err_pid%p.log",
                         "9-:-Xlog:gc*:file=logs/gc.log"])

    config = search_node.node_config(settings)
    options = search_node.jvm_options(shipped, settings.search_heap, settings.search_dir).splitlines()

    assert (config["http.port"], config["transport.port"]) == (9290, 9390)
    assert (config["discovery.type"], config["network.host"]) == ("single-node", "127.0.0.1")
    assert config["path.data"] == str(tmp_path / "opensearch" / "data")
    assert options == ["-Xms384m", "-Xmx384m", f"-XX:HeapDumpPath={tmp_path}/opensearch/data",
                       f"-XX:ErrorFile={tmp_path}/opensearch/logs/hs_err_pid%p.log",
                       f"9-:-Xlog:gc*:file={tmp_path}/opensearch/logs/gc.log"]


def test_not_root_runs_opensearch_as_the_current_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)

    assert search_node.run_as(EngineSettings()) == []


def test_search_java_is_a_jdk_17_to_21_even_when_java_home_is_newer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newer = fake_jdk(tmp_path, "temurin-25", "25.0.3")
    fake_jdk(tmp_path, "jre-17", "17.0.15", javac=False)
    jdk17 = fake_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    monkeypatch.setattr(java, "JVM_DIR", tmp_path)
    monkeypatch.setenv("JAVA_HOME", str(newer))

    assert java.find_search_java() == java.JavaHome(jdk17, 17)
    assert java.find_java() == java.JavaHome(newer, 25)


def test_missing_search_java_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_jdk(tmp_path, "temurin-25", "25.0.3")
    monkeypatch.setattr(java, "JVM_DIR", tmp_path)
    monkeypatch.delenv("JAVA_HOME", raising=False)

    with pytest.raises(EngineError) as error:
        java.find_search_java()

    assert "no Java 17-21 JDK found for OpenSearch" in str(error.value)
    assert "temurin-25 (25)" in str(error.value)
    assert "\n" not in str(error.value)


def test_broker_only_config_and_ports_have_no_search_store(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path, webapps=False)

    config = engine_config(settings, tmp_path / "exporter.jar")

    assert "camunda" not in config
    assert set(config["zeebe"]["broker"]["exporters"]) == {"recordfile"}
    assert 9200 not in settings.ports.values()
    assert {"OpenSearch HTTP": 9200, "OpenSearch transport": 9300}.items() <= EngineSettings().ports.items()
