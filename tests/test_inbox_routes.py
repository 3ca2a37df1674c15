"""Which route an inbox file gets from its path (inbox/routes.py)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from artpipe.config import Route
from artpipe.inbox.routes import route_for


@pytest.mark.parametrize(("rel", "expected"), [
    ("acme/banners/mug.jpg", "*/banners/**"), ("acme/banners/x/y.png", "*/banners/**"), ("acme/mug.jpg", "**"),
    ("mug.jpg", "**")])
def test_routes_first_match_wins(rel: str, expected: str) -> None:
    routes = (Route("*/banners/**", ("promo-banner",)), Route("**", ("product-main",)))
    route = route_for(PurePosixPath(rel), routes)
    assert route is not None
    assert route.match == expected
