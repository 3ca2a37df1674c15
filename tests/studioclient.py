"""What the studio's web tests share: a workspace with the Maison brand kit, the form token of a page, the
Double 11 request posted through the form, and waiting for a request's render to finish."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from artpipe.api import init_workspace, load_workspace
from artpipe.config import Workspace

if TYPE_CHECKING:  # the studio's web packages are optional: their tests skip without them
    from starlette.testclient import TestClient

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def studio_workspace(tmp_path: Path) -> Workspace:
    """A workspace in ``tmp_path/studio`` with the Maison brand kit and its logo."""
    root = tmp_path / "studio"
    init_workspace(root)
    (root / "brands").mkdir()
    shutil.copy(SAMPLES / "brands" / "maison.yaml", root / "brands" / "maison.yaml")
    shutil.copy(SAMPLES / "logo-maison.png", root / "logo-maison.png")
    return load_workspace(root)


def csrf(page: str) -> str:
    """The form token a studio page carries."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def wait(client: TestClient, rid: str, seconds: float = 180) -> str:
    """The state a request's render ends in."""
    store = client.app.state.store  # type: ignore[attr-defined]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = store.get(rid).state
        if state not in ("queued", "running"):
            return str(state)
        time.sleep(0.2)
    msg = "the request did not finish"
    raise AssertionError(msg)


def post_request(client: TestClient, **changes: object) -> tuple[int, str, str]:
    """Submit the Double 11 form (two photos, two products); (status, final url, page)."""
    token = csrf(client.get("/requests/new").text)
    data: dict[str, object] = {"csrf": token, "campaign": "double11", "merchant": "MAISON", "deadline": "11-05 18:00",
                               "brand": "maison.yaml", "platforms": ["tmall", "jd"],
                               "rows-0-sku": "mug-01", "rows-0-photo": "mug-sideways.jpg",
                               "rows-0-headline": "双11 北欧陶瓷马克杯", "rows-0-price": "¥29.90",
                               "rows-0-title": "北欧简约陶瓷马克杯", "rows-1-title": "真皮托特包 通勤百搭",
                               "rows-1-sku": "bag-04", "rows-1-photo": "bag-cutout.png",
                               "rows-1-headline": "双11 真皮托特包", "rows-1-price": "¥399", **changes}
    files = [("photos", (name, (SAMPLES / "photos" / name).read_bytes(), "image/jpeg"))
             for name in ("mug-sideways.jpg", "bag-cutout.png")]
    done = client.post("/requests", data=data, files=files, follow_redirects=True)
    return done.status_code, str(done.url), done.text
