"""Secrets come from the environment or from files, never from the repository: every component refuses its
development placeholders outside development, reads `<VARIABLE>_FILE`, and never shows a secret when it refuses."""

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from engine.settings import EngineSettings
from intake.settings import Caller, CallerKind, IntakeSettings
from local_stack import ComponentSettings, refusal
from sandbox.settings import AGENCY_NAMES, SandboxSettings
from workers.clients.agencies import AgencyEndpoint
from workers.settings import WorkerSettings
from workers.systems import Systems

REAL = "a-long-real-secret-7f3a"  # what operations would set; must never appear in a refusal


def strong_engine() -> dict[str, object]:
    return {f: REAL for f in ("admin_password", "staff_password", "workers_password", "intake_password",
                              "reports_password")}


def strong_intake(catalog: Path) -> dict[str, object]:
    callers = [Caller(name="e-mongolia-portal", kind=CallerKind.PORTAL, key=SecretStr(f"{REAL}-portal")),
               Caller(name="police", kind=CallerKind.AGENCY, key=SecretStr(f"{REAL}-police"))]
    return {"callers": callers, "upload_link_secret": REAL, "engine_password": REAL, "catalog_dir": catalog}


def strong_workers() -> dict[str, object]:
    base = Systems()
    agencies = {a: AgencyEndpoint(url=e.url, api_key=SecretStr(f"{REAL}-{a}")) for a, e in base.agencies.items()}
    return {"engine_password": REAL,
            "systems": Systems(xyp_token=SecretStr(REAL), intake_key=SecretStr(REAL), agencies=agencies)}


def strong_sandbox() -> dict[str, object]:
    return {"xyp_token": REAL, "agency_api_keys": {a: f"{REAL}-{a}" for a in AGENCY_NAMES},
            "intake_api_keys": {a: f"{REAL}-in-{a}" for a in AGENCY_NAMES}}


CATALOG = Path(__file__).resolve().parents[2] / "catalog"
COMPONENTS: dict[str, tuple[type[ComponentSettings], dict[str, object]]] = {
    "engine": (EngineSettings, strong_engine()),
    "intake": (IntakeSettings, strong_intake(CATALOG)),
    "workers": (WorkerSettings, strong_workers()),
    "sandbox": (SandboxSettings, strong_sandbox()),
}


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_starts_in_production_only_with_its_own_secrets(component: str) -> None:
    settings_class, strong = COMPONENTS[component]
    settings_class.model_validate({"environment": "production", **strong})
    settings_class.model_validate({"environment": "development"})  # the placeholders serve development

    with pytest.raises(ValidationError) as refused:
        settings_class.model_validate({"environment": "production"})
    line = refusal(refused.value)
    assert "production" in line or "development" in line, line
    assert "\n" not in line


@pytest.mark.parametrize(("component", "field", "placeholder"), [
    ("engine", "admin_password", "demo"),
    ("engine", "staff_password", ""),
    ("intake", "upload_link_secret", "sandbox-upload-link-secret"),
    ("intake", "engine_password", "sandbox-intake-password"),
    ("workers", "engine_password", "admin"),
    ("sandbox", "xyp_token", "sandbox-xyp-token"),
])
def test_one_placeholder_among_real_secrets_stops_the_start_naming_it_and_showing_no_value(
    component: str, field: str, placeholder: str,
) -> None:
    settings_class, strong = COMPONENTS[component]
    with pytest.raises(ValidationError) as refused:
        settings_class.model_validate({"environment": "production", **strong, field: placeholder})
    line = refusal(refused.value)
    assert field.upper() in line.upper(), line
    assert "\n" not in line
    assert "errors.pydantic.dev" not in line
    assert "input_value" not in str(refused.value), "a refusal must not echo the secrets it was given"
    assert REAL not in str(refused.value)
    assert REAL not in line


def test_a_secret_is_read_from_the_file_its_FILE_variable_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin, token = tmp_path / "admin-password", tmp_path / "xyp-token"
    admin.write_text(f"{REAL}\n")  # as `echo secret > file` leaves it
    token.write_text("xyp-token-from-a-file")
    monkeypatch.setenv("ENGINE_ADMIN_PASSWORD_FILE", str(admin))
    monkeypatch.setenv("WORKERS_SYSTEMS__XYP_TOKEN_FILE", str(token))

    assert EngineSettings().admin_password.get_secret_value() == REAL
    assert WorkerSettings().systems.xyp_token.get_secret_value() == "xyp-token-from-a-file"
    assert IntakeSettings().engine_password.get_secret_value() == "sandbox-intake-password", "another prefix's"

    monkeypatch.setenv("ENGINE_ADMIN_PASSWORD", "set-directly")  # the variable itself wins, as over secrets_dir
    assert EngineSettings().admin_password.get_secret_value() == "set-directly"


def test_an_unreadable_secret_file_stops_the_start_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTAKE_ENGINE_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="INTAKE_ENGINE_PASSWORD_FILE: cannot read") as refused:
        IntakeSettings()
    assert refusal(refused.value).startswith("INTAKE_ENGINE_PASSWORD_FILE")


def test_a_placeholder_secret_read_from_a_file_is_still_refused_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = tmp_path / "workers-password"
    secret.write_text("sandbox-workers-password")
    monkeypatch.setenv("WORKERS_ENGINE_PASSWORD_FILE", str(secret))
    strong = {k: v for k, v in strong_workers().items() if k != "engine_password"}
    with pytest.raises(ValidationError, match="engine_password"):
        WorkerSettings.model_validate({"environment": "production", **strong})
