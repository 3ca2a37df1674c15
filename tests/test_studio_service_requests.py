"""Requests made and changed from a posted form, without HTTP (studio/service/requests.py): saved and queued, or
given back with their errors and their photos kept; shared with merchants by links that can be revoked.
Rendering is not part of it: the runner's queue is replaced by a list."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from studiocase import opened

from artpipe.config import Workspace
from artpipe.studio.forms import Upload
from artpipe.studio.service import requests
from artpipe.studio.service.context import Studio
from artpipe.studio.service.requests import Posted, Returned, Sent


@pytest.fixture
def studio(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Studio, list[tuple[str, int]]]]:
    queued: list[tuple[str, int]] = []
    with opened(ws) as studio:
        monkeypatch.setattr(studio.runner, "submit", lambda rid, products: queued.append((rid, products)))
        yield studio, queued


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


FORM = {"campaign": "spring", "platforms": "jd", "rows-0-sku": "mug", "rows-0-photo": "mug.jpg",
        "rows-1-sku": "cup", "rows-1-photo": "mug"}


def test_a_good_form_is_saved_and_queued(studio: tuple[Studio, list[tuple[str, int]]]) -> None:
    service, queued = studio
    sent = requests.create(service, "anna", Posted(FORM, [Upload("mug.jpg", _jpeg())]))
    assert isinstance(sent, Sent)
    assert queued == [(sent.rid, 2)]
    record = service.record(sent.rid)
    assert (record.campaign, record.merchant, record.created_by) == ("spring", "spring", "anna")
    assert (service.ws.root / record.folder / "photos" / "mug.jpg").read_bytes() == _jpeg()
    assert requests.form_of(service, record).rows == [{"sku": "mug", "photo": "mug.jpg"},
                                                      {"sku": "cup", "photo": "mug.jpg"}]


def test_a_refused_form_comes_back_with_its_errors_and_its_photos_kept(
        studio: tuple[Studio, list[tuple[str, int]]]) -> None:
    service, queued = studio
    posted = Posted({**FORM, "campaign": ""}, [Upload("mug.jpg", _jpeg())], too_large=["huge.jpg: over 50 MB"])
    back = requests.create(service, "anna", posted)
    assert isinstance(back, Returned)
    assert back.form.errors["photos"] == ["huge.jpg: over 50 MB"]  # said before anything was saved
    assert queued == []
    assert service.store.all() == []
    retried = requests.create(service, "anna", Posted(FORM, draft=back.form.draft))  # the photo comes from the draft
    assert isinstance(retried, Sent)
    assert queued == [(retried.rid, 2)]
    assert service.store.drafts_of("anna") == []  # sent: the draft is gone


def test_a_change_keeps_the_campaign_name(studio: tuple[Studio, list[tuple[str, int]]]) -> None:
    service, queued = studio
    sent = requests.create(service, "anna", Posted(FORM, [Upload("mug.jpg", _jpeg())]))
    assert isinstance(sent, Sent)
    record = service.record(sent.rid)
    renamed = requests.edit(service, "anna", record, Posted({**FORM, "campaign": "summer"}))
    assert isinstance(renamed, Returned)
    assert renamed.form.errors["campaign"] == ["a request keeps its campaign name; make a new request for another "
                                               "campaign"]
    changed = requests.edit(service, "anna", record, Posted({**FORM, "merchant": "MAISON"}))  # its photo kept
    assert changed == Sent(record.id, [])
    assert service.record(record.id).merchant == "MAISON"
    assert queued == [(record.id, 2), (record.id, 2)]


def test_links_are_made_listed_and_revoked(studio: tuple[Studio, list[tuple[str, int]]]) -> None:
    service, _ = studio
    rid = service.store.add("spring", "MAISON", "", "studio/requests/x", "anna")
    record = service.record(rid)
    token = requests.share(service, "anna", record)
    assert [link.token for link in requests.links(service, record)] == [token]
    assert service.linked(token).id == rid
    assert requests.revoke(service, "anna", record, token)
    assert not requests.revoke(service, "anna", record, token)
    assert requests.links(service, record) == []


def test_a_loaded_file_that_is_not_a_request_is_an_error_on_its_field() -> None:
    form = requests.form_of_file("- a\n- b\n", "x.yaml")
    assert form.errors == {"request_yaml": ["line 1: a request must be a mapping of keys"]}
    assert requests.form_of_file("campaign: spring\n", "x.yaml").campaign == "spring"
