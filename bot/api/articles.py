"""Articles: list and read them (`/v1/articles`), and, for admin keys, add, replace and delete them.

`POST /v1/articles` takes either

- `multipart/form-data` with one or more files (`.txt`, `.md`, `.html`/`.htm`, `.jsonl`, and
  `NAME.meta.json` sidecars sent with their `NAME.txt`), or
- `application/json` `{"articles": [{"id", "text", "title"?, "source"?, "date"?, "url"?}, ...]}`,

and ingests them exactly as `claimbot ingest` does: unchanged articles are skipped, changed ones
replaced, bad files reported by name in `failed` while the rest goes in. Files are staged under
`<data dir>/uploads/` with their names (so an article keeps the same origin, and the same content hash,
when the same file is uploaded again), one upload at a time per machine, and removed once ingested:
the index keeps the original text.

Nothing the API returns names a path on the server: a report's `failed` entries name the uploaded file
(`notes.txt`, `feed.jsonl:3`) or the JSON record (`articles.2`), and an article's `origin` is its file
name.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from bot.api.deps import ServicesDep
from bot.api.errors import ADMIN_RESPONSES, NOT_FOUND, ApiError, ErrorBody
from bot.api.fields import IsoDate
from bot.services import Services
from bot.settings import Settings
from vectorstore.errors import NotFoundError
from vectorstore.loading import FORMATS, SIDECAR_SUFFIX
from vectorstore.models import ArticleRecord, IngestReport, LoadFailure, StoredArticle

MAX_PAGE = 500
MAX_FILES = 1000
_RECORDS_FILE = "articles.jsonl"
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class ArticlePage(BaseModel):
    """One page of the article list, ordered by article id."""

    total: int
    offset: int
    limit: int
    articles: list[ArticleRecord]


class ArticleIn(BaseModel):
    """One article as a JSON record (the JSONL shape: IndoSum's fields)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=r"^[A-Za-z0-9._:-]{1,200}$", description="Article id: letters, digits and . _ : -"
    )
    text: str = Field(min_length=1, pattern=r"\S", description="The original text (offsets refer to it).")
    title: str | None = None
    source: str | None = Field(default=None, description="The outlet.")
    date: IsoDate | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    url: str | None = None


class ArticlesIn(BaseModel):
    """Articles to add or replace."""

    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=10_000)


_MULTIPART_SCHEMA = {
    "type": "object",
    "properties": {
        "files": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "minItems": 1,
            "maxItems": MAX_FILES,
            "description": "Article files (.txt .md .html .htm .jsonl) and NAME.meta.json sidecars.",
        }
    },
    "required": ["files"],
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ArticlesIn"}},
            "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
        },
    }
}


def openapi_components() -> dict[str, Any]:
    """Schemas the upload body refers to (the body is parsed by hand, so FastAPI does not add them)."""
    schema = ArticlesIn.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {**defs, "ArticlesIn": schema}


@contextmanager
def _staging(root: Path) -> Iterator[Path]:
    """An empty staging folder, held exclusively (across threads and worker processes) until done."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        work = root / "staged"
        try:
            shutil.rmtree(work, ignore_errors=True)  # whatever a crashed upload left
            work.mkdir()
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)
            fcntl.flock(lock, fcntl.LOCK_UN)


def _kind(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith(SIDECAR_SUFFIX):
        return "sidecar"
    return "article" if Path(lowered).suffix in FORMATS else None


def ingest_files(services: Services, staging: Path, files: list[tuple[str, IO[bytes]]]) -> IngestReport:
    """Stage uploaded files under their names and ingest them (blocking: call from a thread)."""
    failed: list[LoadFailure] = []
    with _staging(staging) as work:
        staged: dict[str, Path] = {}
        for given, stream in files:
            name = PurePosixPath(given.replace("\\", "/")).name
            kind = _kind(name)
            if not _FILE_NAME.fullmatch(name):
                reason = "file names may use only letters, digits and . _ - (at most 200 characters)"
            elif kind is None:
                reason = f"unsupported file type; use {', '.join(FORMATS)} (or NAME{SIDECAR_SUFFIX})"
            elif name in staged:
                reason = "the same file name twice in one upload"
            else:
                with (work / name).open("wb") as out:
                    shutil.copyfileobj(stream, out)
                staged[name] = work / name
                continue
            failed.append(LoadFailure(origin=given or "(no file name)", reason=reason))
        articles = [p for n, p in staged.items() if _kind(n) == "article"]
        report = services.ingestor.ingest(articles) if articles else IngestReport()
        # A sidecar whose article was not uploaded with it gets the loader's own failure.
        lone = [p for n, p in staged.items() if _kind(n) == "sidecar" and not _has_article(p, staged)]
        if lone:
            report.failed.extend(services.ingestor.ingest(lone).failed)
    report.failed = failed + [_public(f, work) for f in report.failed]
    return report


def _public(failure: LoadFailure, work: Path, records: bool = False) -> LoadFailure:
    """The failure with the staging folder's path taken out of its origin and reason (JSON records
    are named `articles.N`, as in a 422 message, rather than by their line of the staged file)."""
    prefix = f"{work}/"
    origin = failure.origin.removeprefix(prefix)
    if records and origin.startswith(f"{_RECORDS_FILE}:"):
        line = origin.removeprefix(f"{_RECORDS_FILE}:")
        origin = f"articles.{int(line) - 1}" if line.isdigit() else "articles"
    return LoadFailure(origin=origin, reason=failure.reason.replace(prefix, ""))


def public_origin(record: ArticleRecord) -> ArticleRecord:
    """The record with `origin` cut to its file name: where the server keeps files is its own affair."""
    return record.model_copy(update={"origin": PurePosixPath(record.origin).name})


def _has_article(sidecar: Path, staged: dict[str, Path]) -> bool:
    stem = sidecar.name[: -len(SIDECAR_SUFFIX)]
    return any(_kind(n) == "article" and Path(n).stem == stem for n in staged)


def ingest_records(services: Services, staging: Path, batch: ArticlesIn) -> IngestReport:
    """Ingest JSON records as one JSONL file staged as `articles.jsonl` (blocking: call from a thread)."""
    with _staging(staging) as work:
        path = work / _RECORDS_FILE
        with path.open("w", encoding="utf-8") as out:
            for record in batch.articles:
                out.write(json.dumps(record.model_dump(mode="json", exclude_none=True), ensure_ascii=False))
                out.write("\n")
        report = services.ingestor.ingest([path])
        report.failed = [_public(f, work, records=True) for f in report.failed]
        return report


async def _read_upload(request: Request) -> list[tuple[str, IO[bytes]]]:
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES)
    files: list[tuple[str, IO[bytes]]] = [
        (v.filename or "", v.file) for _, v in form.multi_items() if isinstance(v, UploadFile)
    ]
    if not files:
        raise ApiError(422, "files: no file in the upload (send them as multipart form fields 'files')")
    return files


async def _read_records(request: Request) -> ArticlesIn:
    raw = await request.body()
    try:
        # Parsing up to CLAIMBOT_MAX_UPLOAD_BYTES of JSON is CPU work: off the event loop.
        return await run_in_threadpool(ArticlesIn.model_validate_json, raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            raise ApiError(400, f"body: invalid JSON ({errors[0]['msg']})") from None
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


def build_router(settings: Settings, user: Callable[..., Any], admin: Callable[..., Any]) -> APIRouter:
    """Article routes: reading behind `user`, writing behind `admin`."""
    router = APIRouter(prefix="/v1/articles", tags=["articles"])
    staging = Path(settings.store.data_dir) / "uploads"

    @router.get("", dependencies=[Depends(user)])
    def list_articles(
        services: ServicesDep,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Articles to skip.")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 50,
    ) -> ArticlePage:
        """The indexed articles with their metadata, a page at a time."""
        records = sorted(services.store.records().values(), key=lambda r: r.article_id)
        page = [public_origin(r) for r in records[offset : offset + limit]]
        return ArticlePage(total=len(records), offset=offset, limit=limit, articles=page)

    @router.get("/{article_id}", dependencies=[Depends(user)], responses=NOT_FOUND)
    def get_article(article_id: str, services: ServicesDep) -> StoredArticle:
        """An article's metadata and the original text every start/end offset refers to."""
        article = services.store.get_article(article_id)
        return article.model_copy(update={"origin": PurePosixPath(article.origin).name})

    @router.post(
        "",
        dependencies=[Depends(admin)],
        responses={
            **ADMIN_RESPONSES,
            415: {"model": ErrorBody, "description": "Neither JSON nor multipart."},
        },
        openapi_extra=_UPLOAD_BODY,
    )
    async def add_articles(request: Request, services: ServicesDep) -> IngestReport:
        """Add or replace articles (admin): files as multipart/form-data, or JSON records. Unchanged
        articles are skipped; problems are listed in `failed`, the rest is ingested."""
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "multipart/form-data":
            files = await _read_upload(request)
            return await run_in_threadpool(ingest_files, services, staging, files)
        if media == "application/json" or media.endswith("+json"):
            batch = await _read_records(request)
            return await run_in_threadpool(ingest_records, services, staging, batch)
        raise ApiError(415, "send application/json records or multipart/form-data files")

    @router.delete(
        "/{article_id}",
        dependencies=[Depends(admin)],
        status_code=204,
        responses={**ADMIN_RESPONSES, **NOT_FOUND},
    )
    def delete_article(article_id: str, services: ServicesDep) -> Response:
        """Remove an article and everything indexed from it (admin)."""
        if not services.store.delete_article(article_id):
            raise NotFoundError(f"no article with id {article_id!r}")
        return Response(status_code=204)

    return router
