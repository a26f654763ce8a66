"""Two Tongwen nodes: the second harvests the first one's /oai completely and shows the same records.

The first node serves the demo collection with uvicorn on 127.0.0.1; the second harvests it with our harvester,
in Dublin Core and in MARCXML (880 pairs rebuilt by the provider, read back by the MARC rules).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from tongwen.config import Settings
from tongwen.demo import import_collection
from tongwen.harvest import Source, harvest
from tongwen.store import Store
from tongwen.web.app import create_app

REPOSITORY_PREFIX = "oai:tongwen.local:"


@pytest.fixture(scope="module")
def first_node(tmp_path_factory: pytest.TempPathFactory, serve_app) -> Iterator[tuple[Settings, str]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("first-node"), oai_page_size=50).ensure()
    with Store.open(settings.database) as store:
        import_collection(store)
    with serve_app(create_app(settings)) as url:
        yield settings, url


def title_texts(record) -> set[str]:
    return {form.text for title in record.titles if title.role == "main" for form in title.forms}


@pytest.mark.parametrize("prefix", ["oai_dc", "marcxml"])
def test_a_second_node_harvests_every_record_of_the_first(first_node, fetcher, tmp_path: Path, prefix: str) -> None:
    settings, url = first_node
    with Store.open(settings.database, read_only=True) as first:
        originals = {record.id: record for record in first.iter_records()}

    with Store.open(tmp_path / "second.sqlite") as second:
        summary = harvest(second, Source("first", f"{url}/oai", metadata_prefix=prefix), fetcher=fetcher)
        assert summary.status == "ok" and summary.counts["rejected"] == 0, summary.first_problems
        harvested = {unquote(record.local_id.removeprefix(REPOSITORY_PREFIX)): record
                     for record in second.iter_records()}
        assert summary.pages > 1  # the list really was paged with resumption tokens

        assert harvested.keys() == originals.keys()
        for record_id, original in originals.items():
            copy = harvested[record_id]
            # Every script form of the main title comes through, whichever format carried it.
            assert title_texts(original) <= title_texts(copy) | {t.text for t in copy.titles}, record_id
            assert copy.year_from == original.year_from, record_id

        again = harvest(second, Source("first", f"{url}/oai", metadata_prefix=prefix), fetcher=fetcher)
        assert again.counts["added"] == 0  # incremental: nothing new, nothing duplicated
        assert second.count() == len(originals)
