"""``artpipe serve`` and ``artpipe users`` (cli/studio.py): what serve refuses before it starts, and the studio's
users kept from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from studioclient import studio_workspace

pytest.importorskip("starlette")


pytest.importorskip("httpx2")

from click.testing import CliRunner  # noqa: E402

from artpipe.api import load_workspace  # noqa: E402
from artpipe.cli.commands import main  # noqa: E402
from artpipe.config import Workspace  # noqa: E402
from artpipe.errors import ConfigError  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return studio_workspace(tmp_path)


def test_the_public_url_comes_from_the_workspace_or_the_command_line(ws: Workspace) -> None:
    config = ws.root / "artpipe.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "public_url: https://Studio.Example.com/\n",
                      encoding="utf-8")
    assert load_workspace(ws.root).public_url == "https://studio.example.com"
    served = CliRunner().invoke(main, ["serve", "--config", str(ws.root)])
    assert served.exit_code == 2
    assert "error: serving it at https://studio.example.com lets other machines in, so the studio needs users" \
        in served.output
    config.write_text(config.read_text(encoding="utf-8").replace("https://Studio.Example.com/",
                                                                 "https://studio.example.com/proof"), encoding="utf-8")
    with pytest.raises(ConfigError, match="public_url: 'https://studio.example.com/proof' has more than a scheme"):
        load_workspace(ws.root)
    wrong = CliRunner().invoke(main, ["serve", "--config", str(ws.root), "--public-url", "studio.example.com"])
    assert wrong.exit_code == 2
    assert "error: --public-url: 'studio.example.com' is not an http(s) address like https://studio.example.com" \
        in wrong.output


def test_serving_beyond_this_machine_needs_users(ws: Workspace) -> None:
    done = CliRunner().invoke(main, ["serve", "--config", str(ws.root), "--host", "0.0.0.0"])  # noqa: S104
    assert done.exit_code == 2
    assert "needs users; add one with: artpipe users add NAME" in done.output


def test_serve_checks_its_cluster_before_it_starts(ws: Workspace) -> None:
    missing = CliRunner().invoke(main, ["serve", "--config", str(ws.root), "--executor", "dask"])
    assert missing.exit_code == 2
    assert "--executor dask needs --scheduler ADDRESS" in missing.output
    pytest.importorskip("distributed")
    silent = CliRunner().invoke(main, ["serve", "--config", str(ws.root), "--executor", "dask",
                                       "--scheduler", "tcp://127.0.0.1:1"])
    assert silent.exit_code == 2
    assert "cannot reach a Dask scheduler at tcp://127.0.0.1:1" in silent.output
