"""Start the broker, Operate, Tasklist and OpenSearch processes, remember their PIDs, stop only those."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from engine.config import WEBAPPS, webapp_config_path
from engine.errors import EngineError
from engine.java import JavaHome
from engine.settings import EngineSettings


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def busy_ports(settings: EngineSettings, exclude: frozenset[int] = frozenset()) -> list[str]:
    return [
        f"{name} {port}" for name, port in settings.ports.items()
        if port not in exclude and port_in_use(settings.host, port)
    ]


def start(settings: EngineSettings, java: JavaHome, distribution: Path, config: Path) -> int:
    """bin/broker (in webapps mode with the OpenSearch exporter; Operate and Tasklist run beside it)."""
    return launch(settings, "broker", java, distribution, config, settings.heap)


def start_webapp(settings: EngineSettings, name: str, java: JavaHome, distribution: Path) -> int:
    """bin/operate or bin/tasklist, standalone, with its own application.yaml, port and login."""
    return launch(settings, name, java, distribution, webapp_config_path(settings, name), settings.webapp_heap)


def launch(settings: EngineSettings, name: str, java: JavaHome, distribution: Path, config: Path, heap: str) -> int:
    env = {
        **os.environ,
        "JAVA_HOME": str(java.path),
        "JAVA_OPTS": f"-Xmx{heap} -Xms128m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED",
        "SPRING_CONFIG_ADDITIONAL_LOCATION": f"file:{config}",
    }
    env.pop("SPRING_PROFILES_ACTIVE", None)  # each bin/ script sets its own
    return spawn([str(distribution / "bin" / name)], distribution, env, log_path(settings, name),
                 pid_path(settings, name))


def pid_path(settings: EngineSettings, name: str) -> Path:
    """engine.pid for the broker, operate.pid / tasklist.pid for the webapps."""
    return settings.pid_path if name == "broker" else settings.run_dir / f"{name}.pid"


def log_path(settings: EngineSettings, name: str) -> Path:
    return settings.log_path if name == "broker" else settings.run_dir / f"{name}.log"


def webapp_pid(settings: EngineSettings, name: str) -> int | None:
    return alive_pid(pid_path(settings, name))


def spawn(command: list[str], cwd: Path, env: dict[str, str], log_path: Path, pid_path: Path) -> int:
    """Start `command` in its own session, output appended to `log_path`; write its PID to `pid_path`."""
    pid_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    pid_path.write_text(str(proc.pid))
    return proc.pid


def started_pid(settings: EngineSettings) -> int | None:
    """The engine PID we started, if that process is still alive."""
    return alive_pid(settings.pid_path)


def alive_pid(pid_path: Path) -> int | None:
    try:
        pid = int(pid_path.read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def is_alive(pid: int) -> bool:
    reap(pid)  # an exited child of ours stays a zombie, which kill(pid, 0) still finds
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(settings: EngineSettings, grace_s: float = 30.0) -> bool:
    return stop_pid_file(settings.pid_path, grace_s)


def stop_webapps(settings: EngineSettings, grace_s: float = 30.0) -> bool:
    """SIGTERM Operate and Tasklist together, then wait for both (SIGKILL after the grace period)."""
    pids = [pid for name in WEBAPPS if (pid := webapp_pid(settings, name)) is not None]
    for pid in pids:
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(is_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in pids:
        if is_alive(pid):
            os.killpg(pid, signal.SIGKILL)
        reap(pid)
    for name in WEBAPPS:
        pid_path(settings, name).unlink(missing_ok=True)
    return bool(pids)


def stop_pid_file(pid_path: Path, grace_s: float = 30.0) -> bool:
    """SIGTERM the process group we started, SIGKILL after the grace period. False if none ran."""
    pid = alive_pid(pid_path)
    if pid is None:
        pid_path.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while is_alive(pid) and time.monotonic() < deadline:
        reap(pid)
        time.sleep(0.2)
    if is_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    reap(pid)
    pid_path.unlink(missing_ok=True)
    return True


def reap(pid: int) -> None:
    """Collect the exit status when the process is our own child (avoids a zombie)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def log_tail(settings: EngineSettings, lines: int = 25) -> str:
    return tail(settings.log_path, lines)


def tail(log_path: Path, lines: int = 25) -> str:
    if not log_path.is_file():
        return f"(no {log_path.name} yet)"
    text = log_path.read_bytes().decode("utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def ensure_not_running_elsewhere(settings: EngineSettings, exclude: frozenset[int] = frozenset()) -> None:
    """Fail naming the ports some other program holds (`exclude`: ports of a process we started)."""
    busy = busy_ports(settings, exclude)
    if busy:
        raise EngineError(
            f"port(s) {', '.join(busy)} already in use by another program (not an engine that answers "
            f"as Camunda); stop it or choose other ports with ENGINE_REST_PORT / ENGINE_GRPC_PORT / ..."
        )
