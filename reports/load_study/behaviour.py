"""What each request's citizen, agencies and staff will do, drawn once per request from its own random stream.

Everything is drawn up front, in a fixed order, whatever path the request later takes: the same seed gives
the same script, so runs with different staff counts differ only by staff (common random numbers), and the
validation can play the very same script against the real engine. A reply that would come after the model's
own time limit is drawn as no reply at all, so the script alone decides every branch (the timing decides
only reminders and SLA points).
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from catalog.model import Channel, Service, duration_seconds
from reports.load_study.arrivals import Arrival
from reports.load_study.flows import CHECK, FOLLOW_UP, HAND_OVER, WALK_IN_START
from reports.load_study.model import LoadModel, Lognormal

Decision = Literal["approve", "reject", "need-info"]
SATISFACTION_WAIT = "P7D"  # BoundaryEvent_NoSatisfactionAnswer (tests/unit/test_load_study.py holds it to the model)
MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class Citizen:
    known: bool  # the state registry knows the person (the identity check passes)
    records: frozenset[str]  # XYP services holding a record for them
    register_number: str | None = None  # a real sandbox citizen's, in the validation
    birth_date: str | None = None


class CitizenPool(Protocol):
    def draw(self, rng: random.Random) -> Citizen: ...


@dataclass(frozen=True)
class SyntheticCitizens:
    """Citizens as the catalogue describes them: a share unknown to the registry, records by their shares."""

    identity_rejected: float
    registry_records: Mapping[str, float]

    def draw(self, rng: random.Random) -> Citizen:
        known = rng.random() >= self.identity_rejected
        records = frozenset(code for code, share in sorted(self.registry_records.items()) if rng.random() < share)
        return Citizen(known, records)


@dataclass(frozen=True)
class Upload:
    after_minutes: float  # from the request (or the request again) to the upload
    accepted: bool  # the staff member's decision on it
    check_minutes: float  # staff time of the check


@dataclass(frozen=True)
class StageScript:
    decisions: tuple[Decision, ...]  # need-info at most first, then approve or reject
    decision_minutes: tuple[float, ...]  # working minutes from forwarding (or the citizen's answer) to each
    reply_minutes: float  # the citizen's answer to need-info, calendar minutes


@dataclass(frozen=True)
class RequestScript:
    arrival: Arrival
    citizen: Citizen
    registry_consent: bool | None  # given at login (portal, kiosk); None for a walk-in, who is asked
    consent_reply: bool | None  # a walk-in's answer, None when silent
    consent_after_minutes: float
    uploads: Mapping[str, tuple[Upload, ...]]  # per required document, the uploads the citizen makes if asked
    stages: tuple[StageScript, ...]
    in_person: bool
    collect_after_minutes: float
    collect_time_share: float  # when in the day a citizen comes back after a closed spell (hour profile, 0-1)
    rated: bool
    rating_after_minutes: float
    registration_minutes: float
    hand_over_minutes: float
    follow_up_minutes: float

    @property
    def walk_in(self) -> bool:
        return self.arrival.channel == Channel.SERVICE_CENTRE


def lognormal(rng: random.Random, shape: Lognormal) -> float:
    mu, sigma = shape.mu_sigma
    return rng.lognormvariate(mu, sigma)


def decisions(rng: random.Random, model: LoadModel, agency: str) -> StageScript:
    behaviour = model.agency(agency)
    first_draw, second_draw = rng.random(), rng.random()
    minutes = tuple(lognormal(rng, behaviour.decision_hours) * MINUTES_PER_HOUR for _ in range(2))
    reply = lognormal(rng, model.citizens.information_reply) * MINUTES_PER_HOUR
    approve_share = behaviour.approve / (behaviour.approve + behaviour.reject)
    final: Decision = "approve" if second_draw < approve_share else "reject"
    if first_draw < behaviour.need_info:
        return StageScript(("need-info", final), minutes, reply)
    first: Decision = "approve" if first_draw < behaviour.need_info + behaviour.approve else "reject"
    return StageScript((first,), minutes[:1], reply)


def uploads(rng: random.Random, model: LoadModel, service: Service) -> dict[str, tuple[Upload, ...]]:
    limit = duration_seconds(service.document_collection.expire_after) / 60
    found: dict[str, tuple[Upload, ...]] = {}
    for document in service.documents:
        made: list[Upload] = []
        for _ in range(document.max_upload_attempts):
            sent = rng.random() < model.citizens.upload.probability
            after = lognormal(rng, model.citizens.upload.after_hours)
            accepted = rng.random() < model.citizens.upload_accepted
            check = lognormal(rng, model.handling_minutes[CHECK])
            if not sent or after * MINUTES_PER_HOUR >= limit:
                break
            made.append(Upload(after * MINUTES_PER_HOUR, accepted, check))
            if accepted:
                break
        found[document.code] = tuple(made)
    return found


def request_script(arrival: Arrival, service: Service, model: LoadModel, citizens: CitizenPool,
                   seed: int) -> RequestScript:
    rng = random.Random(f"{seed}/request/{arrival.key}")
    citizen = citizens.draw(rng)
    behaviour = model.citizens
    consent_at_login = rng.random() < behaviour.registry_consent.get(arrival.channel, 0.0)
    answer, answer_after = rng.random(), lognormal(rng, behaviour.consent_answer.after_hours) * MINUTES_PER_HOUR
    consent_limit = duration_seconds(service.document_collection.consent_within) / 60
    consent_reply: bool | None = None
    if answer < behaviour.consent_answer.consent + behaviour.consent_answer.refuse and answer_after < consent_limit:
        consent_reply = answer < behaviour.consent_answer.consent
    documents = uploads(rng, model, service)
    stages = tuple(decisions(rng, model, stage.agency) for stage in service.stages)
    in_person = rng.random() < behaviour.in_person_delivery[arrival.channel]
    collect, collect_share = lognormal(rng, behaviour.collect_after) * MINUTES_PER_HOUR, rng.random()
    rated, rating_after = rng.random() < behaviour.satisfaction.probability, lognormal(
        rng, behaviour.satisfaction.after_hours) * MINUTES_PER_HOUR
    walk_in = arrival.channel == Channel.SERVICE_CENTRE
    return RequestScript(
        arrival=arrival, citizen=citizen, registry_consent=None if walk_in else consent_at_login,
        consent_reply=consent_reply if walk_in else None, consent_after_minutes=answer_after,
        uploads=documents, stages=stages, in_person=in_person, collect_after_minutes=collect,
        collect_time_share=collect_share,
        rated=rated and rating_after < duration_seconds(SATISFACTION_WAIT) / 60, rating_after_minutes=rating_after,
        registration_minutes=lognormal(rng, model.handling_minutes[WALK_IN_START]),
        hand_over_minutes=lognormal(rng, model.handling_minutes[HAND_OVER]),
        follow_up_minutes=lognormal(rng, model.handling_minutes[FOLLOW_UP]),
    )


def scripts(arrivals: Sequence[Arrival], services: Mapping[str, Service], model: LoadModel, citizens: CitizenPool,
            seed: int) -> list[RequestScript]:
    return [request_script(a, services[a.service], model, citizens, seed) for a in arrivals]
