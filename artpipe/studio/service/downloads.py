"""What the studio hands out as files: the approved set as a zip, the proof as one HTML file (images inside)
or as a zip (its page and images). Each reads every image: call them in a thread."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from artpipe.api import approved_outputs, campaign_approved, proof_page
from artpipe.studio.service.context import NotFound, Studio
from artpipe.studio.store import Record


@dataclass(frozen=True)
class Download:
    """A file to hand out: the name it is saved under (any script), its type and its bytes."""

    filename: str
    media_type: str
    body: bytes


def approved_zip(studio: Studio, record: Record) -> Download:
    """The approved set, as the merchant approved it (the kept copies, not what a later render made)."""
    root = studio.root(record)
    if not campaign_approved(root):
        msg = "Nothing is approved now (not yet, or changes were asked for since)."
        raise NotFound(msg)
    _, hashes = approved_outputs(root) or ("", {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for rel, sha in sorted(hashes.items()):
            copy = root / "approved" / f"{sha}{Path(rel).suffix.lower()}"
            if copy.is_file():
                archive.write(copy, f"{record.campaign}/{rel}")
    return Download(f"{record.campaign}-approved.zip", "application/zip", buffer.getvalue())


def proof_file(studio: Studio, record: Record) -> Download:
    """The proof as one HTML file with its images inside, to send as it is."""
    root = studio.root(record)
    if not (root / "report.json").is_file():
        msg = "The request has not been rendered yet."
        raise NotFound(msg)
    page = proof_page(root, record.campaign, record.merchant, record.deadline, embed=True,
                      pages=studio.pages)
    return Download(f"{record.campaign}-proof.html", "text/html; charset=utf-8", page.encode("utf-8"))


def proof_zip(studio: Studio, record: Record) -> Download:
    """The proof as a zip: its index page and the images, laid out by platform and slot."""
    root, proof = studio.root(record), studio.proof(record)
    if proof is None:
        msg = "The request has not been rendered yet."
        raise NotFound(msg)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{record.campaign}/index.html",
                         proof_page(root, record.campaign, record.merchant, record.deadline,
                                    pages=studio.pages))
        for rel in sorted({s.rel for s in proof.shots} | {s.diff for s in proof.shots if s.diff}):
            if (root / rel).is_file():
                archive.write(root / rel, f"{record.campaign}/{rel}")
    return Download(f"{record.campaign}-proof.zip", "application/zip", buffer.getvalue())
