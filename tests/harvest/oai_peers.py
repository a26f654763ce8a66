"""OAI-PMH peers for the harvester tests (and bench/oai.py), all on 127.0.0.1:

- `PyoaiRepository` + `pyoai_app`: pyoai's own server implementation (a real OAI-PMH provider nobody here
  wrote) over a repository of real records — the Aozora Bunko work list — with a one-line compatibility
  patch: pyoai decodes resumption tokens with ``cgi.parse_qs``, which Python removed (3.8).
- `recorded_app`: the Sickle project's recorded responses, served as a repository would (the tokens are the
  next file's name).
- `Faults`: WSGI middleware that breaks chosen answers once — dropped connection, 503 + Retry-After,
  malformed XML, badResumptionToken — and logs every request.
- `serve`: a wsgiref server in a thread.
"""

from __future__ import annotations

import csv
import threading
import types
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import oaipmh.server
from oaipmh import common, error, metadata

# The compatibility patch: pyoai 2.5 calls cgi.parse_qs (gone since Python 3.8) to decode its tokens.
oaipmh.server.cgi = types.SimpleNamespace(parse_qs=urllib.parse.parse_qs)

WSGIApp = Callable[[dict, Callable], Any]
AOZORA_CSV = "aozora-bunko-person-list/list_person_all_utf8.csv"


def _utc_now() -> datetime:
    """Naive UTC to the second, as pyoai wants its datestamps."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass
class Item:
    identifier: str
    datestamp: datetime  # naive UTC, as pyoai wants
    fields: dict[str, list[str]]
    deleted: bool = False


class PyoaiRepository:
    """The data behind pyoai's `BatchingServer` (its IBatchingOAI interface): Aozora Bunko works as oai_dc."""

    def __init__(self, items: list[Item], granularity: str = "YYYY-MM-DDThh:mm:ssZ"):
        self.items = items
        self.granularity = granularity

    @classmethod
    def from_aozora(cls, shared_data: Path, limit: int | None = None, **options: Any) -> PyoaiRepository:
        items: dict[str, Item] = {}
        with open(shared_data / AOZORA_CSV, encoding="utf-8-sig", newline="") as stream:
            for row in csv.DictReader(stream):
                work = row["作品ID"]
                if work in items:
                    items[work].fields["contributor"].append(row["著者名"])
                    continue
                items[work] = Item(
                    identifier=f"oai:aozora.gr.jp:{work}",
                    datestamp=datetime.fromisoformat(row["状態の開始日"]),
                    fields={
                        "title": [row["作品名"]],
                        "creator": [row["著者名"]],
                        "contributor": [],
                        "publisher": [row["出版社名"]] if row["出版社名"] else [],
                        "date": [row["入力に使用した版"]] if row["入力に使用した版"] else [],
                        "source": [row["底本名"]] if row["底本名"] else [],
                        "language": ["jpn"],
                        "identifier": [
                            f"https://www.aozora.gr.jp/cards/{row['人物ID']}/card{int(work)}.html"
                        ],
                    },
                )
                if limit and len(items) >= limit:
                    break
        return cls(sorted(items.values(), key=lambda item: (item.datestamp, item.identifier)), **options)

    # -- changes between harvests

    def touch(self, identifier: str, **fields: list[str]) -> None:
        item = self._find(identifier)
        item.fields.update(fields)
        item.datestamp = _utc_now()
        self._move_to_end(item)

    def delete(self, identifier: str) -> None:
        item = self._find(identifier)
        item.deleted = True
        item.datestamp = _utc_now()
        self._move_to_end(item)

    def _find(self, identifier: str) -> Item:
        return next(item for item in self.items if item.identifier == identifier)

    def _move_to_end(self, item: Item) -> None:
        self.items.remove(item)
        self.items.append(item)

    # -- pyoai's interface

    def identify(self) -> common.Identify:
        return common.Identify(
            repositoryName="Aozora Bunko (test peer)",
            baseURL="http://127.0.0.1/oai",
            protocolVersion="2.0",
            adminEmails=["nobody@example.org"],
            earliestDatestamp=datetime(1990, 1, 1),
            deletedRecord="persistent",
            granularity=self.granularity,
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        return [
            (
                "oai_dc",
                "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                "http://www.openarchives.org/OAI/2.0/oai_dc/",
            )
        ]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list:
        raise error.NoSetHierarchyError("this repository has no sets")

    def _select(
        self, metadataPrefix: str, set: str | None, from_: datetime | None, until: datetime | None
    ) -> list[Item]:
        if metadataPrefix != "oai_dc":
            raise error.CannotDisseminateFormatError(f"{metadataPrefix} is not offered")
        if set:
            raise error.NoSetHierarchyError("this repository has no sets")
        chosen = [
            i
            for i in self.items
            if (not from_ or i.datestamp >= from_) and (not until or i.datestamp <= until)
        ]
        if not chosen:
            raise error.NoRecordsMatchError("no records in that range")
        return chosen

    def listRecords(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list:
        chosen = self._select(metadataPrefix, set, from_, until)[cursor : cursor + batch_size]
        return [
            (
                common.Header(None, i.identifier, i.datestamp, [], i.deleted),
                common.Metadata(None, i.fields),
                None,
            )
            for i in chosen
        ]

    def listIdentifiers(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list:
        chosen = self._select(metadataPrefix, set, from_, until)[cursor : cursor + batch_size]
        return [common.Header(None, i.identifier, i.datestamp, [], i.deleted) for i in chosen]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple:
        item = next((i for i in self.items if i.identifier == identifier), None)
        if item is None:
            raise error.IdDoesNotExistError(identifier)
        return (
            common.Header(None, item.identifier, item.datestamp, [], item.deleted),
            common.Metadata(None, item.fields),
            None,
        )


def pyoai_app(repository: PyoaiRepository, page_size: int = 100) -> WSGIApp:
    """pyoai's BatchingServer behind a minimal WSGI wrapper."""
    registry = metadata.MetadataRegistry()
    registry.registerWriter("oai_dc", oaipmh.server.oai_dc_writer)
    server = oaipmh.server.BatchingServer(repository, registry, resumption_batch_size=page_size)

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        body = server.handleRequest({key: values[0] for key, values in query.items()})
        start_response(
            "200 OK", [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


def recorded_app(folder: Path) -> WSGIApp:
    """Sickle's recorded responses: ListRecords.xml, then the file each resumptionToken names."""

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        query = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        verb, token = query.get("verb"), query.get("resumptionToken")
        if verb == "Identify":
            name = "Identify.xml"
        elif verb == "ListRecords" and token:
            name = (
                token
                if (folder / token).is_file() and token.startswith("ListRecords")
                else "badResumptionToken.xml"
            )
        elif verb == "ListRecords":
            name = (
                "ListRecords.xml"
                if query.get("metadataPrefix") == "oai_dc"
                else "cannotDisseminateFormat.xml"
            )
        else:
            name = "badArgument.xml"
        body = (folder / name).read_bytes()
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
        return [body]

    return app


@dataclass
class Fault:
    when: Callable[[dict[str, str]], bool]  # on the request's query parameters
    kind: str  # "drop", "503", "malformed", "badResumptionToken", "hang"
    times: int = 1
    retry_after: str = "1"
    release: threading.Event = field(default_factory=threading.Event)  # for "hang"


BAD_TOKEN = (
    b'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b"<responseDate>2024-01-01T00:00:00Z</responseDate><request>http://127.0.0.1/oai</request>"
    b'<error code="badResumptionToken">expired</error></OAI-PMH>'
)


class Faults:
    """WSGI middleware: answers matching a `Fault` are broken (`times` times), the rest pass; every request's
    parameters are logged in `requests`."""

    def __init__(self, app: WSGIApp, faults: list[Fault] | None = None):
        self.app = app
        self.faults = list(faults or [])
        self.requests: list[dict[str, str]] = []
        self.injected: list[str] = []

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        query = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.requests.append(query)
        fault = next((f for f in self.faults if f.times > 0 and f.when(query)), None)
        if fault is None:
            return self.app(environ, start_response)
        fault.times -= 1
        self.injected.append(fault.kind)
        if fault.kind == "503":
            start_response(
                "503 Service Unavailable", [("Retry-After", fault.retry_after), ("Content-Length", "0")]
            )
            return [b""]
        if fault.kind == "badResumptionToken":
            start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(BAD_TOKEN)))])
            return [BAD_TOKEN]
        captured: dict[str, Any] = {}

        def keep(status: str, headers: list, exc_info: Any = None) -> None:
            captured.update(status=status, headers=headers)

        body = b"".join(self.app(environ, keep))
        if fault.kind == "hang":  # a slow answer, held until the test releases it (or 30 s pass)
            fault.release.wait(30)
            start_response(captured["status"], captured["headers"])
            return [body]
        if fault.kind == "drop":  # announce the whole body, send half: the client sees the connection drop
            start_response(captured["status"], captured["headers"])
            return [body[: len(body) // 2]]
        # "malformed": a complete answer whose XML breaks off half-way (a proxy's error page, a full disk...)
        half = body[: len(body) // 2]
        start_response(captured["status"], [("Content-Type", "text/xml"), ("Content-Length", str(len(half)))])
        return [half]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(app: WSGIApp) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/oai"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
