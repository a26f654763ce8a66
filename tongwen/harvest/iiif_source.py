"""Harvest a IIIF source: fetch its collection (or single manifest) and every sub-collection it refers to,
and store one record per manifest through the import pipeline's record handling.

The manifests listed in a collection are mapped from what the collection says about them (label,
thumbnail, licence…); the manifests themselves are not fetched, which keeps a harvest of thousands of
manifests to a handful of requests.
"""

from __future__ import annotations

import io
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from tongwen.harvest.http import Fetcher, FetchFailed
from tongwen.ingest import FORMATS
from tongwen.ingest.base import MapContext
from tongwen.ingest.pipeline import FIRST_PROBLEMS, ImportRun
from tongwen.store import Store
from tongwen.store.records import utc_now

if TYPE_CHECKING:
    from tongwen.harvest.harvester import HarvestProgress, HarvestSummary
    from tongwen.harvest.sources import Source

MAX_COLLECTIONS = 10_000  # a guard against collections that refer to each other without end


def harvest_iiif(
    store: Store,
    source: Source,
    fetcher: Fetcher,
    progress: Callable[[HarvestProgress], None] | None = None,
) -> HarvestSummary:
    from tongwen.harvest.harvester import HarvestProgress, HarvestState, HarvestSummary, _LatestWins

    started = time.monotonic()
    fmt = FORMATS["iiif"]
    store.register_source(source.name, source.institution, fmt.name)
    run_id = store.begin_run("harvest", source.name, [source.url], fmt.name)
    context = MapContext(source.name, source.institution, {})
    run = ImportRun(_LatestWins(store), run_id, context)  # type: ignore[arg-type]
    pending: deque[str] = deque([source.url])
    seen: set[str] = {source.url}
    documents, failed_documents, status = 0, 0, "interrupted"

    def follow(url: str) -> None:
        if url not in seen and len(seen) < MAX_COLLECTIONS:
            seen.add(url)
            pending.append(url)

    try:
        while pending:
            url = pending.popleft()
            documents += 1
            try:
                body, _ = fetcher.get(
                    url,
                    on_retry=lambda n, problem, wait, url=url: run.problem(
                        url, None, None, "warning", f"{problem}; retry {n} after {wait:g} s"
                    ),
                )
            except FetchFailed as exc:
                failed_documents += 1
                run.problem(url, None, None, "error", f"{exc}; its manifests were not harvested")
                continue
            with store.batch():
                for raw in fmt.read(io.BytesIO(body), url, {"on_collection": follow}):
                    run.handle(raw, fmt)
            if progress is not None:
                progress(HarvestProgress(source.name, documents, run.records_read, None))
        stored = sum(run.counts[name] for name in ("added", "updated", "unchanged"))
        if failed_documents == documents or (stored == 0 and run.error_count):
            status = "failed"
        else:
            status = "problems" if run.error_count else "ok"
        if status != "failed":
            HarvestState(store, source.name).save_last(
                {"started": utc_now(), "finished": utc_now(), "run_id": run_id}
            )
    finally:
        store.finish_run(run_id, run.counts, status)
    return HarvestSummary(
        run_id=run_id,
        source=source.name,
        status=status,
        counts=dict(run.counts),
        pages=documents,
        records_read=run.records_read,
        problem_count=run.problem_count,
        first_problems=run.first_problems[:FIRST_PROBLEMS],
        seconds=time.monotonic() - started,
    )
