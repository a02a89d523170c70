"""Staff users for Operate and Tasklist (webapps mode): one per candidate group in catalog/roles.yaml.

Standalone Operate and Tasklist 8.6 each check logins against their own user index in the search
store (operate-user-1.2.0_, tasklist-user-1.4.0_; the same document layout). Their configuration
predefines one user only (`camunda.operate|tasklist.userId`/`password`, our `demo`), so after
start the launcher writes the staff users into both indexes itself, as Camunda documents for
further users. The user name is the group id, the
display name the group's Mongolian name, the role OPERATOR (read and write: claim and complete
tasks). Passwords are stored the way Spring Security's delegating encoder reads them
(`{pbkdf2@SpringSecurity_v5_8}` + hex of salt and PBKDF2-HMAC-SHA256 digest), never in clear.
"""

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import yaml

from engine.errors import EngineError
from engine.settings import PROJECT_ROOT, EngineSettings

ROLES_PATH = PROJECT_ROOT / "catalog" / "roles.yaml"
# operate-user-1.2.0_alias and tasklist-user-1.4.0_alias in 8.6
USER_INDEX_ALIASES = {app: re.compile(rf"^{app}-user-\d+\.\d+\.\d+_alias$") for app in ("operate", "tasklist")}
STAFF_ROLE = "OPERATOR"
PBKDF2_ID, PBKDF2_ITERATIONS, SALT_BYTES, HASH_BYTES = "pbkdf2@SpringSecurity_v5_8", 310_000, 16, 32


def candidate_groups(path: Path = ROLES_PATH) -> dict[str, str]:
    """Group id -> Mongolian name, in the order of catalog/roles.yaml."""
    roles = yaml.safe_load(path.read_text(encoding="utf-8"))["roles"]
    return {str(role["group"]): str(role["name_mn"]) for role in roles}


def password_hash(password: str, salt: bytes | None = None) -> str:
    """Spring Security's Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(), with its id prefix."""
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS, HASH_BYTES)
    return f"{{{PBKDF2_ID}}}{(salt + digest).hex()}"


def staff_users(settings: EngineSettings, path: Path = ROLES_PATH) -> list[dict[str, Any]]:
    """Operate user documents (id = userId = group id) with the staff password from the settings."""
    password = settings.staff_password.get_secret_value()
    return [
        {"id": group, "userId": group, "displayName": name, "password": password_hash(password),
         "roles": [STAFF_ROLE]}
        for group, name in candidate_groups(path).items()
    ]


async def ensure_staff_users(settings: EngineSettings, path: Path = ROLES_PATH) -> list[str]:
    """Write (or overwrite) the staff users into Operate's and Tasklist's user indexes; their ids."""
    users = staff_users(settings, path)
    async with httpx.AsyncClient(base_url=settings.search_url, timeout=30) as search:
        aliases = (await search.get("/_cat/aliases", params={"format": "json"})).json()
        indexes = []
        for app, pattern in USER_INDEX_ALIASES.items():
            index = next((a["index"] for a in aliases if pattern.match(a["alias"])), None)
            if index is None:
                raise EngineError(f"engine: {app}'s user index is missing in OpenSearch at {settings.search_url}")
            indexes.append(index)
        lines = [
            line for index in indexes for user in users
            for line in ({"index": {"_index": index, "_id": user["id"]}}, user)
        ]
        body = "".join(f"{json.dumps(line, ensure_ascii=False)}\n" for line in lines)
        response = await search.post("/_bulk", params={"refresh": "true"}, content=body,
                                     headers={"Content-Type": "application/x-ndjson"})
        if response.status_code >= 400 or response.json().get("errors"):
            raise EngineError(f"engine: could not write the staff users into {indexes}: {response.text[:500]}")
    return [str(user["id"]) for user in users]
