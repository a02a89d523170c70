"""python -m sandbox as `make run` starts it: answers /health, stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time

import httpx

from engine.settings import PROJECT_ROOT
from tests.sandbox.conftest import free_port


def test_python_m_sandbox_serves_and_stops_on_sigterm() -> None:
    port = free_port()
    env = {**os.environ, "SANDBOX_HTTP_PORT": str(port), "SANDBOX_SMTP_PORT": str(free_port()),
           "SANDBOX_LOG_FORMAT": "json"}
    child = subprocess.Popen([sys.executable, "-m", "sandbox"], cwd=PROJECT_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert child.poll() is None, child.communicate()[0]
            assert time.monotonic() < deadline, "sandbox did not answer /health"
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        output, _ = child.communicate(timeout=10)
        assert child.returncode == 0, output
        assert '"event": "sandbox.stopped"' in output
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
