"""What every handler of the studio shares: its pages (one Jinja environment, autoescaped), who the operator is,
a form's token check, a posted request form read into the service's ``Posted``, downloads with any file name,
and the limit on a request's body. No rule of the studio is here: those are in ``service``."""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from anyio import CapacityLimiter
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from artpipe.api import Executor, Workspace, link_fonts
from artpipe.defaults import settings
from artpipe.files import write_atomic
from artpipe.studio.forms import MAX_PHOTO_BYTES, RequestForm, Upload
from artpipe.studio.hosts import LOOPBACK_NAMES
from artpipe.studio.service.context import Studio
from artpipe.studio.service.downloads import Download
from artpipe.studio.service.requests import Posted

SESSION_SECONDS = 12 * 3600  # an operator's sign-in lasts this long (the cookie and its session on the server)
LISTS = ("platforms", "presets", "workspace_photos")  # form fields that carry several values


@dataclass(frozen=True)
class StudioConfig:
    """How the studio runs: its workspace, whether it is reachable from other machines, its worker count."""

    ws: Workspace
    public: bool = False  # bound to an address other machines reach: users and logins are required
    jobs: int | None = None
    executor: Executor | None = None  # a Dask cluster; None: this machine's ``jobs`` processes
    public_url: str = ""  # where merchants reach it (an origin; "": the workspace's, else this machine only)
    listen: str = "127.0.0.1"  # the address it listens on, a name requests may carry in their Host
    port: int | None = None  # the port it listens on (None: requests may name any port)

    @property
    def origin(self) -> str:
        """The public origin links are built from ("" when the studio is reached on this machine only)."""
        return self.public_url or self.ws.public_url

    @property
    def needs_users(self) -> bool:
        """Reachable from other machines (an address they reach, or a public URL a proxy serves): sign-in needed."""
        return self.public or bool(self.origin)


def when(value: float | str) -> Markup:
    """A time for a page: ``<time datetime="…Z">2026-11-05 18:20 UTC</time>``; the page's script shows it in the
    viewer's own time zone, the UTC text stays for a browser without scripts."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else datetime.fromtimestamp(float(value), UTC)
    at = at.replace(tzinfo=at.tzinfo or UTC).astimezone(UTC)
    return Markup('<time datetime="{}">{}</time>').format(at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                          at.strftime("%Y-%m-%d %H:%M UTC"))


def page_environment() -> Environment:
    """The one Jinja environment of the studio: its own pages, then the proof page artpipe writes."""
    pages = Environment(loader=ChoiceLoader([PackageLoader("artpipe.studio", "templates"),
                                             PackageLoader("artpipe", "pages")]),
                        autoescape=select_autoescape(default=True))
    pages.filters["when"] = when
    return pages


@dataclass
class Web:
    """The studio's service and the web's view of it."""

    config: StudioConfig
    studio: Studio
    hashing: CapacityLimiter  # password checks at once

    def page(self, request: Request, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        """A page of the studio (the signed-in user, the form token and the merchant's name filled in)."""
        context.setdefault("user", request.session.get("user"))
        context.setdefault("signed_in", bool(request.session.get("user")))
        context.setdefault("merchant_name", request.session.get("merchant_name"))
        context.setdefault("request_base", self.config.origin or str(request.base_url).rstrip("/"))
        context.setdefault("only_here", not self.config.origin and loopback_name(request.url.hostname or ""))
        context.setdefault("csrf", csrf(request))
        page = link_fonts(self.studio.pages.get_template(template).render(**context), "/fonts/")
        return HTMLResponse(page, status_code=code)

    def operator(self, request: Request) -> str:
        """The signed-in operator; with no users (only on this machine) everyone here is 'local'. A cookie counts
        only while its session is on the server (not signed out, its user not removed)."""
        user = request.session.get("user")
        if user:
            accounts = self.studio.accounts
            sid = str(request.session.get("sid", ""))
            if accounts.session_user(sid) == user:
                return str(user)
            accounts.end_session(sid)
            request.session.clear()
        if not self.config.needs_users and not self.studio.accounts.users():
            return "local"
        raise HTTPException(303, headers={"Location": "/login"})


def web_of(request: Request) -> Web:
    """The studio a request reached."""
    web: Web = request.app.state.web
    return web


async def form_of(request: Request) -> FormData:
    """The posted form, once its token proved it came from one of the studio's own pages."""
    form = await request.form(max_files=80, max_fields=400, max_part_size=1024 * 1024)
    if not hmac.compare_digest(str(form.get("csrf", "")), csrf(request)):
        await form.close()
        raise HTTPException(403, "This form has expired or came from another site; reload the page and try again.")
    return form


async def posted(form: FormData) -> Posted:
    """A request form as the service takes it: fields, photos and sheet within their limits (larger ones named
    as problems), picked workspace photos and the draft it goes on with. Closes the form's spooled files."""
    try:
        too_large: list[str] = []
        photos = [u for item in form.getlist("photos") if (u := await _upload(item, MAX_PHOTO_BYTES, too_large,
                                                                             "export it smaller"))]
        sheet = await _upload(form.get("sheet"), settings().sheet.max_bytes, too_large, "split it into smaller sheets")
        values = {k: form.getlist(k) if k in LISTS else form.get(k) for k in form}
    finally:
        await form.close()
    return Posted(values, photos, sheet, [str(n) for n in form.getlist("workspace_photos")], too_large,
                  str(values.get("draft") or ""))


async def _upload(item: Any, limit: int, problems: list[str], hint: str) -> Upload | None:
    """An uploaded file read up to ``limit`` bytes; over it, a problem naming the file (None either way when
    the field had no file)."""
    if not isinstance(item, UploadFile) or not item.filename:
        return None
    data = await item.read(limit + 1)
    if len(data) > limit:
        problems.append(f"{item.filename}: larger than {limit // 2**20} MB; {hint}")
        return None
    return Upload(item.filename, data)


def sent(download: Download) -> Response:
    """A download as a response saved under its name, whatever its script."""
    return Response(download.body, media_type=download.media_type, headers=attachment(download.filename))


def renames_query(form: RequestForm | list[tuple[str, str]]) -> str:
    """The query telling the request page which photos were kept under another name (empty when none)."""
    renamed = form.renamed if isinstance(form, RequestForm) else form
    pairs = [(k, v) for uploaded, kept in renamed for k, v in (("renamed", uploaded), ("as", kept))]
    return f"?{urlencode(pairs)}" if pairs else ""


def csrf(request: Request) -> str:
    """The session's form token (made on first use); every form posts it back."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def loopback_name(host: str) -> bool:
    """Whether a request's host name is one of this machine's loopback names (a link with it opens only here)."""
    return host in LOOPBACK_NAMES or f"[{host}]" in LOOPBACK_NAMES


def attachment(filename: str) -> dict[str, str]:
    """The header that downloads a response as ``filename``, any script (RFC 6266 with RFC 5987's ``filename*``):
    an ASCII name for old clients, the UTF-8 one for the rest. Headers carry Latin-1 only, so a campaign named
    双十一 cannot go into ``filename=`` as it is."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(c))  # é: e
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "_", plain).strip(" .") or "download"  # no quote, slash or control
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"}


def secret(ws: Workspace) -> str:
    """The key that signs session cookies, kept in the workspace (readable by its owner only, from its first
    byte: it is written private and atomically)."""
    path = ws.state / "studio-secret"
    if not path.is_file():
        write_atomic(path, secrets.token_urlsafe(48).encode("ascii"), private=True)
    return path.read_text(encoding="utf-8").strip()


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (by Content-Length, and by counting when there is none)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await HTMLResponse(f"<p>The upload is larger than {self.limit // 2**20} MB; send fewer or smaller "
                               "photos at a time.</p>", status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, "upload too large")
            return message

        await self.app(scope, counted, send)
