"""Request arguments that XML cannot carry. SRU and OAI-PMH echo the request in their answers, and XML 1.0 has
no way to write control characters (other than tab and newlines), lone surrogates or U+FFFE/U+FFFF — lxml
refuses them — so such an argument is refused up front with a protocol error instead."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unwritable_argument(arguments: Sequence[tuple[str, str]]) -> str | None:
    """The name (made printable) of the first argument whose name or value XML cannot carry, or None."""
    for name, value in arguments:
        if _NOT_IN_XML.search(name) or _NOT_IN_XML.search(value):
            return _NOT_IN_XML.sub("?", name)
    return None
