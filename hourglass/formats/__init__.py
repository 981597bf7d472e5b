"""Format configuration: map a tool's export onto the landing contract
(docs/formats.md)."""
