"""ruff and mypy (strict for engine/, workers/, intake/) are part of the test command."""

import subprocess
import sys

from engine.settings import PROJECT_ROOT


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=False)


def test_ruff_is_clean() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = run("mypy", ".")
    assert result.returncode == 0, result.stdout + result.stderr
