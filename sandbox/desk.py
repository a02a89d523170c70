"""The agencies' side: the cases each holds, how each answers, and the decisions it sends back to intake."""

import asyncio
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sandbox.journal import Journal, now
from sandbox.settings import AGENCY_NAMES, Behaviour, Decision, SandboxSettings

log = structlog.get_logger("sandbox.agencies")

REASONS: dict[Decision, str] = {
    "approve": "Хүсэлтийг хянан үзэж, зөвшөөрлөө.",
    "reject": "Бүрдүүлсэн баримт бичиг шаардлага хангаагүй тул хүсэлтийг татгалзлаа.",
    "need-info": "Хүсэлтийг шийдвэрлэхэд нэмэлт мэдээлэл шаардлагатай: оршин суугаа хаягаа тодруулна уу.",
}


class AgencyBehaviour(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    decision: Behaviour
    delay_seconds: float = Field(default=0.0, ge=0, le=86_400)


@dataclass(frozen=True)
class Answer:
    body: dict[str, Any]
    new: bool


class AgencyDesk:
    def __init__(self, settings: SandboxSettings, journal: Journal) -> None:
        self._settings = settings
        self._journal = journal
        self.behaviours = self.default_behaviours()
        self._answers: dict[tuple[str, str], dict[str, Any]] = {}  # (agency, Idempotency-Key) -> first answer
        self._case_ids: dict[tuple[str, str], str] = {}  # (agency, case number) -> agency's own case id
        self._sent: Counter[tuple[str, str, int]] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._client = httpx.AsyncClient(timeout=settings.callback_timeout_seconds)

    def default_behaviours(self) -> dict[str, AgencyBehaviour]:
        default = AgencyBehaviour(decision=self._settings.agency_behaviour,
                                  delay_seconds=self._settings.agency_delay_seconds)
        return dict.fromkeys(AGENCY_NAMES, default)

    def case_id(self, agency: str, case_number: str) -> str | None:
        return self._case_ids.get((agency, case_number))

    def receive(self, agency: str, key: str, kind: str, case_number: str, stage: int, body: dict[str, Any]) -> Answer:
        """A forwarded case or additional information, once per Idempotency-Key; the agency then answers."""
        if (agency, key) in self._answers:
            self._journal.repeat("agencies", kind=kind, agencyId=agency, idempotencyKey=key, caseNumber=case_number,
                                 stage=stage)
            return Answer(self._answers[(agency, key)], new=False)
        case_id = self._case_ids.setdefault((agency, case_number), f"{agency}-{len(self._case_ids) + 1:06d}")
        answer = {"accepted": True, "agencyCaseId": case_id}
        self._answers[(agency, key)] = answer
        self._journal.record("agencies", kind=kind, agencyId=agency, idempotencyKey=key, agencyCaseId=case_id,
                             body=body)
        log.info("agency.received", kind=kind, agency=agency, case_number=case_number, stage=stage)
        behaviour = self.behaviours[agency]
        decision = behaviour.decision
        if kind == "information" and decision == "need-info":
            decision = "approve"  # it asked once and got its answer
        if decision != "never":
            self.decide(agency, case_number, stage, decision, trigger=f"behaviour:{kind}",
                        delay_seconds=behaviour.delay_seconds)
        return Answer(answer, new=True)

    def remind(self, agency: str, key: str, case_number: str, body: dict[str, Any]) -> Answer:
        """A reminder about a case the agency holds: recorded once per Idempotency-Key, decides nothing."""
        if (agency, key) in self._answers:
            self._journal.repeat("agencies", kind="reminder", agencyId=agency, idempotencyKey=key,
                                 caseNumber=case_number)
            return Answer(self._answers[(agency, key)], new=False)
        answer = {"accepted": True, "agencyCaseId": self._case_ids[(agency, case_number)]}
        self._answers[(agency, key)] = answer
        self._journal.record("agencies", kind="reminder", agencyId=agency, idempotencyKey=key,
                             agencyCaseId=answer["agencyCaseId"], body=body)
        log.info("agency.reminded", agency=agency, case_number=case_number, reminder=body.get("kind"))
        return Answer(answer, new=True)

    def decide(self, agency: str, case_number: str, stage: int, decision: Decision, reason: str = "",
               trigger: str = "control", delay_seconds: float = 0.0) -> str:
        """Send a decision to intake after the delay (in the background); returns its message id."""
        self._sent[(agency, case_number, stage)] += 1
        message_id = f"{agency}-{case_number}-{stage}-{self._sent[(agency, case_number, stage)]}"
        entry: dict[str, Any] = {
            "at": now(), "messageId": message_id, "agencyId": agency, "caseNumber": case_number, "stage": stage,
            "decision": decision, "reason": reason or REASONS[decision], "trigger": trigger,
            "delaySeconds": delay_seconds, "outcome": "scheduled", "attempts": [],
        }
        self._journal.callbacks.append(entry)
        self._spawn(self._deliver(entry, delay_seconds))
        return message_id

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, entry: dict[str, Any], delay_seconds: float) -> None:
        """Retry transport errors and 5xx with doubling backoff; a 4xx is final. Never raises."""
        await asyncio.sleep(delay_seconds)
        entry["outcome"] = "sending"
        fields = ("caseNumber", "stage", "agencyId", "decision", "reason", "messageId")
        body = {name: entry[name] for name in fields}
        url = f"{self._settings.intake_url.rstrip('/')}/v1/agency-decisions"
        key = self._settings.intake_api_keys.get(entry["agencyId"])
        headers = {"X-Api-Key": key.get_secret_value()} if key else {}
        attempts = self._settings.callback_attempts
        try:
            for attempt in range(1, attempts + 1):
                try:
                    response = await self._client.post(url, json=body, headers=headers)
                except httpx.HTTPError as error:
                    entry["attempts"].append({"at": now(), "error": f"{type(error).__name__}: {error}"})
                else:
                    entry["attempts"].append({"at": now(), "status": response.status_code,
                                              "body": response.text[:300]})
                    retryable = response.status_code >= 500 or response.status_code in (408, 429)
                    if response.is_success or not retryable:
                        entry["outcome"] = "delivered" if response.is_success else "refused"
                        log.info("agency.decision_sent", outcome=entry["outcome"], status=response.status_code,
                                 message_id=entry["messageId"])
                        return
                if attempt < attempts:
                    await asyncio.sleep(self._settings.callback_backoff_seconds * 2 ** (attempt - 1))
            entry["outcome"] = "failed"
            log.warning("agency.decision_failed", message_id=entry["messageId"], attempts=attempts,
                        last=entry["attempts"][-1])
        except Exception as error:  # a bug here must not take the sandbox down; it is recorded instead
            entry["outcome"] = "failed"
            entry["attempts"].append({"at": now(), "error": f"{type(error).__name__}: {error}"})
            log.exception("agency.decision_crashed", message_id=entry["messageId"])

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._client.aclose()
