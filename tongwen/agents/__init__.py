"""Agents — persons, families, corporate bodies, meetings — as entities across scripts and libraries.

Every agent field of every record (a *mention*) and every authority record is matched to the others naming
the same agent (`tongwen.agents.cluster`); an agent holds every form it was catalogued in, with where each was
seen, its dates and identifiers (`tongwen.agents.store`). Like works, a layer over the records, never a merge.

    >>> from tongwen.agents import Agents
    >>> agents = Agents.open(settings.database)      # doctest: +SKIP
    >>> agents.update(store)                               # doctest: +SKIP
    >>> agents.find("沈从文")[0].name                       # doctest: +SKIP
    '沈從文'
"""

from tongwen.agents.store import AgentSummary, Agents, RecordAgent, UpdateReport

__all__ = ["AgentSummary", "Agents", "RecordAgent", "UpdateReport"]
