"""``newsgraph fetch`` and ``newsgraph watch``: live sources (docs/live.md)."""
