"""The worker runtime's small pure parts."""

import pytest
from pydantic import ValidationError

from workers.failures import AttemptCounter, backoff_ms
from workers.masking import mask_text
from workers.settings import WorkerSettings


def test_backoff_doubles_per_attempt_up_to_the_cap() -> None:
    assert [backoff_ms(n, base_ms=1000, max_ms=5000) for n in range(1, 6)] == [1000, 2000, 4000, 5000, 5000]


def test_attempts_are_counted_per_job_and_bounded() -> None:
    counter = AttemptCounter(capacity=2)
    assert [counter.next(1), counter.next(1), counter.next(2)] == [1, 2, 1]
    counter.next(3)
    assert counter.next(1) == 1, "the oldest job was forgotten"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("register УБ99051212 checked", "register УБ99****** checked"),
        ("call 99112233 now", "call 99****33 now"),
        ("call +976 88112233", "call +976 88****33"),
        ("mail bat.erdene@example.mn", "mail b***@example.mn"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_job_timeouts_must_cover_the_http_timeout() -> None:
    with pytest.raises(ValidationError, match="at least twice the HTTP timeout"):
        WorkerSettings(http_timeout_s=10, task_timeouts_ms={"forward-to-agency": 5_000})


def test_oauth_channel_needs_its_credentials() -> None:
    with pytest.raises(ValidationError, match="WORKERS_OAUTH_CLIENT_ID"):
        WorkerSettings(channel="oauth")
