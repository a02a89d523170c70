"""DocumentReductionProcess's pure parts: upload sniffing and storage, the dossier, texts, catalogue waits."""

import asyncio
import hashlib
import io
from pathlib import Path

import httpx
import pytest
from fastapi import UploadFile
from pydantic import SecretStr, ValidationError
from starlette.datastructures import Headers

from catalog.model import DocumentCollection, duration_seconds
from domain.document_texts import DOCUMENT_TEMPLATES
from domain.dossier import missing, names_of, registry_reference
from domain.notifications import compose, placeholders
from intake.uploads import StoredUpload, UploadRefused, sniff_type, store, stored_path
from workers.clients.xyp import XypClient
from workers.errors import TransientError

ALLOWED = {"application/pdf", "image/jpeg", "image/png"}
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def as_upload(content: bytes, content_type: str = "application/pdf") -> UploadFile:
    return UploadFile(io.BytesIO(content), filename="file", headers=Headers({"content-type": content_type}))


@pytest.mark.parametrize(
    ("head", "kind"),
    [(PDF, "application/pdf"), (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"), (b"\x89PNG\r\n\x1a\n....", "image/png"),
     (b"GIF89a", None), (b"<html>", None), (b"", None)],
)
def test_the_type_comes_from_the_first_bytes(head: bytes, kind: str | None) -> None:
    assert sniff_type(head) == kind


def test_an_upload_is_stored_once_under_its_content_hash(tmp_path: Path) -> None:
    first = asyncio.run(store(as_upload(PDF), tmp_path, 1024, ALLOWED))
    again = asyncio.run(store(as_upload(PDF), tmp_path, 1024, ALLOWED))

    digest = hashlib.sha256(PDF).hexdigest()
    assert first == again == StoredUpload(digest, len(PDF), "application/pdf")
    assert first.reference == f"sha256:{digest}"
    assert stored_path(tmp_path, digest) == tmp_path / digest[:2] / digest
    assert stored_path(tmp_path, digest).read_bytes() == PDF
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [digest], "no temporary file left"


@pytest.mark.parametrize(
    ("content", "content_type", "status", "reason"),
    [(PDF * 100, "application/pdf", 413, "larger than the limit of 1024 bytes"),
     (b"GIF89a" + b"\x00" * 10, "image/gif", 415, "checked by its bytes"),
     (b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "application/pdf", 415, "declared as application/pdf"),
     (b"", "application/pdf", 422, "empty")],
)
def test_a_refused_upload_leaves_nothing_behind(
    tmp_path: Path, content: bytes, content_type: str, status: int, reason: str
) -> None:
    with pytest.raises(UploadRefused) as refused:
        asyncio.run(store(as_upload(content, content_type), tmp_path, 1024, ALLOWED))

    assert refused.value.status_code == status
    assert reason in refused.value.reason
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_missing_documents_are_named_in_catalogue_order() -> None:
    dossier = [{"code": "a", "name": "Иргэний үнэмлэх", "status": "missing"},
               {"code": "b", "name": "Цээж зураг", "status": "received"},
               {"code": "c", "name": "Гэрээ", "status": "missing"}]
    assert [e["code"] for e in missing(dossier)] == ["a", "c"]
    assert names_of(missing(dossier)) == "Иргэний үнэмлэх, Гэрээ"
    assert registry_reference("WS100103", "ESR-1-address-WS100103") == "xyp:WS100103:ESR-1-address-WS100103"


def test_every_document_text_is_mongolian_and_fills_from_the_models_fields() -> None:
    fields = {"document": "Цээж зураг", "documents": "Цээж зураг, Гэрээ", "reason": "Уншигдахгүй байна."}
    for status in DOCUMENT_TEMPLATES:
        own = {name: fields[name] for name in placeholders(status) & set(fields)}
        note = compose(status, "ESR-1", key="photo-1", fields=own)
        assert note.message_id == f"ESR-1-{status}-photo-1"
        assert "ESR-1" in note.text
        assert "{" not in note.text
        assert any("\u0400" <= ch <= "\u04ff" for ch in note.title)


def test_document_collection_waits_are_iso_durations_with_the_reminder_first() -> None:
    assert DocumentCollection() == DocumentCollection(consent_within="P2D", reminder_after="P3D", expire_after="P7D")
    assert duration_seconds("P1DT2H30M") == 95_400
    with pytest.raises(ValidationError, match="reminder_after shorter"):
        DocumentCollection(reminder_after="P7D", expire_after="P7D")
    with pytest.raises(ValidationError, match="not an ISO-8601 duration"):
        DocumentCollection(expire_after="7 days")


def test_a_malformed_registry_answer_is_a_transient_fault_not_a_missing_record() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>")

    async def fetch() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
            await XypClient(http, "http://xyp", SecretStr("t")).fetch("WS100103", "УБ99051212", "r-1")

    with pytest.raises(TransientError, match="answered 200 without a record"):
        asyncio.run(fetch())
