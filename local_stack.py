"""The local stack's facts, defined once: ports, URLs and the development accounts of each component.

Settings, the launcher, the demo scripts (through `python -m local_stack`) and compose's defaults read
them from here. The passwords are development placeholders (prefix `sandbox-`): every component refuses
them outside development.
"""

import sys
from dataclasses import dataclass

from pydantic import SecretStr

HOST = "127.0.0.1"
ENGINE_PORT = 8080
INTAKE_PORT = 8070
SANDBOX_PORT = 8090
SANDBOX_SMTP_PORT = 8025
WORKERS_METRICS_PORT = 9464

ENGINE_URL = f"http://{HOST}:{ENGINE_PORT}"
ENGINE_REST_URL = f"{ENGINE_URL}/engine-rest"
INTAKE_URL = f"http://{HOST}:{INTAKE_PORT}"
SANDBOX_URL = f"http://{HOST}:{SANDBOX_PORT}"

PLACEHOLDER_PREFIX = "sandbox-"
PORTAL_KEY = "sandbox-portal-key"  # the e-Mongolia portal's key at intake


@dataclass(frozen=True)
class Account:
    """An engine user: a component's service account, or a person."""

    user: str
    password: SecretStr


# Service accounts, each with only the permissions it needs (engine/access.py grants them).
WORKERS_ACCOUNT = Account("esra-workers", SecretStr("sandbox-workers-password"))
INTAKE_ACCOUNT = Account("esra-intake", SecretStr("sandbox-intake-password"))
REPORTS_ACCOUNT = Account("esra-reports", SecretStr("sandbox-reports-password"))
# The administrator (Cockpit, Admin, deployments); `demo` exists only in development.
ADMIN_USER = "demo"
STAFF_PASSWORD = "demo"  # development only: every staff user's password


def is_placeholder(secret: str) -> bool:
    return not secret.strip() or secret.startswith(PLACEHOLDER_PREFIX) or secret.strip().lower() in {"demo", "admin"}


def main(argv: list[str]) -> int:
    """`python -m local_stack NAME`: print one fact (for shell scripts)."""
    facts = {"intake-url": INTAKE_URL, "sandbox-url": SANDBOX_URL, "engine-url": ENGINE_URL, "portal-key": PORTAL_KEY}
    if len(argv) != 1 or argv[0] not in facts:
        print(f"usage: python -m local_stack {{{'|'.join(facts)}}}", file=sys.stderr)
        return 2
    print(facts[argv[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
