"""Documents the citizen sends for DocumentReductionProcess: uploads and the answer to the registry-consent question.

An upload is stored once under the upload folder by its SHA-256 (`<folder>/<hex[:2]>/<hex>`) and only its
reference ("sha256:<hex>") travels to the engine, in the DocumentUploaded message (through the outbox, correlated
by `<case>:<document code>`); the bytes never do.
"""

import contextlib
import hashlib
import hmac
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile, status
from fastapi import Path as PathParameter
from fastapi.responses import FileResponse, JSONResponse
from pydantic import StrictBool, TypeAdapter, ValidationError

from catalog.model import Catalog
from intake import messages
from intake.errors import message, refuse
from intake.idempotency import Accept
from intake.outbox import NewMessage
from intake.registry import Registry
from intake.schemas import Body
from intake.settings import Caller, CallerKind, IntakeSettings
from intake.text import CaseNumber, Code, FileName, MessageId
from observability.private_files import private_folder, private_tree

MAGIC = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
CHUNK = 64 * 1024
HEX = r"^[0-9a-f]{64}$"
UPLOAD_PATH = "/v1/uploads"
UPLOAD_FIELDS = frozenset({"caseNumber", "documentCode", "messageId", "file"})
MEDIA_TYPE = re.compile(r"[a-z0-9.+-]{1,64}/[a-z0-9.+-]{1,64}")
FILE_NAME: TypeAdapter[str] = TypeAdapter(FileName)
SERVED = {"X-Content-Type-Options": "nosniff"}  # a browser shows the file as its checked type, never as a page

Authenticate = Callable[[CallerKind], Callable[[str], Caller]]


class ConsentReply(Body):
    case_number: CaseNumber
    consent: StrictBool
    message_id: MessageId


def sniff_type(head: bytes) -> str | None:
    """The content type the file's first bytes prove, whatever the sender declared."""
    return next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)


@dataclass(frozen=True)
class StoredUpload:
    sha256: str
    size_bytes: int
    content_type: str

    @property
    def reference(self) -> str:
        return f"sha256:{self.sha256}"


class UploadRefused(Exception):
    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


def link_signature(secret: str, sha256: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{sha256}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_link(settings: IntakeSettings, sha256: str, now: datetime) -> str:
    """A link staff can open from Tasklist without an API key: whoever has it may read that one file, for a while."""
    expires = int((now + timedelta(days=settings.upload_link_days)).timestamp())
    signature = link_signature(settings.upload_link_secret.get_secret_value(), sha256, expires)
    return f"{settings.link_base}/v1/uploads/{sha256}?expires={expires}&signature={signature}"


def stored_path(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / sha256


def open_temporary(folder: Path) -> tuple[int, str]:
    private_folder(folder)
    return tempfile.mkstemp(dir=folder, prefix=".upload-")  # 0600


def keep(temporary: str, folder: Path, sha256: str) -> None:
    """Move the temporary file to its content address (write, then rename); a file already there stays."""
    target = stored_path(folder, sha256)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    if target.exists():
        os.unlink(temporary)
    else:
        os.replace(temporary, target)


def discard(temporary: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)


async def store(upload: UploadFile, folder: Path, max_bytes: int, allowed: set[str]) -> StoredUpload:
    """Stream to a temporary file while hashing; refuse too large or wrong-type content; same bytes = same file."""
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temporary = open_temporary(folder)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(413,
                                        f"the file is larger than the limit of {max_bytes} bytes")
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(422, "the file is empty")
        kind = sniff_type(head)
        if kind is None or kind not in allowed:
            raise UploadRefused(415,
                                f"the content is not one of {', '.join(sorted(allowed))} (checked by its bytes)")
        declared = (upload.content_type or "").split(";")[0].strip().lower()
        if declared and declared not in ("application/octet-stream", kind):
            named = declared if MEDIA_TYPE.fullmatch(declared) else "another type"  # a type's name, never more
            raise UploadRefused(415, f"declared as {named} but the content is {kind}")
        keep(temporary, folder, digest.hexdigest())
        return StoredUpload(digest.hexdigest(), size, kind)
    except BaseException:
        discard(temporary)
        raise


def documents_router(settings: IntakeSettings, registry: Registry, catalog: Catalog, caller_of: Authenticate,
                     accept: Accept) -> APIRouter:
    router = APIRouter(tags=["documents"])
    portal = Depends(caller_of(CallerKind.PORTAL))
    allowed = set(settings.upload_types)
    private_tree(settings.upload_dir)  # only this account reads uploads; tightens what an earlier start left open

    def required_document(case_number: str, document_code: str) -> None:
        service_code = registry.service_of(case_number)
        if service_code is None:
            raise HTTPException(422, "the caseNumber is not a case submitted through the portal")
        service = catalog.services.get(service_code)
        codes = [d.code for d in service.documents] if service else []
        if document_code not in codes:
            raise HTTPException(422, f"the case's service requires no such document; "
                                     f"it requires: {', '.join(codes) or 'none'}")

    async def only_known_fields(request: Request) -> None:
        """Form fields are the four of the upload (FastAPI would ignore any other)."""
        if set((await request.form()).keys()) - UPLOAD_FIELDS:
            raise refuse("form", f"unknown form field; the fields are {', '.join(sorted(UPLOAD_FIELDS))}")

    def file_name(file: UploadFile) -> str:
        try:
            return FILE_NAME.validate_python(file.filename or "")
        except ValidationError as error:
            raise refuse("file", f"the file name {message(error.errors()[0])}") from error

    @router.post(UPLOAD_PATH, status_code=202, form_limits={"max_fields": 3, "max_files": 1, "max_part_size": 1024})
    async def upload(request: Request, case_number: Annotated[CaseNumber, Form(alias="caseNumber")],
                     document_code: Annotated[Code, Form(alias="documentCode")],
                     file: UploadFile, _: Annotated[Caller, portal],
                     message_id: Annotated[MessageId | None, Form(alias="messageId")] = None,
                     ) -> JSONResponse:
        """`messageId` is the portal's idempotency key; without one, the same bytes for the same document are one
        upload (so sending a file again after staff refused it needs a new messageId). The idempotent body is the
        case, the document and the file's bytes (its SHA-256), not the file's name."""
        await only_known_fields(request)
        name = file_name(file)
        required_document(case_number, document_code)
        try:
            stored = await store(file, settings.upload_dir, settings.upload_max_bytes, allowed)
        except UploadRefused as refused:
            raise HTTPException(refused.status_code, refused.reason) from refused
        message_id = message_id or f"{case_number}:{document_code}:{stored.sha256}"
        now = datetime.now(UTC)
        variables = {
            "uploadReference": stored.reference, "uploadedAt": now.isoformat(timespec="seconds"),
            "uploadUrl": signed_link(settings, stored.sha256, now),
            "fileName": name, "contentType": stored.content_type,
            "sizeBytes": stored.size_bytes,
        }
        body = {"caseNumber": case_number, "documentCode": document_code, "sha256": stored.sha256}
        accepted = await accept(NewMessage.reply(message_id, messages.DOCUMENT_UPLOADED,
                                                 messages.document_key(case_number, document_code), variables), body)
        return JSONResponse({"uploadReference": stored.reference, "duplicate": accepted.duplicate,
                             "delivery": accepted.delivery}, status_code=accepted.status_code)

    @router.post("/v1/citizen-replies/consent", status_code=202)
    async def consent(reply: ConsentReply, _: Annotated[Caller, portal]) -> JSONResponse:
        accepted = await accept(NewMessage.reply(reply.message_id, messages.REGISTRY_CONSENT_GIVEN, reply.case_number,
                                                 {"consent": reply.consent}), reply)
        return JSONResponse(accepted.body(), status_code=accepted.status_code)

    @router.get("/v1/uploads/{sha256}")
    async def linked_upload(sha256: Annotated[str, PathParameter(pattern=HEX)], expires: int,
                            signature: str) -> FileResponse:
        """The file behind a signed link (see signed_link): refused once expired or when the signature is wrong."""
        expected = link_signature(settings.upload_link_secret.get_secret_value(), sha256, expires)
        if not hmac.compare_digest(expected, signature):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "the link's signature is not valid")
        if datetime.now(UTC).timestamp() > expires:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "the link has expired; open it again from the task")
        return file_response(sha256)

    def file_response(sha256: str) -> FileResponse:
        path = stored_path(settings.upload_dir, sha256)
        if not path.is_file():
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such upload")
        with path.open("rb") as stream:
            kind = sniff_type(stream.read(16)) or "application/octet-stream"
        return FileResponse(path, media_type=kind, headers=SERVED)

    @router.get("/internal/uploads/{sha256}")
    async def stored_upload(sha256: Annotated[str, PathParameter(pattern=HEX)],
                            _: Annotated[Caller, Depends(caller_of(CallerKind.WORKERS))]) -> FileResponse:
        """The stored file, for systems holding the workers' key (by its reference's hex)."""
        return file_response(sha256)

    return router
