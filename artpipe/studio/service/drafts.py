"""A refused form's photos, kept so the operator does not upload them again: each form that comes back with
errors keeps the photos it was sent (not those refused as unusable) in ``studio/drafts/<n>/``, recorded as a
draft of that operator; the next post of the form carries the draft's id and gets them back. A form that is
sent drops its draft; one nobody touches for ``draft_hours`` is abandoned and removed."""

from __future__ import annotations

import secrets
from pathlib import Path

from artpipe.api import safe_part
from artpipe.files import remove_folder, write_atomic
from artpipe.studio.forms import RequestForm, Upload
from artpipe.studio.service.context import Studio
from artpipe.studio.service.runs import STUDIO


def usable(form: RequestForm) -> list[Upload]:
    """The form's photos that were not refused themselves (a corrupt file is not worth keeping)."""
    refused = form.errors.get("photos", [])
    return [u for u in form.photos if not any(m.startswith(f"{u.name}:") for m in refused)]


def keep(studio: Studio, who: str, form: RequestForm, most: int = 3) -> str:
    """Keep the usable photos of the refused ``form`` as a new draft of ``who``; its id ("" when there is
    nothing to keep). Each photo goes in a numbered folder of its own, so two of one name are both kept. Only
    ``who``'s ``most`` newest drafts stay: refused forms sent in a loop cannot fill the disk."""
    photos = usable(form)
    if not photos:
        return ""
    folder = Path(STUDIO, "drafts", secrets.token_hex(8))
    for i, upload in enumerate(photos):
        write_atomic(studio.ws.root / folder / f"{i:02d}" / (safe_part(Path(upload.name).name) or "photo"),
                     upload.data)
    did = studio.store.add_draft(folder.as_posix(), who)
    for older, _ in studio.store.drafts_of(who)[most:]:
        drop(studio, older)
    return did


def photos(studio: Studio, who: str, did: str) -> list[Upload]:
    """The photos kept in ``who``'s draft ``did`` (none when it is not theirs, or was cleaned)."""
    rel = studio.store.draft_folder(did, who) if did else None
    if rel is None:
        return []
    folder = studio.ws.root / rel
    return [Upload(p.name, p.read_bytes()) for p in sorted(folder.glob("*/*")) if p.is_file()]


def with_draft(kept: list[Upload], sent: list[Upload]) -> list[Upload]:
    """The photos a form goes on with: the ones it just sent, and the kept ones it did not send again (a photo
    sent again under its name replaces the kept one: the operator fixed it)."""
    names = {safe_part(Path(u.name).name) for u in sent}
    return [*(u for u in kept if u.name not in names), *sent]


def drop(studio: Studio, did: str) -> None:
    """Remove a draft and its photos (its form was sent, or it was replaced by a newer draft)."""
    rel = studio.store.draft_folder_of(did) if did else None
    if rel is not None:
        remove_folder(studio.ws.root / rel)
        studio.store.drop_draft(did)


def clean(studio: Studio, older_than_s: float) -> int:
    """Remove the drafts nobody touched for ``older_than_s`` (abandoned forms); how many were removed."""
    stale = studio.store.stale_drafts(older_than_s)
    for did, rel in stale:
        remove_folder(studio.ws.root / rel)
        studio.store.drop_draft(did)
    return len(stale)
