"""What the studio's service tests share: a fresh workspace, the studio opened on it, and a campaign written by
hand (a report.json, its typed record and a few PNGs), not rendered: the rules read only those."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jinja2 import Environment, PackageLoader
from PIL import Image

from artpipe.api import init_workspace, load_workspace
from artpipe.config import Workspace
from artpipe.report.proofview import RECORD, record_json
from artpipe.report.results import OutputCheck, OutputResult, ProductResult, Status
from artpipe.studio.service.context import Studio, open_studio
from artpipe.studio.service.runs import campaign_root

SHOTS = {"tmall/mug-01/white_bg.png": ("tmall.white_bg", "tmall"), "tmall/mug-01/poster.png": ("tmall.poster", "tmall"),
         "jd/mug-01/main.png": ("jd.main", "jd")}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh workspace (a test module may define its own ``ws``, which wins)."""
    return new_workspace(tmp_path)


@pytest.fixture
def studio(ws: Workspace) -> Iterator[Studio]:
    """The studio's service opened on ``ws``."""
    with opened(ws) as opened_studio:
        yield opened_studio


def new_workspace(tmp_path: Path) -> Workspace:
    """A workspace as ``artpipe init`` makes it, in ``tmp_path/ws``."""
    init_workspace(tmp_path / "ws")
    return load_workspace(tmp_path / "ws")


@contextmanager
def opened(ws: Workspace) -> Iterator[Studio]:
    """The studio's service on ``ws``, rendering in one process, closed after."""
    studio = open_studio(ws, Environment(loader=PackageLoader("artpipe", "pages"), autoescape=True), jobs=1)
    try:
        yield studio
    finally:
        studio.runner.close()


def campaign(studio: Studio, name: str = "双十一") -> str:
    """A rendered request as the runner leaves it: three images (two Tmall, one JD) and their report."""
    rid = studio.store.add(name, "MAISON", "", "studio/requests/x", "anna")
    root = campaign_root(studio.ws, rid, name)
    items = {"sku": "mug-01", "status": "ok", "message": "", "warnings": [], "outputs": [], "checks": []}
    for i, (rel, (preset, platform)) in enumerate(SHOTS.items()):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 40), (255, 40 * i, 0)).save(root / rel)
        items["outputs"].append(str(root / rel))  # type: ignore[attr-defined]
        items["checks"].append({"output": str(root / rel), "preset": preset, "platform": platform,  # type: ignore[attr-defined]
                                "pass": True, "rules": []})
    (root / "report.json").write_text(json.dumps({"items": [items]}), encoding="utf-8")
    outputs = tuple(OutputResult(root / rel, check=OutputCheck(preset, platform, ())) for rel, (preset, platform)
                    in SHOTS.items())
    (root / RECORD).parent.mkdir(exist_ok=True)
    (root / RECORD).write_text(record_json(root, [ProductResult(None, "mug-01", Status.OK, outputs=outputs)], None),
                               encoding="utf-8")
    studio.store.update(rid, state="done")
    return rid
