"""Requests: made from the form (or changed), listed, rendered and rendered again, shared with merchants.

A posted form goes through the same steps for a new request and for a change to one::

    gather (uploads, picked workspace photos, a refused form's kept photos) -> read the fields
    -> save (photos decoded, request.yaml written and loaded; everything taken back when refused)
    -> queue the render, or keep the photos as a draft and give the form back with its errors
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from artpipe.defaults import settings
from artpipe.errors import ConfigError
from artpipe.studio.forms import RequestForm, Upload, form_of_request, form_of_yaml, read_form, save_request
from artpipe.studio.service import drafts
from artpipe.studio.service.context import Studio
from artpipe.studio.service.photos import picked
from artpipe.studio.service.runs import STUDIO
from artpipe.studio.store import Link, Record

LINK_DAYS = 14


@dataclass(frozen=True)
class Posted:
    """A request form as it was posted: its fields, its files (already within the size limits), the workspace
    photos it picked, the uploads refused for their size, and the draft whose kept photos go with it."""

    values: dict[str, Any]
    photos: list[Upload] = field(default_factory=list)
    sheet: Upload | None = None
    picked: list[str] = field(default_factory=list)
    too_large: list[str] = field(default_factory=list)
    draft: str = ""


@dataclass(frozen=True)
class Sent:
    """A request saved and queued."""

    rid: str
    renamed: list[tuple[str, str]]


@dataclass(frozen=True)
class Returned:
    """A form given back: its errors beside its fields, its usable photos kept as ``form.draft``."""

    form: RequestForm


def gather(studio: Studio, who: str, posted: Posted) -> RequestForm:
    """The form's fields and every photo it goes on with (kept, picked, uploaded), its size refusals as errors."""
    kept = drafts.photos(studio, who, posted.draft)
    photos = drafts.with_draft(kept, [*posted.photos, *picked(studio.ws, posted.picked)])
    form = read_form(posted.values, photos, posted.sheet)
    for problem in posted.too_large:
        form.error("photos", problem)
    return form


def returned(studio: Studio, who: str, posted: Posted, form: RequestForm) -> Returned:
    """The refused form with its usable photos kept as a new draft (the one it came with dropped)."""
    form.draft = drafts.keep(studio, who, form, settings().studio.drafts_per_operator)
    form.kept = [u.name for u in drafts.usable(form)]
    drafts.drop(studio, posted.draft)
    return Returned(form)


def create(studio: Studio, who: str, posted: Posted) -> Sent | Returned:
    """Make a request from a posted form and queue its render. Decodes photos: call it in a thread."""
    form = gather(studio, who, posted)
    folder = Path(STUDIO, "requests", f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}")
    loaded = None if form.errors else save_request(form, studio.ws.root / folder, studio.ws.root / "brands")
    if loaded is None:
        return returned(studio, who, posted, form)
    drafts.drop(studio, posted.draft)
    rid = studio.store.add(loaded.campaign, loaded.merchant, loaded.deadline, folder.as_posix(), who)
    studio.runner.submit(rid, len(loaded.job.products))
    return Sent(rid, form.renamed)


def edit(studio: Studio, who: str, record: Record, posted: Posted) -> Sent | Returned:
    """Change a request from a posted form and render it again; the campaign keeps its name. Decodes photos:
    call it in a thread."""
    form = gather(studio, who, posted)
    loaded = None if form.errors else save_request(form, studio.ws.root / record.folder, studio.ws.root / "brands")
    if loaded is not None and loaded.campaign != record.campaign:
        form.error("campaign", "a request keeps its campaign name; make a new request for another campaign")
        loaded = None
    if loaded is None:
        return returned(studio, who, posted, form)
    drafts.drop(studio, posted.draft)
    studio.store.update(record.id, merchant=loaded.merchant, deadline=loaded.deadline)
    studio.runner.submit(record.id, len(loaded.job.products))
    return Sent(record.id, form.renamed)


def form_of(studio: Studio, record: Record) -> RequestForm:
    """The form as the request was last saved (to change it)."""
    return form_of_request(studio.ws.root / record.folder)


def form_of_file(text: str, name: str) -> RequestForm:
    """The form filled in from a request file an operator loaded; an empty form with the file's problems on
    its ``request_yaml`` field when it is not one."""
    try:
        return form_of_yaml(text, name)
    except ConfigError as exc:
        empty = RequestForm()
        empty.error("request_yaml", "; ".join(f"{p.where or 'line ' + str(p.line)}: {p.what}" for p in exc.problems))
        return empty


def rerun(studio: Studio, record: Record) -> None:
    """Render the request again as it stands (after an interruption, or to pick up a changed template)."""
    studio.runner.submit(record.id, record.total)


def share(studio: Studio, who: str, record: Record) -> str:
    """A new merchant link to the request (valid ``LINK_DAYS``); its token."""
    return studio.store.link(record.id, who, LINK_DAYS)


def links(studio: Studio, record: Record) -> list[Link]:
    """The request's links that still open."""
    return studio.store.links(record.id)


def revoke(studio: Studio, who: str, record: Record, token: str) -> bool:
    """End a merchant link of the request now; False when the request has no such link."""
    return studio.store.revoke_link(record.id, token, who)
