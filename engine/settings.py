"""Engine launcher settings: environment ENGINE_*, or constructed directly in tests."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class EngineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGINE_")

    cache_dir: Path = PROJECT_ROOT / ".cache" / "camunda"
    run_dir: Path = PROJECT_ROOT / ".cache" / "engine"
    host: str = "127.0.0.1"
    rest_port: int = 8080
    grpc_port: int = 26500
    management_port: int = 9600
    command_port: int = 26501
    internal_port: int = 26502
    heap: str = "1024m"
    # webapps mode: Operate and Tasklist as their own applications (bin/operate, bin/tasklist)
    operate_port: int = 8081
    operate_management_port: int = 9611
    tasklist_port: int = 8082
    tasklist_management_port: int = 9612
    webapp_heap: str = "512m"
    controlled_clock: bool = False
    # the record stream (records.jsonl) rotates at this size, keeping two older files; 0 = never
    records_max_bytes: int = 256 * 1024 * 1024
    # webapps mode: OpenSearch + bin/broker + bin/operate + bin/tasklist; off = broker only (fast, tests)
    webapps: bool = True
    search_http_port: int = 9200
    search_transport_port: int = 9300
    search_heap: str = "512m"
    search_user: str = "esra-search"  # OpenSearch refuses root; used only when the launcher runs as root
    web_user: str = "demo"
    web_password: str = "demo"
    # password of the staff users, one per candidate group of catalog/roles.yaml (engine/roles.py);
    # the sandbox default must be replaced wherever real people log in
    staff_password: SecretStr = SecretStr("demo")
    start_timeout_s: float = 180.0
    resource_dirs: tuple[Path, ...] = (PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms")

    @property
    def rest_url(self) -> str:
        return f"http://{self.host}:{self.rest_port}"

    @property
    def management_url(self) -> str:
        return f"http://{self.host}:{self.management_port}"

    @property
    def operate_url(self) -> str:
        return f"http://{self.host}:{self.operate_port}"

    @property
    def tasklist_url(self) -> str:
        return f"http://{self.host}:{self.tasklist_port}"

    @property
    def search_url(self) -> str:
        return f"http://{self.host}:{self.search_http_port}"

    @property
    def search_dir(self) -> Path:
        """OpenSearch's own config, data, logs and PID file (the only place it writes)."""
        return self.run_dir / "opensearch"

    @property
    def grpc_address(self) -> str:
        return f"{self.host}:{self.grpc_port}"

    @property
    def records_path(self) -> Path:
        return self.run_dir / "records.jsonl"

    @property
    def pid_path(self) -> Path:
        return self.run_dir / "engine.pid"

    @property
    def log_path(self) -> Path:
        return self.run_dir / "engine.log"

    @property
    def config_path(self) -> Path:
        return self.run_dir / "application.yaml"

    @property
    def data_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def ports(self) -> dict[str, int]:
        ports = {
            "REST/web": self.rest_port, "gRPC": self.grpc_port, "management": self.management_port,
            "command API": self.command_port, "internal API": self.internal_port,
        }
        if self.webapps:
            ports |= {
                "Operate": self.operate_port, "Operate management": self.operate_management_port,
                "Tasklist": self.tasklist_port, "Tasklist management": self.tasklist_management_port,
                "OpenSearch HTTP": self.search_http_port, "OpenSearch transport": self.search_transport_port,
            }
        return ports
