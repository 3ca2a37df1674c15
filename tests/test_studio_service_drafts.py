"""A refused request form's photos, kept as a draft (studio/service/drafts.py)."""

from __future__ import annotations

from artpipe.studio.forms import RequestForm, Upload
from artpipe.studio.service import drafts
from artpipe.studio.service.context import Studio


def test_a_refused_forms_photos_are_kept_until_it_is_sent_or_abandoned(studio: Studio) -> None:
    form = RequestForm(photos=[Upload("mug.jpg", b"mug"), Upload("mug.jpg", b"second mug"), Upload("bad.jpg", b"x")])
    form.error("photos", "bad.jpg: not an image")
    did = drafts.keep(studio, "anna", form)
    assert [(u.name, u.data) for u in drafts.photos(studio, "anna", did)] == [("mug.jpg", b"mug"),
                                                                               ("mug.jpg", b"second mug")]
    assert drafts.photos(studio, "bob", did) == []  # another operator's draft opens nothing
    again = drafts.with_draft(drafts.photos(studio, "anna", did), [Upload("bag.png", b"bag")])
    assert [u.name for u in again] == ["mug.jpg", "mug.jpg", "bag.png"]
    assert [u.data for u in drafts.with_draft(again, [Upload("mug.jpg", b"fixed")])] == [b"bag", b"fixed"]
    kept = [drafts.keep(studio, "anna", RequestForm(photos=[Upload(f"{i}.jpg", b"x")]), most=2) for i in range(4)]
    assert [d for d, _ in studio.store.drafts_of("anna")] == kept[:-3:-1]  # a loop of refused forms: 2 kept
    assert sum(1 for p in (studio.ws.root / "studio" / "drafts").rglob("*") if p.is_file()) == 2
    did = kept[-1]
    folder = studio.ws.root / studio.store.draft_folder(did, "anna")  # type: ignore[operator]
    assert drafts.clean(studio, 3600) == 0  # just used: kept
    assert drafts.clean(studio, -1) == 2  # abandoned
    assert not folder.exists()
    assert drafts.photos(studio, "anna", did) == []
