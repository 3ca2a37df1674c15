"""The approval rules without HTTP (studio/service/approval.py): one image, a platform's or the whole set approved,
a change asked while the set is being approved, and decisions on nothing of the proof refused.

The campaigns are written by hand (``studiocase.campaign``), not rendered: the rules read only their files."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from pathlib import Path

import pytest
from studiocase import SHOTS, campaign

from artpipe.api import campaign_approved
from artpipe.studio.service import approval, downloads
from artpipe.studio.service.context import NotFound, Refused, Studio


def test_every_image_approved_one_by_one_approves_the_set(studio: Studio) -> None:
    rid = campaign(studio)
    record = studio.record(rid)
    states = [approval.decide(studio, studio.record(rid), approval.one("Li Wei", "approved", rel, ""), "tok")
              for rel in SHOTS]
    assert states == ["done", "done", "approved"]
    assert json.loads((studio.root(record) / "approved.json").read_text(encoding="utf-8"))["approved_by"] == "Li Wei"
    assert approval.decide(studio, studio.record(rid), approval.one("Li Wei", "changes", "jd/mug-01/main.png",
                                                                    " bigger logo "), "tok") == "reopened"
    with pytest.raises(NotFound, match="Nothing is approved now"):
        downloads.approved_zip(studio, studio.record(rid))
    log = studio.store.decision_log(rid)
    assert [(d.output, d.state, d.comment) for d in log][-1] == ("jd/mug-01/main.png", "changes", "bigger logo")
    assert len(log) == 4


def test_approve_all_per_platform_then_for_the_whole_set(studio: Studio) -> None:
    rid = campaign(studio)
    assert approval.platforms(studio.proof(studio.record(rid))) == [("Tmall", 2), ("JD", 1)]
    tmall = approval.every(studio.proof(studio.record(rid)), "Li Wei", "Tmall")
    assert sorted(tmall.outputs) == sorted(r for r in SHOTS if r.startswith("tmall/"))
    assert approval.decide(studio, studio.record(rid), tmall) == "done"
    assert approval.platforms(studio.proof(studio.record(rid))) == [("Tmall", 0), ("JD", 1)]
    rest = approval.every(studio.proof(studio.record(rid)), "Li Wei")
    assert rest.outputs == ("jd/mug-01/main.png",)  # only what is not approved yet
    assert approval.decide(studio, studio.record(rid), rest) == "approved"
    archive = zipfile.ZipFile(io.BytesIO(downloads.approved_zip(studio, studio.record(rid)).body))
    assert sorted(archive.namelist()) == sorted(f"双十一/{rel}" for rel in SHOTS)
    assert downloads.approved_zip(studio, studio.record(rid)).filename == "双十一-approved.zip"


def test_a_change_asked_while_the_set_is_being_approved_is_not_lost(studio: Studio,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rid = campaign(studio)
    first = next(iter(SHOTS))
    approval.decide(studio, studio.record(rid), approval.one("Li Wei", "approved", first, ""))
    real = approval.approve_campaign

    def slow(folder: Path, by: str | None = None) -> dict[str, str]:
        time.sleep(0.3)  # copying a large set: the window a second decision falls into
        return real(folder, by=by)

    monkeypatch.setattr(approval, "approve_campaign", slow)
    everything = threading.Thread(target=approval.decide, args=(
        studio, studio.record(rid), approval.every(studio.proof(studio.record(rid)), "Li Wei")))
    everything.start()
    time.sleep(0.1)
    approval.decide(studio, studio.record(rid), approval.one("Wang Fang", "changes", first, "no"))
    everything.join()
    assert studio.store.decisions(rid)[first].state == "changes"
    assert studio.store.get(rid).state == "reopened"  # type: ignore[union-attr]
    assert not campaign_approved(studio.root(studio.record(rid)))  # the set is not served as approved


@pytest.mark.parametrize(("name", "state", "output"), [
    ("", "approved", "jd/mug-01/main.png"), ("Li Wei", "maybe", "jd/mug-01/main.png"),
    ("Li Wei", "approved", "../../studio.db"), ("Li Wei", "approved", "jd/mug-01/other.png"),
])
def test_a_decision_on_nothing_of_this_proof_is_refused(studio: Studio, name: str, state: str, output: str) -> None:
    rid = campaign(studio)
    with pytest.raises(Refused, match="Write your name and choose approve or ask for changes"):
        approval.decide(studio, studio.record(rid), approval.one(name, state, output, ""))
    assert studio.store.decision_log(rid) == []


