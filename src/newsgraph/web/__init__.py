"""The dashboard and HTTP API (``newsgraph serve``)."""
