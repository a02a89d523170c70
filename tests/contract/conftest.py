"""Shared fixture for the Node-based model-quality tools in tools/modeling/."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELING_DIR = REPO_ROOT / "tools" / "modeling"

RunTool = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run_modeling_tool() -> RunTool:
    """Run ``node tools/modeling/<script> ARGS...`` from the repo root.

    Without Node or ``tools/modeling/node_modules`` the calling test FAILS (never skips).
    """

    def run(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        node = shutil.which("node")
        if node is None:
            pytest.fail("`node` is not on PATH: install Node.js 20+ and run `make setup`", pytrace=False)
        if not (MODELING_DIR / "node_modules").is_dir():
            pytest.fail(f"{MODELING_DIR / 'node_modules'} is missing: run `make setup`", pytrace=False)
        return subprocess.run(
            [node, str(MODELING_DIR / script), *map(str, args)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run
