"""Harvest a source into the store: OAI-PMH ListRecords (incremental, resumable) or a IIIF collection.

    >>> from tongwen.store import Store
    >>> store = Store.open(":memory:")
    >>> summary = harvest(store, Source("nlk", url="https://example.org/oai"))  # doctest: +SKIP
    >>> summary.status, summary.counts["added"]  # doctest: +SKIP
    ('ok', 1200)

What a harvest promises:

- Records go through the same reader → mapper → store path as `tongwen import` (`tongwen.ingest.pipeline`),
  as a run of kind "harvest": problems name the page and record ("nlk page 3 record 7").
- Incremental: ``from`` is the responseDate of the first answer of the last *complete* harvest, in the
  repository's granularity (the OAI-PMH guidelines' advice: nothing changed during that harvest is missed;
  records seen twice come back "unchanged").
- Resumable: the resumptionToken is committed together with each page's records, so a harvest killed at any
  point goes on from the last stored page next time; a page half-stored before the kill is fetched again and
  its records come back "unchanged". ``badResumptionToken`` (an expired token) restarts the list from the
  same ``from``, as the protocol says.
- Deleted records (``status="deleted"``) are deleted from the store; `SearchIndex.sync` follows.
- Timeouts, dropped connections, 5xx and malformed pages are retried (`tongwen.harvest.http`); a page that
  stays broken stops the run with a problem, keeping the token, so the next harvest resumes there.
- Record ids are the OAI identifiers (the header's, also for deletes), whatever the metadata's own id
  (a MARC 001 is kept as a ``local`` identifier).
"""

from __future__ import annotations

import dataclasses
import io
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from tongwen.harvest.http import Fetcher, FetchFailed, RetryPolicy
from tongwen.harvest.oai import OAI_NS, ListPage, MalformedResponse, OAIClient, OAIError, format_datestamp
from tongwen.harvest.sources import Source
from tongwen.ingest import FORMATS
from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord
from tongwen.ingest.pipeline import FIRST_PROBLEMS, ImportRun
from tongwen.model import Identifier, Record
from tongwen.store import Problem, Store
from tongwen.store.records import utc_now

_OAI = f"{{{OAI_NS}}}"
FATAL_OAI_ERRORS = ("cannotDisseminateFormat", "badArgument", "noSetHierarchy", "badVerb", "idDoesNotExist")


@dataclass(slots=True)
class HarvestProgress:
    """Handed to the `progress` callback after every page."""

    source: str
    page: int
    records: int  # records read so far in this run
    complete_list_size: int | None  # as the repository announced it, when it does


@dataclass(slots=True)
class HarvestSummary:
    run_id: int
    source: str
    status: str  # ok, problems, failed, interrupted
    counts: dict[str, int]
    pages: int
    records_read: int
    problem_count: int
    from_: str | None = None  # the from argument used (None: a full harvest)
    resumed: bool = False  # went on from a stored resumptionToken
    first_problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return self.status in ("ok", "problems")


class HarvestState:
    """Per-source harvest state in the store's meta table (committed with the records it describes)."""

    def __init__(self, store: Store, source: str):
        self.store = store
        self._resume_key = f"harvest.{source}.resume"
        self._last_key = f"harvest.{source}.last"

    def _read(self, key: str) -> dict[str, Any] | None:
        value = self.store.get_meta(key)
        return json.loads(value) if value else None

    def resume(self) -> dict[str, Any] | None:
        """{"token", "prefix", "set", "from", "until", "started", "page"} of an unfinished list, or None."""
        return self._read(self._resume_key)

    def save_resume(self, state: dict[str, Any] | None) -> None:
        self.store.set_meta(self._resume_key, json.dumps(state) if state else "")

    def last(self) -> dict[str, Any] | None:
        """{"started", "finished", "run_id"} of the last complete harvest, or None."""
        return self._read(self._last_key)

    def save_last(self, state: dict[str, Any]) -> None:
        self.store.set_meta(self._last_key, json.dumps(state))


class _LatestWins:
    """The store as a harvest run sees it: a record met twice in one run is stored both times.

    A file import keeps the first of two records sharing an id; in a harvest the second one is newer (an OAI
    list may repeat an item changed while it was being harvested, and a restarted list repeats everything).
    """

    def __init__(self, store: Store):
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def seen_in_run(self, run_id: int, record_id: str) -> bool:
        return False


def with_oai_identifiers(fmt: Format) -> Format:
    """`fmt` whose mapper keeps the reader's id (the OAI header identifier) as the record's local id, so
    that a later deletion (which has only the header) finds the record."""
    original_map = fmt.map

    def map_with_header_id(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
        record, diagnostics = original_map(raw, ctx)
        if raw.local_id and record.local_id != raw.local_id:
            own = record.local_id
            if own and all(i.value != own for i in record.identifiers):
                record.identifiers.append(Identifier("local", own))
            record.local_id = raw.local_id
        return record, diagnostics

    return dataclasses.replace(fmt, map=map_with_header_id)


def raw_records(page: list[etree._Element], fmt: Format, label: str) -> Iterator[RawRecord]:
    """RawRecords for the ``record`` elements of one OAI page: the header gives id and deletion; the
    ``metadata`` child is read by the format's own reader (they do not know OAI envelopes themselves)."""
    for number, element in enumerate(page, start=1):
        position = f"{label} record {number}"
        header = element.find(f"{_OAI}header")
        identifier = " ".join(
            ((header.findtext(f"{_OAI}identifier") or "") if header is not None else "").split()
        )
        if not identifier:
            yield RawRecord(position, error=f"{position}: the OAI header has no identifier; record skipped")
            continue
        if header.get("status") == "deleted":
            yield RawRecord(position, local_id=identifier, deleted=True)
            continue
        metadata = element.find(f"{_OAI}metadata")
        inner = (
            next((child for child in metadata if isinstance(child.tag, str)), None)
            if metadata is not None
            else None
        )
        if inner is None:
            yield RawRecord(position, local_id=identifier, error=f"{position}: the record has no metadata")
            continue
        found = list(fmt.read(io.BytesIO(etree.tostring(inner, encoding="utf-8")), position, {}))
        if not found:
            yield RawRecord(
                position,
                local_id=identifier,
                error=f"{position}: the metadata ({etree.QName(inner).localname}) holds no {fmt.name} record",
            )
            continue
        raw = found[0]
        raw.position, raw.local_id = position, identifier
        if len(found) > 1:
            raw.diagnostics.append(
                Diagnostic(f"the metadata holds {len(found)} records; only the first was kept", "metadata")
            )
        yield raw


def page_raw_records(page: ListPage, fmt: Format, label: str) -> Iterator[RawRecord]:
    """The RawRecords of one page. The DC reader reads OAI-PMH pages itself (headers and deletions
    included), which is twice as fast as taking every record out and reading it alone."""
    if fmt.name == "dc":
        return fmt.read(io.BytesIO(page.body), label, {})
    return raw_records(page.records, fmt, label)


def harvest(
    store: Store,
    source: Source,
    *,
    fetcher: Fetcher | None = None,
    retry: RetryPolicy | None = None,
    full: bool = False,
    until: str | None = None,
    progress: Callable[[HarvestProgress], None] | None = None,
) -> HarvestSummary:
    """Harvest `source` into `store` (see the module docstring). `full` ignores the last harvest date and
    any stored resumptionToken. An exception from `progress` (or Ctrl-C) ends the run as "interrupted",
    keeping every page stored so far, and is re-raised."""
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(retry)
    try:
        if source.kind == "iiif":
            from tongwen.harvest.iiif_source import harvest_iiif

            return harvest_iiif(store, source, fetcher, progress)
        return _OAIHarvest(store, source, OAIClient(source.url, fetcher), full, until, progress).run()
    finally:
        if own_fetcher:
            fetcher.close()


class _OAIHarvest:
    def __init__(
        self,
        store: Store,
        source: Source,
        client: OAIClient,
        full: bool,
        until: str | None,
        progress: Callable[[HarvestProgress], None] | None,
    ):
        self.store, self.source, self.client, self.full, self.until = store, source, client, full, until
        self.progress = progress
        self.fmt = with_oai_identifiers(FORMATS[source.format_name])
        self.state = HarvestState(store, source.name)
        self.pages = 0

    def run(self) -> HarvestSummary:
        started_clock = time.monotonic()
        store, source = self.store, self.source
        store.register_source(source.name, source.institution, self.fmt.name)
        run_id = store.begin_run("harvest", source.name, [source.url], self.fmt.name)
        context = MapContext(source.name, source.institution, {})
        run = ImportRun(_LatestWins(store), run_id, context)  # type: ignore[arg-type]
        status, from_, resumed = "interrupted", None, False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"harvest-{source.name}")
        try:
            from_, resumed, ended = self._harvest_list(run)
            if ended == "complete":  # an incremental harvest may rightly find nothing new: still "ok"
                status = "problems" if run.error_count else "ok"
            else:
                status = "problems" if ended == "stopped" and run.records_read else "failed"
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
            store.finish_run(run_id, run.counts, status)
        return HarvestSummary(
            run_id=run_id,
            source=source.name,
            status=status,
            counts=dict(run.counts),
            pages=self.pages,
            records_read=run.records_read,
            problem_count=run.problem_count,
            from_=from_,
            resumed=resumed,
            first_problems=run.first_problems[:FIRST_PROBLEMS],
            seconds=time.monotonic() - started_clock,
        )

    def _request(self, state: dict[str, Any], number: int) -> tuple[Future[ListPage], list]:
        """Fetch a page in the background thread; its retries are collected to be reported here."""
        retries: list[tuple[int, str, float]] = []
        future = self._pool.submit(
            self.client.list_records,
            number=number,
            metadata_prefix=state["prefix"],
            set_spec=state["set"],
            from_=state["from"],
            until=state["until"],
            token=state["token"],
            on_retry=lambda *retry: retries.append(retry),
        )
        return future, retries

    def _on_retry(self, run: ImportRun, where: str) -> Callable[[int, str, float], None]:
        def report(number: int, problem: str, wait: float) -> None:
            run.problem(where, None, None, "warning", f"{problem}; retry {number} after {wait:g} s")

        return report

    def _start(self, run: ImportRun) -> tuple[dict[str, Any], bool]:
        """The list to harvest: the stored unfinished one, or a new one from the last harvest's date."""
        source = self.source
        saved = None if self.full else self.state.resume()
        if saved and saved.get("prefix") == source.metadata_prefix and saved.get("set") == source.set:
            return saved, True
        from_ = None
        last = None if self.full else self.state.last()
        if last and last.get("started"):
            identity = self.client.identify(on_retry=self._on_retry(run, f"{source.name} Identify"))
            from_ = format_datestamp(last["started"], identity.granularity)
        list_state = {
            "token": None,
            "prefix": source.metadata_prefix,
            "set": source.set,
            "from": from_,
            "until": self.until,
            "started": None,
            "page": 0,
        }
        return list_state, False

    def _harvest_list(self, run: ImportRun) -> tuple[str | None, bool, str]:
        """Walk the list page by page; returns (from used, resumed?, "complete" | "stopped" | "failed")."""
        name = self.source.name
        try:
            state, resumed = self._start(run)
        except (FetchFailed, MalformedResponse, OAIError) as exc:
            run.problem(f"{name} Identify", None, None, "error", f"cannot ask the repository: {exc}")
            return None, False, "failed"
        restarted = False
        pending: tuple[Future[ListPage], list] | None = None
        while True:
            number = state["page"] + 1
            where = f"{name} page {number}"
            future, retries = pending or self._request(state, number)
            pending = None
            try:
                try:
                    page = future.result()
                finally:  # retries happened in the fetching thread; the store is written from this one
                    for retry_number, problem, wait in retries:
                        run.problem(
                            where, None, None, "warning", f"{problem}; retry {retry_number} after {wait:g} s"
                        )
            except OAIError as exc:
                if exc.code == "badResumptionToken" and state["token"] and not restarted:
                    restarted = True
                    run.problem(
                        where,
                        None,
                        None,
                        "warning",
                        f"{exc}; the list is harvested again from the start"
                        f" (from={state['from'] or 'the beginning'})",
                    )
                    state.update(token=None, page=0)
                    continue
                hint = (
                    " (check metadata_prefix and set in the sources file)"
                    if exc.code in FATAL_OAI_ERRORS
                    else ""
                )
                run.problem(where, None, None, "error", f"{exc}{hint}")
                return state["from"], resumed, "failed" if run.records_read == 0 else "stopped"
            except (FetchFailed, MalformedResponse) as exc:
                run.problem(
                    where,
                    None,
                    None,
                    "error",
                    f"{exc}; the harvest stopped here and resumes from this page next time",
                )
                return state["from"], resumed, "stopped"
            if page.token:  # ask for the next page while this one is stored (a token may be used again)
                pending = self._request({**state, "token": page.token}, number + 1)
            self.pages += 1
            state["started"] = state["started"] or page.response_date or utc_now()
            state.update(token=page.token, page=number)
            with self.store.batch():  # the page's records and the token after them: one transaction
                for raw in page_raw_records(page, self.fmt, where):
                    run.handle(raw, self.fmt)
                if page.token:
                    self.state.save_resume(state)
                else:
                    self.state.save_resume(None)
                    self.state.save_last(
                        {"started": state["started"], "finished": utc_now(), "run_id": run.run_id}
                    )
            if self.progress is not None:
                self.progress(HarvestProgress(name, number, run.records_read, page.complete_list_size))
            if not page.token:
                return state["from"], resumed, "complete"
