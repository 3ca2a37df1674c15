"""A merchant's decisions on a proof and the approval that follows from them: the rules, with no web code.

A rendered request moves between these states (``Record.state``)::

    done ──(every image approved)──► approved ──(changes asked for any image)──► reopened
      ▲                                                                            │
      └──────────────(rendered again: approved only if nothing changed and it was not reopened)
    reopened ──(every image approved again)──► approved

A merchant link, while it is neither expired nor revoked, shows the proof and takes a decision on any image
in every state (one image, every image of a platform, or the whole set at once); ``approved.zip`` serves the
set only while it stands approved. A reopened set keeps its approved hashes, so the next render still shows
what changed since the merchant approved it. Every decision is kept in the log: who, what, when, which link.
"""

from __future__ import annotations

from dataclasses import dataclass

from artpipe.api import Proof, approve_campaign, reopen_campaign
from artpipe.studio.service.context import Refused, Studio
from artpipe.studio.store import DECISIONS, Record

MAX_NAME = 80
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Decided:
    """What a merchant decided, as the form said it (checked by ``decide``)."""

    name: str
    state: str  # approved or changes
    outputs: tuple[str, ...]  # images of the proof, relative to the campaign folder
    comment: str = ""


def one(name: str, state: str, output: str, comment: str) -> Decided:
    """A decision on one image."""
    return Decided(name.strip()[:MAX_NAME], state, (output,), comment.strip()[:MAX_COMMENT])


def every(proof: Proof | None, name: str, platform: str = "") -> Decided:
    """Approval of every image of the proof not approved yet (only ``platform``'s, when given)."""
    shots = proof.shots if proof else []
    todo = tuple(s.rel for s in shots if (not platform or s.platform == platform)
                 and not (s.decision and s.decision.state == "approved"))
    return Decided(name.strip()[:MAX_NAME], "approved", todo)


def decide(studio: Studio, record: Record, decided: Decided, link: str = "") -> str:
    """Record ``decided`` (through merchant ``link``); approve the set when every image is approved, reopen it
    when a change is asked for after approval. Returns the request's state after it. Refused when the name is
    missing, the state unknown or an image not in this proof. Approving copies every image: call it in a
    thread."""
    proof = studio.proof(record)
    shots = {s.rel for s in proof.shots} if proof else set()
    if proof is None or not decided.name or decided.state not in DECISIONS or not set(decided.outputs) <= shots:
        msg = "Write your name and choose approve or ask for changes for an image of this proof."
        raise Refused(msg)
    if not decided.outputs:
        return record.state  # approve all, with everything approved already
    with studio.store.deciding():
        return _apply(studio, studio.record(record.id), proof, decided, link)


def _apply(studio: Studio, record: Record, proof: Proof, decided: Decided, link: str) -> str:
    """``decide``'s writes, while no other decision is taken."""
    studio.store.decide(record.id, list(decided.outputs), decided.state, decided.comment, decided.name, link)
    root = studio.root(record)
    if decided.state == "changes":
        if reopen_campaign(root, by=decided.name) or record.state == "approved":
            studio.store.update(record.id, state="reopened")
            return "reopened"
        return record.state
    decisions = studio.store.decisions(record.id)
    if all(s.rel in decisions and decisions[s.rel].state == "approved" for s in proof.shots):
        approve_campaign(root, by=decided.name)
        studio.store.update(record.id, state="approved")
        return "approved"
    return record.state


def platforms(proof: Proof | None) -> list[tuple[str, int]]:
    """Each platform of the proof with how many of its images wait for approval, in the proof's order."""
    waiting: dict[str, int] = {}
    for shot in proof.shots if proof else []:
        if shot.platform:
            waiting.setdefault(shot.platform, 0)
            waiting[shot.platform] += not (shot.decision and shot.decision.state == "approved")
    return list(waiting.items())
