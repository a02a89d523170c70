"""The OpenSearch modules Camunda 8.6 needs, as Maven Central artifacts, and their plugin files.

Maven Central's integ-test zip holds OpenSearch with only transport-netty4; the other modules are
published as plain jars. Each becomes a folder under modules/ with the descriptor and security
policy OpenSearch's own build would have written (grants copied from its plugin-metadata).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

OPENSEARCH_VERSION = "2.19.6"
ZIP_ARTIFACT = f"org.opensearch.distribution.integ-test-zip:opensearch:{OPENSEARCH_VERSION}:zip"
PLUGIN_GROUP = "org.opensearch.plugin"
SHIM_NAME = "ism-settings-shim"
SHIM_CLASS = "mn.esra.opensearch.IsmSettingsShimPlugin"


@dataclass(frozen=True)
class Module:
    name: str  # folder under modules/
    artifact: str  # artifactId in org.opensearch.plugin
    classname: str
    extends: str = ""

    @property
    def coordinates(self) -> str:
        return f"{PLUGIN_GROUP}:{self.artifact}:{OPENSEARCH_VERSION}"


# Operate and Tasklist start and import with zero ERROR lines on exactly these (percolator,
# rank-eval and aggs-matrix-stats were dropped after checking that).
MODULES = (
    Module("lang-painless", "lang-painless", "org.opensearch.painless.PainlessPlugin"),
    Module("analysis-common", "analysis-common", "org.opensearch.analysis.common.CommonAnalysisPlugin",
           "lang-painless"),
    Module("ingest-common", "ingest-common", "org.opensearch.ingest.common.IngestCommonPlugin", "lang-painless"),
    Module("mapper-extras", "mapper-extras-client", "org.opensearch.index.mapper.MapperExtrasPlugin"),
    Module("parent-join", "parent-join-client", "org.opensearch.join.ParentJoinPlugin"),
    Module("reindex", "reindex-client", "org.opensearch.index.reindex.ReindexPlugin"),
    Module("lang-mustache", "lang-mustache-client", "org.opensearch.script.mustache.MustachePlugin"),
)

POLICIES = {
    "lang-painless": """grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
""",
    "lang-mustache": """grant {
  permission java.lang.RuntimePermission "accessDeclaredMembers";
};
""",
    "reindex": """grant {
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "${codebase.opensearch-rest-client}" {
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "${codebase.httpasyncclient}" {
  permission java.net.NetPermission "getProxySelector";
};
""",
}

# OpenSearch's own artifacts are on the server's class path already; a second copy is jar hell.
CORE_ARTIFACTS = frozenset({
    "opensearch", "opensearch-core", "opensearch-common", "opensearch-x-content", "opensearch-geo",
    "opensearch-cli", "opensearch-secure-sm", "opensearch-compress", "opensearch-telemetry",
    "opensearch-task-commons",
})
PAINLESS_SPI = "opensearch-scripting-painless-spi"  # only in lang-painless; extenders see it through it


def descriptor(name: str, classname: str, extends: str = "") -> str:
    """plugin-descriptor.properties, in the format of modules/transport-netty4's."""
    return "\n".join([
        f"description={name} module (assembled from Maven Central)",
        f"version={OPENSEARCH_VERSION}",
        f"name={name}",
        f"classname={classname}",
        "java.version=11",
        f"opensearch.version={OPENSEARCH_VERSION}",
        "custom.foldername=",
        f"extended.plugins={extends}",
        "has.native.controller=false",
        "",
    ])


def artifact_name(jar: Path) -> str:
    """`netty-buffer-4.1.135.Final.jar` -> `netty-buffer`: everything before the first `-<digit>`."""
    match = re.match(r"(.+?)-\d", jar.stem)
    return match.group(1) if match else jar.stem


def module_jars(module: Module, jars: Iterable[Path], lib_jars: Iterable[Path]) -> list[Path]:
    """The resolved jars that belong in the module's folder: not in lib/, not OpenSearch core."""
    on_class_path = {artifact_name(jar) for jar in lib_jars} | CORE_ARTIFACTS
    keep = []
    for jar in sorted(jars):
        name = artifact_name(jar)
        if name in on_class_path or (name == PAINLESS_SPI and module.name != "lang-painless"):
            continue
        keep.append(jar)
    return keep


def reactor_poms(modules: Iterable[Module]) -> dict[str, str]:
    """A throwaway multi-module pom: one child per module, so one mvn run resolves each one's jars apart."""
    head = '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    poms: dict[str, str] = {}
    names = []
    for module in modules:
        names.append(module.name)
        poms[f"{module.name}/pom.xml"] = (
            f"{head}<groupId>esra.fetch</groupId><artifactId>{module.name}</artifactId><version>1</version>"
            f"<packaging>pom</packaging><dependencies><dependency><groupId>{PLUGIN_GROUP}</groupId>"
            f"<artifactId>{module.artifact}</artifactId><version>{OPENSEARCH_VERSION}</version>"
            "</dependency></dependencies></project>\n"
        )
    listed = "".join(f"<module>{name}</module>" for name in names)
    poms["pom.xml"] = (
        f"{head}<groupId>esra.fetch</groupId><artifactId>opensearch-modules</artifactId><version>1</version>"
        f"<packaging>pom</packaging><modules>{listed}</modules></project>\n"
    )
    return poms
