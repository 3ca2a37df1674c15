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


@pytest.mark.parametrize(("rel", "pattern", "matches"), [
    ("mug.jpg", "**", True), ("a/b/c/mug.jpg", "**", True),
    ("acme/mug.jpg", "*", False),  # * stays within one folder
    ("acme/mug.jpg", "*/*.jpg", True), ("acme/mug.png", "*/*.jpg", False),
    ("acme/banners/mug.jpg", "*/banners/**", True), ("acme/banners", "*/banners/**", True),  # ** may be none
    ("acme/x/banners/mug.jpg", "*/banners/**", False), ("acme/x/banners/mug.jpg", "**/banners/*", True),
    ("acme/mug.jpg", "bravo/**", False),
])
def test_a_route_pattern_matches_whole_folders(rel: str, pattern: str, matches: bool) -> None:
    assert (route_for(PurePosixPath(rel), (Route(pattern, ("t",)),)) is not None) is matches


def test_a_file_no_route_matches_gets_none() -> None:
    assert route_for(PurePosixPath("acme/mug.jpg"), (Route("bravo/**", ("t",)),)) is None
    assert route_for(PurePosixPath("acme/mug.jpg"), ()) is None
