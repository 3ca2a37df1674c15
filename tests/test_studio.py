"""The studio package's one entry point (studio/__init__.py): ``studio_app`` makes the web app over a workspace,
or says in one line which web package is missing and how to install it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from studiocase import new_workspace

from artpipe.errors import ConfigError
from artpipe.studio import studio_app


def test_without_its_web_packages_the_studio_says_what_to_install(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ws = new_workspace(tmp_path)
    monkeypatch.delitem(sys.modules, "artpipe.studio.app", raising=False)
    monkeypatch.setitem(sys.modules, "starlette.applications", None)  # as if Starlette were not installed
    with pytest.raises(ConfigError) as missing:
        studio_app(ws)
    assert str(missing.value) == ("serve: the studio needs its web packages (starlette.applications is missing) "
                                  "(pip install 'artpipe[studio]')")


def test_the_studio_is_an_app_over_the_workspace(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    ws = new_workspace(tmp_path)
    app = studio_app(ws, jobs=1)
    try:
        assert app.state.web.config.ws == ws
        assert {"/", "/requests", "/s/{token}"} <= {route.path for route in app.routes}
    finally:
        app.state.runner.close()
