"""Person pages (``/agent/{id}``) and their JSON (``/api/agents/{id}``): every form of an agent, lang-tagged,
with where it was seen, dates, identifiers linked to VIAF / NDL / NLK / LC, the records grouped by work, and
the libraries that hold them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from tongwen.agents.keys import identifier_link
from tongwen.agents.store import AgentSummary
from tongwen.cjk.scripts import lang_tag
from tongwen.web.catalog import Catalog
from tongwen.web.i18n import gettext as _
from tongwen.web.rendering import choose_language, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/agents", tags=["agents"])
MAX_RECORDS = 500


def _catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def agent_data(catalog: Catalog, agent_id: str) -> dict[str, Any]:
    """The agent with its records grouped by work (each work: its records with title, institution, year)."""
    agents = catalog.agents
    agent: AgentSummary | None = agents.agent(agent_id) if agents is not None else None
    if agent is None:
        raise HTTPException(404, _("There is no agent with the id %(id)s.") % {"id": agent_id})
    roles = dict(agents.records_of(agent_id, MAX_RECORDS))
    records = catalog.store.get_many(list(roles))
    clusters = catalog.clusters_for([r.id for r in records])
    works: dict[str, dict[str, Any]] = {}
    libraries: dict[str, int] = {}
    for record in records:
        cluster = clusters.get(record.id)
        work_id = cluster.work_id if cluster else f"w:{record.id}"
        title = record.main_title
        work = works.setdefault(work_id, {"id": work_id, "title": title.text if title else record.id,
                                          "records": []})
        work["records"].append({"id": record.id, "title": title.text if title else record.id,
                                "institution": record.institution, "year": record.year_from,
                                "role": roles.get(record.id)})
        libraries[record.institution or "?"] = libraries.get(record.institution or "?", 0) + 1
    return {
        **agent.to_dict(),
        "forms": [{"text": f.text, "script": f.script, "lang": lang_tag(f.script, f.lang, f.text), "seen": f.seen}
                  for f in agent.forms],
        "identifiers": [{"id": i, "link": identifier_link(i)} for i in agent.identifiers],
        "works": sorted(works.values(), key=lambda w: (-len(w["records"]), w["title"])),
        "libraries": dict(sorted(libraries.items(), key=lambda item: -item[1])),
    }


@router.get("/agent/{agent_id}", response_class=HTMLResponse, name="agent_page")
def agent_page(request: Request, agent_id: str):
    choose_language(request)
    return render(request, "agent.html", {"agent": agent_data(_catalog(request), agent_id)})


@api_router.get("/{agent_id}", name="api_agent")
def api_agent(request: Request, agent_id: str) -> dict[str, Any]:
    return agent_data(_catalog(request), agent_id)
