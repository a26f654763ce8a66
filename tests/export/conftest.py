"""The export tests use the same data directory as the protocol tests (demo collection + IIIF records)."""

from tests.protocols.conftest import iiif_data, protocol_settings, protocol_store, web  # noqa: F401
