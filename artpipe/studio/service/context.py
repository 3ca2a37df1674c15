"""The studio's service: what it holds (the workspace, its records, the runner) and the two ways a call is
refused (nothing of that name; a request that breaks a rule), which the web layer turns into 404 and 400."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from artpipe.api import Catalog, Executor, Proof, Workspace, approval_of, preset_catalog, read_proof
from artpipe.defaults import settings
from artpipe.studio.accounts import Accounts
from artpipe.studio.db import DB_FILE
from artpipe.studio.service.runs import Runner, campaign_root
from artpipe.studio.store import Record, Store


class NotFound(Exception):  # noqa: N818 - said as the web says it (404)
    """Nothing of that name (a request, a link, a file); the message says so in words."""


class Refused(ValueError):
    """A call that breaks a rule (a decision without a name, an image not in the proof)."""


@dataclass
class Studio:
    """One workspace's studio: its records (SQLite), its accounts, the runner rendering its requests."""

    ws: Workspace
    store: Store
    accounts: Accounts
    runner: Runner
    presets: Catalog
    pages: Environment  # the one environment the studio's pages and its proof files are rendered with

    def record(self, rid: str) -> Record:
        """The request ``rid``; NotFound when there is none."""
        found = self.store.get(rid)
        if found is None:
            msg = "No such request."
            raise NotFound(msg)
        return found

    def root(self, record: Record) -> Path:
        """Where the request's campaign is rendered."""
        return campaign_root(self.ws, record.id, record.campaign)

    def proof(self, record: Record) -> Proof | None:
        """The rendered proof with the merchant's decisions, or None before the first render."""
        root = self.root(record)
        return read_proof(root, self.store.decisions(record.id)) if (root / "report.json").is_file() else None

    def approval(self, record: Record) -> tuple[str, str] | None:
        """(when in UTC ISO 8601, by whom) while the request's set stands approved."""
        return approval_of(self.root(record))

    def linked(self, token: str) -> Record:
        """The request a merchant link shows; NotFound when it expired, was revoked or never was."""
        rid = self.store.request_of_link(token)
        if rid is None:
            msg = "This link has expired or does not exist; ask for a new one."
            raise NotFound(msg)
        return self.record(rid)


def open_studio(ws: Workspace, pages: Environment, jobs: int | None = None,
                executor: Executor | None = None) -> Studio:
    """The studio of ``ws``: its database opened and migrated; requests a stopped studio left unfinished marked
    interrupted (not those another living studio on the same workspace renders)."""
    conf = settings().studio
    path = ws.state / DB_FILE
    store = Store(path, ws.root)
    store.interrupt_unfinished(conf.stale_after_seconds)
    runner = Runner(ws, store, jobs, executor, conf.heartbeat_seconds)
    return Studio(ws, store, Accounts(path, ws.root), runner, preset_catalog(), pages)
