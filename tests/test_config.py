"""The workspace file (config.py): its folders, routes and settings read, every problem one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from inboxcase import workspace

from artpipe.config import Route, init_workspace, load_workspace, public_origin
from artpipe.cutout import Isolate
from artpipe.errors import ConfigError
from artpipe.lettering import Lettering


def test_a_broken_config_is_reported(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "artpipe.yaml").write_text("folders: {inbox: ../elsewhere}\nroutes: []\n")
    with pytest.raises(ConfigError, match="'../elsewhere' leads outside the workspace"):
        load_workspace(root)


def test_init_makes_the_folders_and_an_example_that_loads_and_is_never_overwritten(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    config = init_workspace(root)
    assert sorted(p.name for p in root.iterdir()) == ["archive", "artpipe.yaml", "failed", "inbox", "outbox"]
    ws = load_workspace(root)
    assert (ws.root, ws.config, ws.inbox, ws.state) == (root.resolve(), config, root.resolve() / "inbox",
                                                        root.resolve() / ".artpipe")
    assert (ws.settle_seconds, ws.sidecar_wait_seconds, ws.duplicates, ws.output) == (1.5, 3, "skip",
                                                                                      "{template}-{size}.jpg")
    assert ws.routes == (Route("*/banners/**", ("promo-banner",), "all", origin=f"{config}:18"),
                         Route("**", ("product-main",), "all", origin=f"{config}:21"))
    assert (ws.cutout, ws.lettering, ws.public_url, ws.presets) == (Isolate("auto"), Lettering(), "", None)
    config.write_text("routes: [{match: '**', templates: [x]}]\n", encoding="utf-8")
    init_workspace(root)
    assert config.read_text(encoding="utf-8") == "routes: [{match: '**', templates: [x]}]\n"


def test_a_folder_without_a_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as missing:
        load_workspace(tmp_path)
    assert str(missing.value) == f"{tmp_path / 'artpipe.yaml'}: no workspace config here " \
                                 "(create one with: artpipe init WORKSPACE)"


def _problems(tmp_path: Path, text: str) -> list[str]:
    init_workspace(tmp_path)
    (tmp_path / "artpipe.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as broken:
        load_workspace(tmp_path)
    return [str(p).removeprefix(f"{tmp_path / 'artpipe.yaml'}:") for p in broken.value.problems]


@pytest.mark.parametrize(("text", "said"), [
    ("settle_seconds: 1\n", ["1:1: missing required key 'routes'"]),
    ("routes: [{match: '**'}]\n", ["1:10: routes[0]: missing required key 'templates'"]),
    ("routes: [{match: '**', templates: []}]\n", ["1:35: routes[0].templates: must name at least one template"]),
    ("routes: [{match: '**', templates: [a], size: all}]\n",
     ["1:40: routes[0].size: unknown key (did you mean sizes?)"]),
    ("routes: []\nduplicates: keep\n", ["2:13: duplicates: 'keep' is not one of skip, render"]),
    ("routes: []\nsettle_seconds: 900\n", ["2:17: settle_seconds: 900 is above the maximum 600"]),
    ("routes: []\npresets: agency.yaml\n", ["2:10: presets: no file {root}/agency.yaml "
                                           "(give the agency presets file, relative to the workspace)"]),
    ("routes: []\nfolders: {inbox: in, outbx: out}\n",
     ["2:22: folders.outbx: unknown key (did you mean outbox?)"]),
])
def test_every_mistake_in_the_workspace_file_is_one_line_at_its_place(tmp_path: Path, text: str,
                                                                     said: list[str]) -> None:
    assert _problems(tmp_path, text) == [s.replace("{root}", str(tmp_path.resolve())) for s in said]


@pytest.mark.parametrize(("url", "origin"), [
    ("https://Studio.Example.com/", "https://studio.example.com"), ("http://10.0.0.5:8750", "http://10.0.0.5:8750"),
    (" https://[::1]:8443 ", "https://[::1]:8443"),
])
def test_the_public_url_is_kept_as_its_origin(url: str, origin: str) -> None:
    assert public_origin(url) == origin


@pytest.mark.parametrize(("url", "said"), [
    ("studio.example.com", "'studio.example.com' is not an http(s) address like https://studio.example.com"),
    ("ftp://studio.example.com", "'ftp://studio.example.com' is not an http(s) address like https://studio.example.com"),
    ("https://studio.example.com:99999", "'https://studio.example.com:99999' is not an http(s) address like "
                                         "https://studio.example.com"),
    ("https://anna:pw@studio.example.com", "'https://anna:pw@studio.example.com' has more than a scheme, host and "
                                           "port; serve the studio at the root of its own host"),
    ("https://studio.example.com/?x=1", "'https://studio.example.com/?x=1' has more than a scheme, host and port; "
                                        "serve the studio at the root of its own host"),
])
def test_a_public_url_that_is_not_a_plain_origin_is_refused_in_words(url: str, said: str) -> None:
    with pytest.raises(ValueError, match="^'") as refused:
        public_origin(url)
    assert str(refused.value) == said
