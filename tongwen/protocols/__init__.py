"""Protocol endpoints over the store and the index: OAI-PMH provider, SRU with CQL, IIIF Presentation 3."""
