"""A small OAI-PMH 2.0 client: Identify and ListRecords pages, with the protocol's errors as exceptions.

Written here rather than using Sickle or pyoai's client: their parsers are not our safe XML path (entity
declarations refused, no DTD, no network — `tongwen.ingest.xmlsafe`), pyoai's client fails with lxml 6,
and the harvester needs each page's resumptionToken and responseDate as it goes (to persist them with the
page's records) and control over retries, which both libraries keep to themselves. Sickle stays a test
peer for our OAI-PMH provider.

    >>> page = parse_list_page(open_sample("ListRecords.xml"), number=1)  # doctest: +SKIP
    >>> page.token, page.complete_list_size, len(page.records)  # doctest: +SKIP
    ('ListRecords2.xml', 8, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from tongwen.harvest.http import Fetcher, RetryableContent, Retrying
from tongwen.ingest.xmlsafe import UnsafeXML, local_name, parse_fragment

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_OAI = f"{{{OAI_NS}}}"
DAY_GRANULARITY = "YYYY-MM-DD"
SECOND_GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"


class OAIError(Exception):
    """An OAI-PMH ``<error code="…">`` answer (badResumptionToken, cannotDisseminateFormat, …)."""

    def __init__(self, code: str, message: str, url: str | None = None):
        super().__init__(f"OAI-PMH error {code}: {message or '(no message)'}" + (f" ({url})" if url else ""))
        self.code = code
        self.message = message


class MalformedResponse(RetryableContent):
    """The answer is not a well-formed OAI-PMH response (truncated, not XML, another document)."""


@dataclass(frozen=True, slots=True)
class Identity:
    repository_name: str | None
    granularity: str  # DAY_GRANULARITY or SECOND_GRANULARITY
    earliest_datestamp: str | None
    deleted_record: str | None  # no, transient, persistent


@dataclass(slots=True)
class ListPage:
    """One ListRecords answer: its ``record`` elements, and where the list goes on."""

    number: int
    records: list[etree._Element]
    token: str | None  # None: the list is complete
    response_date: str | None
    complete_list_size: int | None = None
    cursor: int | None = None
    body: bytes = b""  # the answer as received, for readers that read OAI-PMH pages themselves


def parse_response(body: bytes) -> etree._Element:
    """Parse an OAI-PMH answer safely; `MalformedResponse` when it is not one, `OAIError` for ``<error>``
    (``noRecordsMatch`` included — the caller decides it means an empty list)."""
    try:
        root = parse_fragment(body)
    except (etree.XMLSyntaxError, UnsafeXML) as exc:
        start = body[:60].decode("utf-8", "replace")
        raise MalformedResponse(f"not well-formed XML ({exc}); it starts {start!r}") from None
    if root.tag != f"{_OAI}OAI-PMH":
        raise MalformedResponse(f"the root element is {local_name(root.tag)!r}, not OAI-PMH")
    error = root.find(f"{_OAI}error")
    if error is not None:
        raise OAIError(error.get("code") or "unknown", " ".join((error.text or "").split()))
    return root


def parse_list_page(body: bytes, number: int) -> ListPage:
    """A ListRecords answer as a `ListPage`; ``noRecordsMatch`` is an empty, complete page."""
    try:
        root = parse_response(body)
    except OAIError as exc:
        if exc.code == "noRecordsMatch":
            return ListPage(number, [], None, None, 0, 0, body)
        raise
    listing = root.find(f"{_OAI}ListRecords")
    if listing is None:
        raise MalformedResponse("the answer has neither ListRecords nor error")
    token_element = listing.find(f"{_OAI}resumptionToken")
    token = (token_element.text or "").strip() if token_element is not None else ""
    return ListPage(
        number=number,
        records=listing.findall(f"{_OAI}record"),
        token=token or None,
        response_date=_text(root.find(f"{_OAI}responseDate")),
        complete_list_size=_int(token_element, "completeListSize"),
        cursor=_int(token_element, "cursor"),
        body=body,
    )


def _text(element: etree._Element | None) -> str | None:
    return (element.text or "").strip() or None if element is not None else None


def _int(element: etree._Element | None, attribute: str) -> int | None:
    value = element.get(attribute) if element is not None else None
    return int(value) if value and value.strip().isdigit() else None


def format_datestamp(moment: str | datetime, granularity: str) -> str:
    """A `from`/`until` argument in the repository's granularity (UTC).

    >>> format_datestamp("2024-05-01T12:30:00Z", DAY_GRANULARITY)
    '2024-05-01'
    >>> format_datestamp(datetime(2024, 5, 1, 12, 30, tzinfo=UTC), SECOND_GRANULARITY)
    '2024-05-01T12:30:00Z'
    """
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if granularity == SECOND_GRANULARITY:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%d")


class OAIClient:
    """Requests to one OAI-PMH base URL through a retrying `Fetcher`.

    A malformed answer is asked for again like a dropped connection (list requests are idempotent, the
    same resumptionToken gives the same page); an ``<error>`` answer is not retried.
    """

    def __init__(self, base_url: str, fetcher: Fetcher | None = None):
        self.base_url = base_url
        self.fetcher = fetcher or Fetcher()

    def identify(self, on_retry: Retrying | None = None) -> Identity:
        _, root = self.fetcher.get(
            self.base_url, {"verb": "Identify"}, check=parse_response, on_retry=on_retry
        )
        identify = root.find(f"{_OAI}Identify")
        if identify is None:
            raise MalformedResponse("the Identify answer has no Identify element")
        granularity = _text(identify.find(f"{_OAI}granularity")) or DAY_GRANULARITY
        return Identity(
            repository_name=_text(identify.find(f"{_OAI}repositoryName")),
            granularity=SECOND_GRANULARITY if "hh" in granularity else DAY_GRANULARITY,
            earliest_datestamp=_text(identify.find(f"{_OAI}earliestDatestamp")),
            deleted_record=_text(identify.find(f"{_OAI}deletedRecord")),
        )

    def list_records(
        self,
        *,
        number: int,
        metadata_prefix: str | None = None,
        set_spec: str | None = None,
        from_: str | None = None,
        until: str | None = None,
        token: str | None = None,
        on_retry: Retrying | None = None,
    ) -> ListPage:
        """One page: the first of a list (prefix, set, from, until) or the next one (`token` alone, as the
        protocol's exclusive argument)."""
        if token:
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix or "oai_dc"}
            for key, value in (("set", set_spec), ("from", from_), ("until", until)):
                if value:
                    params[key] = value
        _, page = self.fetcher.get(
            self.base_url, params, check=lambda body: parse_list_page(body, number), on_retry=on_retry
        )
        return page  # type: ignore[return-value]
