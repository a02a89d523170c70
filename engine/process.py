"""Start the broker process, remember its PID, stop only that process."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from engine.errors import EngineError
from engine.java import JavaHome
from engine.settings import EngineSettings


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def busy_ports(settings: EngineSettings) -> list[str]:
    return [f"{name} {port}" for name, port in settings.ports.items() if port_in_use(settings.host, port)]


def start(settings: EngineSettings, java: JavaHome, distribution: Path, config: Path) -> int:
    env = {
        **os.environ,
        "JAVA_HOME": str(java.path),
        "JAVA_OPTS": f"-Xmx{settings.heap} -Xms256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED",
        "SPRING_CONFIG_ADDITIONAL_LOCATION": f"file:{config}",
    }
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    with settings.log_path.open("ab") as log:
        proc = subprocess.Popen(
            [str(distribution / "bin" / "broker")],
            cwd=distribution, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    settings.pid_path.write_text(str(proc.pid))
    return proc.pid


def started_pid(settings: EngineSettings) -> int | None:
    """The PID we started, if that process is still alive."""
    try:
        pid = int(settings.pid_path.read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(settings: EngineSettings, grace_s: float = 30.0) -> bool:
    """SIGTERM the process group we started, SIGKILL after the grace period. False if none ran."""
    pid = started_pid(settings)
    if pid is None:
        settings.pid_path.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while is_alive(pid) and time.monotonic() < deadline:
        reap(pid)
        time.sleep(0.2)
    if is_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    reap(pid)
    settings.pid_path.unlink(missing_ok=True)
    return True


def reap(pid: int) -> None:
    """Collect the exit status when the process is our own child (avoids a zombie)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def log_tail(settings: EngineSettings, lines: int = 25) -> str:
    if not settings.log_path.is_file():
        return "(no engine log yet)"
    text = settings.log_path.read_bytes().decode("utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def ensure_not_running_elsewhere(settings: EngineSettings) -> None:
    busy = busy_ports(settings)
    if busy:
        raise EngineError(
            f"port(s) {', '.join(busy)} already in use by another program (not an engine that answers "
            f"as Camunda); stop it or choose other ports with ENGINE_REST_PORT / ENGINE_GRPC_PORT / ..."
        )
