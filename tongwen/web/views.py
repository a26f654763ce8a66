"""Records as people see them: every title and name in every script, each piece tagged with its language.

Pure functions from the model to plain dicts the templates and the JSON API render; no request handling here.
"""

from __future__ import annotations

from typing import Any

from tongwen.cjk.scripts import detect_script, is_cjk_script, lang_tag
from tongwen.model import Form, Record
from tongwen.web.labels import content_type_label, language_label, role_label


def form_view(form: Form, record_lang: str | None) -> dict[str, Any]:
    script = form.script or detect_script(form.text)
    return {"text": form.text, "lang": lang_tag(script, form.lang or record_lang, form.text) or "und",
            "script": script}


def romanize_for_display(text: str, record_lang: str | None) -> str | None:
    """A machine romanization for CJK text the catalogue gave none for (shown marked as automatic)."""
    from tongwen.cjk.romanize import romanizations

    forms = romanizations(text, lang=record_lang)
    return forms[0] if forms else None


def forms_table(forms: list[Form], record_lang: str | None) -> dict[str, list[dict[str, Any]]]:
    """Split one title's or name's forms into vernacular (CJK and other non-Latin), romanized and other."""
    vernacular, roman, other = [], [], []
    for form in forms:
        view = form_view(form, record_lang)
        if is_cjk_script(view["script"]) or view["script"] not in (None, "Latn"):
            vernacular.append(view)
        elif any(is_cjk_script(f.script or detect_script(f.text)) for f in forms):
            roman.append(view)
        else:
            other.append(view)
    if vernacular and not roman:
        generated = romanize_for_display(vernacular[0]["text"], record_lang)
        if generated:
            base = (vernacular[0]["lang"] or "und").split("-")[0]
            roman.append({"text": generated, "lang": f"{base}-Latn", "script": "Latn", "generated": True})
    return {"vernacular": vernacular, "roman": roman, "other": other}


def publication_line(place: str | None, publisher: str | None, date: str | None) -> str:
    """ISBD-like: "Place : Publisher, date", leaving out what is missing."""
    line = " : ".join(part for part in (place, publisher) if part)
    return f"{line}, {date}" if line and date else (line or date or "")


def primary_language(record: Record) -> str | None:
    return record.languages[0] if record.languages else None


def original_script_first(forms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Forms (dicts with a "script") with the vernacular ones first: people see a title as it is written, its
    romanization beneath. The sort is stable, so the catalogue's order holds within each group."""
    return sorted(forms, key=lambda form: 1 if form.get("script") in (None, "Latn") else 0)


def display_title(record: Record) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The title in its original script first, with its other forms (romanization) to show beneath."""
    title = record.main_title
    if title is None or not title.forms:
        return {"text": record.id, "lang": "und"}, []
    lang = primary_language(record)
    views = original_script_first([form_view(f, lang) for f in title.forms])
    return views[0], views[1:]


def record_view(record: Record, *, institution_name: str | None = None,
                cluster: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    lang = primary_language(record)
    title, title_others = display_title(record)
    fields: list[tuple[str, list[dict[str, Any]]]] = []

    def add(label: str, values: list[dict[str, Any]]) -> None:
        if values:
            fields.append((label, values))

    from tongwen.web.i18n import gettext as _

    for publication in record.publications:
        add(_("Publication"), [
            {"text": publication_line(f.place, f.publisher, f.date),
             "lang": lang_tag(f.script, lang, f.publisher or f.place or "") if f.script else None}
            for f in publication.forms
        ])
    if record.year_from is not None:
        years = str(record.year_from) if record.year_to in (None, record.year_from) else \
            f"{record.year_from}–{record.year_to}"
        add(_("Date"), [{"text": f"{record.date_display} ({years})" if record.date_display else years}])
    add(_("Language"), [{"text": language_label(code)} for code in record.languages])
    add(_("Type"), [{"text": content_type_label(record.content_type)}] if record.content_type else [])
    add(_("Extent"), [{"text": record.extent}] if record.extent else [])
    add(_("Subjects"), [{"text": s.term, "lang": lang_tag(s.script or detect_script(s.term), lang, s.term)}
                        for s in record.subjects])
    add(_("Genre"), [{"text": g} for g in record.genres])
    add(_("Identifiers"), [{"text": f"{i.scheme.upper()} {i.value}" + (f" ({i.qualifier})" if i.qualifier else "")}
                           for i in record.identifiers])
    add(_("Notes"), [{"text": n, "lang": lang_tag(detect_script(n), lang, n)} for n in record.notes])
    add(_("Links"), [{"text": link.label or _link_label(link.kind), "url": link.url} for link in record.links
                     if link.url.startswith(("http://", "https://"))])
    add(_("Rights"), [{"text": record.rights}] if record.rights else [])
    add(_("Licence"), [{"text": record.license, "url": record.license}] if record.license else [])

    provenance = record.provenance
    return {
        "id": record.id,
        "title": title,
        "title_others": title_others,
        "titles": [{"role": role_label(t.role), **forms_table(t.forms, lang)} for t in record.titles],
        "agents": [{"role": role_label(a.role), "dates": a.dates, **forms_table(a.forms, lang)}
                   for a in record.agents],
        "fields": fields,
        "institution": record.institution,
        "institution_name": institution_name,
        "source": record.source,
        "format": provenance.format if provenance else None,
        "run_id": provenance.run_id if provenance else None,
        "position": provenance.position if provenance else None,
        "has_original": bool(provenance and provenance.original),
        "cluster": cluster or [],
    }


def _link_label(kind: str) -> str:
    from tongwen.web.i18n import gettext as _

    return {"landing": _("At the holding library"), "iiif_manifest": _("IIIF manifest"),
            "thumbnail": _("Thumbnail"), "fulltext": _("Full text")}.get(kind, _("Link"))
