"""Intake's input policy without a server: text types, refusals that never echo a value, idempotency keys bound to
one body, and the body limits (the ASGI middleware driven directly)."""

import asyncio
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from starlette.types import Message, Receive, Scope, Send

from domain.register_number import InvalidRegisterNumber, parse_register_number
from intake.body_limits import BodyLimits, BodyRule
from intake.complaints import Complaint
from intake.errors import HIDDEN_NAME, MAX_PROBLEMS, problems
from intake.idempotency import IdempotencyKeys, fingerprint
from intake.schemas import ServiceRequest
from intake.text import (
    BIDI_CONTROLS,
    CaseNumber,
    ComplaintText,
    Email,
    FileName,
    MessageId,
    Name,
    Phone,
    RegisterNumber,
    RequestId,
)

CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))]


def valid(kind: Any, value: str) -> str:
    return str(TypeAdapter(kind).validate_python(value))


def refused(kind: Any, value: str) -> str:
    with pytest.raises(ValidationError) as error:
        TypeAdapter(kind).validate_python(value)
    return str(error.value.errors()[0]["msg"]).removeprefix("Value error, ")


def test_free_text_is_nfc_without_surrounding_space() -> None:
    decomposed = unicodedata.normalize("NFD", "  Ёнхөө Йөндон  ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    assert valid(Name, decomposed) == "Ёнхөө Йөндон"
    assert valid(ComplaintText, unicodedata.normalize("NFD", "Хүлээж аваагүй")) == "Хүлээж аваагүй"


def test_long_text_keeps_line_feeds_and_tabs_and_makes_every_line_break_a_line_feed() -> None:
    assert valid(ComplaintText, "Нэг\r\nхоёр\rгурав\u2028дөрөв\u2029тав\n\tзургаа") == (
        "Нэг\nхоёр\nгурав\nдөрөв\nтав\n\tзургаа")


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_c0_and_c1_control_is_refused_in_a_name(char: str) -> None:
    assert "a control character" in refused(Name, f"Бат{char}болд")


def test_a_long_text_refuses_every_control_but_line_feed_and_tab() -> None:
    kept = {"\n", "\t", "\r"}  # CR becomes a line feed
    for char in CONTROLS:
        if char in kept:
            assert valid(ComplaintText, f"а{char}б").startswith("а")
        else:
            assert "a control character" in refused(ComplaintText, f"а{char}б"), f"U+{ord(char):04X}"


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_every_bidirectional_control_is_refused_with_its_position(char: str) -> None:
    for kind in (Name, ComplaintText, FileName):
        assert refused(kind, f"abc{char}fdp.exe") == (
            "contains a bidirectional control character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) "
            "at character 4")


def test_range_ends_of_the_bidirectional_controls_are_covered() -> None:
    assert {"\u202a", "\u202e", "\u2066", "\u2069"} <= BIDI_CONTROLS
    assert "\u202f" not in BIDI_CONTROLS  # narrow no-break space is text


def test_a_lone_surrogate_a_line_separator_in_a_name_and_blank_text_are_refused() -> None:
    assert "a lone surrogate" in refused(ComplaintText, "а\ud800б")
    assert "a line break" in refused(Name, "Бат\u2028болд")
    assert refused(ComplaintText, " \n\t ") == "is empty"
    assert refused(ComplaintText, "а" * 4001) == "is longer than 4000 characters"


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\boot.ini", "C:\\Users\\a\\scan.pdf", ".", "..",
                                  "scan\u202efdp.exe", "scan\x00.pdf", "scan\n.pdf", ""])
def test_a_file_name_is_the_file_s_own_name_on_one_line(name: str) -> None:
    refused(FileName, name)


def test_a_plain_file_name_is_kept_in_nfc() -> None:
    assert valid(FileName, unicodedata.normalize("NFD", "Цээж зураг (1).pdf")) == "Цээж зураг (1).pdf"


@pytest.mark.parametrize("text", ["УБ٩٩051212", "УБ９９051212", "YБ99051212", "УБ99051212\n", " УБ99051212",
                                  "УБ 99051212", "УБ99051212\u200f", "УБ\u202e99051212", "УБ990512120",
                                  "УБ99133112"])
def test_a_register_number_is_two_cyrillic_letters_and_eight_ascii_digits(text: str) -> None:
    refused(RegisterNumber, text)


def test_the_domain_s_register_number_takes_ascii_digits_only() -> None:
    with pytest.raises(InvalidRegisterNumber):
        parse_register_number("УБ٩٩051212")  # Arabic-Indic digits, which \d alone would take


def test_a_register_number_in_lower_case_or_nfd_is_upper_cased_and_composed() -> None:
    assert valid(RegisterNumber, "уб99051212") == "УБ99051212"
    assert valid(RegisterNumber, unicodedata.normalize("NFD", "ЁЙ99051212")) == "ЁЙ99051212"


@pytest.mark.parametrize("phone", ["+976٩٩112233", "+97699112233\n", "+976 99112233", "99112233",
                                   "+976991122334", "+97699112233\u202c"])
def test_a_phone_is_plus_976_and_eight_ascii_digits(phone: str) -> None:
    refused(Phone, phone)


@pytest.mark.parametrize("email", ["a@b.mn\n", "a@b.mn\r\nBcc: x@y.mn", "бат@mail.mn", "a@b", "a b@c.mn",
                                   "a@b.mn\u202e", "@b.mn", "a@-"])
def test_an_email_is_plain_ascii(email: str) -> None:
    refused(Email, email)


def test_identifiers_accept_only_their_alphabet() -> None:
    assert valid(MessageId, "police-ESR-2026-000001-1") == "police-ESR-2026-000001-1"
    assert valid(CaseNumber, "ESR-W0b9e6c1e-1f7a-11f0-9c1b-0242ac120002")
    for kind, value in [(MessageId, "m\n"), (MessageId, "x" * 129), (CaseNumber, "ESR-2026-000001\n"),
                        (CaseNumber, "../ESR"), (RequestId, "req-1"), (RequestId, "req-0000001'; DROP TABLE")]:
        refused(kind, value)


# refusals that never echo a value

def test_a_refusal_names_the_field_and_reason_but_never_the_value() -> None:
    body = {"requestId": "req-00000001", "serviceCode": "address-reference", "serviceCentre": "capital:x",
            "applicant": {"registerNumber": "УБ99051212x", "birthDate": "1999-05-12", "phone": "+97699112233 "},
            "registryConsent": True, "УБ99051212": 1, "note\u202e": "<script>"}
    with pytest.raises(ValidationError) as error:
        ServiceRequest.model_validate(body)

    shown = problems(error.value.errors())

    text = str(shown)
    assert all(value not in text for value in ("УБ99051212", "+97699112233", "<script>"))
    assert {tuple(p["loc"]) for p in shown["detail"]} == {
        ("applicant", "registerNumber"), ("applicant", "phone"), (HIDDEN_NAME,)}
    assert all(set(p) == {"loc", "msg", "type"} for p in shown["detail"])


def test_a_refusal_lists_at_most_ten_problems_and_counts_the_rest() -> None:
    errors = [{"loc": ("body", f"field{i}"), "msg": "Field required", "type": "missing", "input": "x"}
              for i in range(250)]
    shown = problems(errors)
    assert (len(shown["detail"]), shown["omitted"]) == (MAX_PROBLEMS, 240)


def test_a_message_that_quotes_the_input_is_scrubbed_and_masked() -> None:
    errors = [{"loc": ("body", "x"), "msg": "Input tag 'Бат Болд' found, reach me at bat@mail.mn", "type": "t",
               "input": "Бат Болд"}]
    assert problems(errors)["detail"][0]["msg"] == "Input tag '…' found, reach me at b***@mail.mn"


# idempotency keys bound to one body

def complaint(**changes: Any) -> Complaint:
    body = {"requestId": "cmp-00000001", "kind": "complaint", "topic": "other", "channel": "portal",
            "citizen": {"registerNumber": "УБ99051212", "phone": "+97699112233"}, "text": "Хүлээж аваагүй."}
    return Complaint.model_validate(body | changes)


def test_the_canonical_body_ignores_field_order_white_space_and_decomposition() -> None:
    same = fingerprint("ComplaintSubmitted", complaint())
    reordered = Complaint.model_validate(dict(reversed(list(complaint().model_dump(by_alias=True).items()))))
    assert fingerprint("ComplaintSubmitted", reordered) == same
    assert fingerprint("ComplaintSubmitted", complaint(text=unicodedata.normalize("NFD", " Хүлээж аваагүй.\r\n"))
                       ) == same
    assert fingerprint("ComplaintSubmitted", complaint(topic="staff-conduct")) != same
    assert fingerprint("SatisfactionRated", complaint()) != same, "another endpoint is another body"


def test_a_key_stands_for_the_first_body_only(tmp_path: Path) -> None:
    keys = IdempotencyKeys(tmp_path / "intake.sqlite")
    try:
        assert keys.claim("submit-req-1", "a" * 64)
        assert keys.claim("submit-req-1", "a" * 64), "the same body again is a repeat"
        assert not keys.claim("submit-req-1", "b" * 64), "another body under the key is a conflict"
        assert keys.claim("submit-req-2", "b" * 64)
    finally:
        keys.close()


# body limits, the middleware driven directly

RULE = BodyRule(100, "application/json")


class Recorder:
    """An app behind the middleware that reads the whole body, and what went out to the client."""

    def __init__(self) -> None:
        self.called = False
        self.sent: list[Message] = []

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.called = True
        while (await receive()).get("more_body", False):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def answer(self) -> tuple[int, bytes]:
        return self.sent[0]["status"], b"".join(m.get("body", b"") for m in self.sent[1:])


def run(headers: dict[str, str], chunks: list[bytes], method: str = "POST") -> tuple[Recorder, int, int]:
    """Drive one request through the middleware: the recorder, the answer's status and how many chunks were read."""
    recorder = Recorder()
    middleware = BodyLimits(recorder.app, lambda _method, _path: RULE)
    scope = {"type": "http", "method": method, "path": "/v1/x",
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    read = 0

    async def receive() -> Message:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    asyncio.run(middleware(scope, receive, recorder.send))
    return recorder, recorder.answer()[0], read


def test_a_body_declared_too_large_never_reaches_the_app() -> None:
    recorder, status, read = run({"content-length": "101", "content-type": "application/json"}, [b"x" * 101])
    assert (status, recorder.called, read) == (413, False, 1), "dropped unread, so the caller gets the answer"
    assert b"larger than the limit of 100 bytes" in recorder.answer()[1]


def test_a_chunked_body_is_counted_as_it_arrives() -> None:
    recorder, status, read = run({"transfer-encoding": "chunked", "content-type": "application/json"},
                                 [b"x" * 60, b"x" * 60, b"x" * 60])
    assert (status, read) == (413, 3)
    assert recorder.sent[0]["headers"].count((b"connection", b"close")) == 1


def test_a_body_within_the_limit_goes_through() -> None:
    _, status, _ = run({"transfer-encoding": "chunked", "content-type": "application/json"}, [b"x" * 50, b"x" * 50])
    assert status == 200


def test_a_body_of_another_media_type_is_refused_unparsed() -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        recorder, status, _ = run({"content-length": "2", "content-type": content_type}, [b"{}"])
        assert (status, recorder.called) == (415, False), content_type
    _, status, _ = run({"content-length": "2", "content-type": "application/json; charset=utf-8"}, [b"{}"])
    assert status == 200


def test_expect_continue_gets_the_answer_without_the_body_being_read() -> None:
    _, status, read = run({"content-length": "1000", "content-type": "application/json", "expect": "100-continue"},
                          [b"x" * 1000])
    assert (status, read) == (413, 0)
