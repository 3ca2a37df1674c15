"""A merchant's decisions on a proof and the approval that follows from them: the rules, with no web code in
them (the app parses the form and calls ``record_decision`` in a thread).

A rendered request moves between these states (``Record.state``)::

    done ──(every image approved)──► approved ──(changes asked for any image)──► reopened
      ▲                                                                            │
      └──────────────(rendered again: approved only if nothing changed and it was not reopened)
    reopened ──(every image approved again)──► approved

A merchant link, while it is neither expired nor revoked, shows the proof and takes a decision on any image
in every state; ``approved.zip`` serves the set only while it stands approved. A reopened set keeps its
approved hashes, so the next render still shows what changed since the merchant approved it.
"""

from __future__ import annotations

from artpipe.approval import approve, reopen
from artpipe.config import Workspace
from artpipe.proofview import Proof
from artpipe.studio.runs import campaign_root
from artpipe.studio.store import Record, Store


def record_decision(store: Store, ws: Workspace, record: Record, proof: Proof | None, output: str, state: str,
                    comment: str, name: str) -> str:
    """Record ``name``'s decision (``approved`` or ``changes``) on ``output``; approve the set when every image
    is approved, reopen it when a change is asked for after approval. Returns the request's state after it.
    Approving copies every image: call it in a thread."""
    store.decide(record.id, output, state, comment, name)
    root = campaign_root(ws, record.id, record.campaign)
    if state == "changes":
        if reopen(root, by=name) or record.state == "approved":
            store.update(record.id, state="reopened")
            return "reopened"
        return record.state
    decisions = store.decisions(record.id)
    if proof and all(decisions.get(s.rel) and decisions[s.rel].state == "approved" for s in proof.shots):
        approve(root, by=name)
        store.update(record.id, state="approved")
        return "approved"
    return record.state
