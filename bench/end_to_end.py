"""End to end: portal requests (references and single-stage services, half each) submitted through intake at
rising rates, the real workers and the sandbox (agencies approve after their default delay) behind it. Per step:
the time from submission to the citizen's "received" SMS (the sandbox journal's receive time of message
`<case>-received`), and the CPU each component used. Stops at the first step that is not sustained: p95 over
the limit, a request refused, an SMS missing, or submissions falling behind the rate."""

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from bench.engines import RunningEngine
from bench.figures import Figure, Report
from bench.latency import percentile
from bench.machine import CpuMeter
from bench.pacing import at_rate
from bench.polling import wait_until
from bench.stack import Stack
from engine.deploy import deploy_all
from engine.settings import PROJECT_ROOT
from local_stack import PORTAL_KEY
from sandbox.citizens import load_citizens

REFERENCE, SINGLE_STAGE = "address-reference", "criminal-record-certificate"
CITIZENS = PROJECT_ROOT / "sandbox" / "data" / "citizens.yaml"
ADDRESS_RECORD = "WS100103"  # the reference's registry record; citizens without it get "not found"


@dataclass(frozen=True)
class EndToEndPlan:
    rates: tuple[float, ...] = (5.0, 10.0, 20.0, 40.0)
    seconds: float = 30.0  # submissions at each rate
    p95_limit_s: float = 2.0
    settle_s: float = 60.0  # at most this long after the last submission for the last "received" SMS
    services: tuple[str, ...] = (REFERENCE, SINGLE_STAGE)


@dataclass(frozen=True)
class Submission:
    case_number: str | None
    submitted_at: float  # epoch seconds
    answer_s: float  # intake's answer (202 once the engine started the instance, or the outbox took it)
    error: str = ""


@dataclass
class Step:
    rate: float
    achieved_rate: float
    submissions: list[Submission]
    latencies_s: list[float] = field(default_factory=list)
    missing: int = 0
    cores: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for s in self.submissions if s.error)

    def p(self, q: float) -> float:
        return percentile([round(v * 1000) for v in self.latencies_s], q) / 1000

    def sustained(self, plan: EndToEndPlan) -> bool:
        return (not self.errors and not self.missing and self.achieved_rate >= 0.9 * self.rate
                and self.p(95) <= plan.p95_limit_s)


def applicants() -> list[dict[str, Any]]:
    """The sandbox's synthetic citizens whose address the registry holds (both services then succeed)."""
    return [{"registerNumber": c.regnum, "birthDate": c.birth_date.isoformat(), "phone": c.phone}
            for c in load_citizens(CITIZENS).values() if ADDRESS_RECORD in c.records]


async def submit(http: httpx.AsyncClient, intake_url: str, service: str, applicant: dict[str, Any]) -> Submission:
    body = {"requestId": f"bench-{uuid.uuid4().hex[:20]}", "serviceCode": service, "applicant": applicant,
            "serviceCentre": "capital:bayanzurkh", "deliveryMethod": "electronic", "registryConsent": True}
    submitted_at, began = time.time(), time.monotonic()
    try:
        answer = await http.post(f"{intake_url}/v1/service-requests", json=body, headers={"X-Api-Key": PORTAL_KEY})
    except httpx.HTTPError as error:
        return Submission(None, submitted_at, time.monotonic() - began, f"{type(error).__name__}: {error}")
    took = time.monotonic() - began
    if answer.status_code != 202:
        return Submission(None, submitted_at, took, f"{answer.status_code} {answer.text[:200]}")
    return Submission(str(answer.json()["caseNumber"]), submitted_at, took)


async def received_sms(http: httpx.AsyncClient, sandbox_url: str) -> dict[str, float]:
    """messageId -> when the sandbox's SMS gateway received it (epoch seconds)."""
    journal = (await http.get(f"{sandbox_url}/control/sms/received")).json()["received"]
    return {entry["messageId"]: datetime.fromisoformat(entry["at"]).timestamp() for entry in journal}


async def run_step(http: httpx.AsyncClient, stack: Stack, meter: CpuMeter, plan: EndToEndPlan, rate: float,
                   people: list[dict[str, Any]]) -> Step:
    await http.delete(f"{stack.sandbox_url}/control/received")  # the journal holds this step's SMS only
    meter.restart()
    count = max(1, round(rate * plan.seconds))

    async def one(i: int) -> Submission:
        return await submit(http, stack.intake_url, plan.services[i % len(plan.services)], people[i % len(people)])

    paced = await at_rate(rate, count, one, max_in_flight=512)
    submissions = [r if isinstance(r, Submission) else Submission(None, 0.0, 0.0, repr(r)) for r in paced.results]
    step = Step(rate, paced.rate, submissions)
    wanted = {f"{s.case_number}-received": s for s in submissions if s.case_number}
    seen: dict[str, float] = {}

    async def all_received() -> bool:
        seen.update(await received_sms(http, stack.sandbox_url))
        return wanted.keys() <= seen.keys()

    await wait_until(all_received, plan.settle_s, interval_s=1.0)
    use = meter.used()
    step.seconds = use.elapsed_s
    step.cores = {name: use.cores(name) for name in (*stack.pids, "engine")} | {"others": use.others_cores()}
    step.latencies_s = [seen[key] - s.submitted_at for key, s in wanted.items() if key in seen]
    step.missing = len(wanted) - len(step.latencies_s)
    return step


async def run(engine: RunningEngine, stack: Stack, plan: EndToEndPlan, report: Report | None = None) -> list[Step]:
    async with engine.admin() as admin:
        await deploy_all(admin, (PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"))
    people = applicants()
    meter = CpuMeter({**stack.pids, "engine": engine.pids})
    steps: list[Step] = []
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        for rate in plan.rates:
            step = await run_step(http, stack, meter, plan, rate, people)
            steps.append(step)
            print(f"    {rate:g} requests/s: p50 {step.p(50):.2f} s, p95 {step.p(95):.2f} s, "
                  f"missing {step.missing}, refused {step.errors}; cores "
                  + ", ".join(f"{k} {v:.2f}" for k, v in step.cores.items()), flush=True)
            if not step.sustained(plan):
                break
    if report is not None:
        add_figures(report, engine.mode, plan, steps)
    return steps


def add_figures(report: Report, mode: str, plan: EndToEndPlan, steps: list[Step]) -> None:
    def figure(name: str, value: float | None, unit: str, detail: str = "") -> None:
        report.add(Figure("end-to-end", name, value, unit, detail, engine_mode=mode))

    mix = " and ".join(plan.services)
    for step in steps:
        answers = sorted(s.answer_s for s in step.submissions)
        where = ", ".join(f"{name} {cores:.2f}" for name, cores in step.cores.items())
        verdict = "sustained" if step.sustained(plan) else "not sustained"
        figure(f"{step.rate:g}/s: p95 submission -> received SMS", step.p(95), "s",
               f"{verdict}; p50 {step.p(50):.2f} s, p99 {step.p(99):.2f} s; {len(step.submissions)} requests "
               f"({mix}) at {step.achieved_rate:.1f}/s, {step.errors} refused, {step.missing} SMS missing; intake "
               f"answered in p95 {percentile([round(a * 1000) for a in answers], 95):.0f} ms")
        figure(f"{step.rate:g}/s: CPU by component", sum(v for k, v in step.cores.items() if k != "others"),
               "cores", f"{where} (over {step.seconds:.0f} s)")
    passed = [s.rate for s in steps if s.sustained(plan)]
    figure("highest sustained rate", max(passed) if passed else 0.0, "requests/s",
           f"p95 to the received SMS <= {plan.p95_limit_s:g} s, nothing refused or missing; steps "
           f"{', '.join(f'{r:g}' for r in plan.rates)}/s x {plan.seconds:g} s; aim >= 20/s")
