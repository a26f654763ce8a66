"""Harvesting remote catalogues: the sources file, a resumable OAI-PMH harvester and IIIF collections.

    >>> from tongwen.harvest import Source, harvest
    >>> from tongwen.store import Store
    >>> summary = harvest(Store.open("tongwen.sqlite"), Source("nlk", url="https://example.org/oai"))  # doctest: +SKIP

The click commands (`tongwen sources add|list|remove`, `tongwen harvest`) are in `tongwen.harvest.commands`.
"""

from tongwen.harvest.harvester import HarvestProgress, HarvestState, HarvestSummary, harvest
from tongwen.harvest.http import Fetcher, FetchFailed, RetryPolicy
from tongwen.harvest.oai import OAIClient, OAIError
from tongwen.harvest.sources import Source, SourcesFileError, load_sources, save_sources

__all__ = [
    "FetchFailed",
    "Fetcher",
    "HarvestProgress",
    "HarvestState",
    "HarvestSummary",
    "OAIClient",
    "OAIError",
    "RetryPolicy",
    "Source",
    "SourcesFileError",
    "harvest",
    "load_sources",
    "save_sources",
]
