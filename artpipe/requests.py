"""Moved to ``artpipe.run.requests`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.requests import REQUEST_KEYS, Request, load_request

# The names requests.py defined, kept for code written against it (nothing private)
__all__ = ["REQUEST_KEYS", "Request", "load_request"]
