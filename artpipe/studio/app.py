"""The studio's web app (Starlette, Jinja2 with autoescape): operators request banner sets and follow them,
share a read-only proof link, merchants approve or ask for changes per image, everyone downloads what was
approved. Every page is a thin layer over the same engine as the command line."""

from __future__ import annotations

import asyncio
import hmac
import io
import math
import re
import secrets
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from anyio import CapacityLimiter, to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from artpipe.approval import approved, is_approved
from artpipe.config import Workspace
from artpipe.defaults import settings
from artpipe.errors import ConfigError
from artpipe.executors import Executor
from artpipe.imaging.formats import IMAGE_EXTENSIONS
from artpipe.inbox.retry import retry_failed
from artpipe.inbox.status import inbox_status
from artpipe.paths import UnsafePath, command, inside
from artpipe.presets import load_platforms, load_presets
from artpipe.proof import proof_page
from artpipe.proofview import Proof, approval, read_proof
from artpipe.studio.forms import (
    COLUMNS,
    MAX_PHOTO_BYTES,
    ROWS,
    TEMPLATE_ROWS,
    RequestForm,
    Upload,
    form_of_request,
    form_of_yaml,
    is_renaming,
    read_form,
    renamed_note,
    save_request,
)
from artpipe.studio.hosts import LOOPBACK_NAMES, HostCheck, served_hosts
from artpipe.studio.review import record_decision
from artpipe.studio.runs import STUDIO, Runner, campaign_root
from artpipe.studio.signin import Attempts
from artpipe.studio.store import DECISIONS, Record, Store
from artpipe.studio.users import USERS_FILE, load_users, verify_user
from artpipe.template.find import bundled_templates
from artpipe.text import fonts

MAX_BODY = 400 * 1024 * 1024  # one request's photos and sheet together
LINK_DAYS = 14
SESSION_SECONDS = 12 * 3600  # an operator's sign-in lasts this long (the cookie and its session on the server)
PICKABLE = 500  # workspace photos listed in the form
WEB_FONTS = {"NotoSansCJK-Regular.otf": "regular", "NotoSansCJK-Bold.otf": "bold"}
PLATFORMS = tuple(load_platforms())  # the marketplaces presets.yaml lists, in its order


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


def _secret(ws: Workspace) -> str:
    """The key that signs session cookies, kept in the workspace (readable by its owner only)."""
    path = ws.state / "studio-secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def create_app(config: StudioConfig) -> Starlette:
    """The studio for one workspace."""
    ws = config.ws
    store = Store(ws.state / "studio.db")
    store.interrupt_unfinished()  # nothing renders yet: what says queued or running was cut short
    runner = Runner(ws, store, config.jobs, config.executor)
    users_file = ws.root / USERS_FILE
    signin = settings().studio
    by_name = Attempts(signin.signin_attempts_per_name, signin.signin_window_seconds)
    by_address = Attempts(signin.signin_attempts_per_address, signin.signin_window_seconds)
    hashing = CapacityLimiter(signin.signin_hashes_at_once)
    pages = Environment(loader=PackageLoader("artpipe.studio", "templates"), autoescape=select_autoescape())
    pages.filters["when"] = lambda t: time.strftime("%Y-%m-%d %H:%M", time.localtime(float(t)))

    def page(request: Request, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("user", request.session.get("user"))
        context.setdefault("signed_in", bool(request.session.get("user")))
        context.setdefault("merchant_name", request.session.get("merchant_name"))
        context.setdefault("request_base", config.origin or str(request.base_url).rstrip("/"))
        context.setdefault("only_here", not config.origin and _loopback_name(request.url.hostname or ""))
        context.setdefault("csrf", _csrf(request))
        return HTMLResponse(pages.get_template(template).render(**context), status_code=code)

    def operator(request: Request) -> str:
        """The signed-in operator; without a users file (only on this machine) everyone here is 'local'."""
        user, known = request.session.get("user"), load_users(users_file)
        if user:
            # Only while its session is on the server and the user is still in the users file: a cookie kept
            # after signing out, or of a removed user, opens nothing.
            sid = str(request.session.get("sid", ""))
            if user in known and store.session_user(sid) == user:
                return str(user)
            if user in known:
                store.end_session(sid)
            else:
                store.end_sessions_of(str(user))
            request.session.clear()
        if not known and not config.needs_users:
            return "local"
        raise HTTPException(303, headers={"Location": "/login"})

    async def form_of(request: Request) -> Any:
        form = await request.form(max_files=80, max_fields=400, max_part_size=1024 * 1024)
        if not hmac.compare_digest(str(form.get("csrf", "")), _csrf(request)):
            await form.close()
            raise HTTPException(403, "This form has expired or came from another site; reload the page and try again.")
        return form

    def record_of(rid: str) -> Record:
        record = store.get(rid)
        if record is None:
            raise HTTPException(404, "No such request.")
        return record

    def root_of(record: Record) -> Path:
        return campaign_root(ws, record.id, record.campaign)

    def file_in(root: Path, rel: str) -> FileResponse:
        try:
            path = inside(root, rel)
        except UnsafePath:
            raise HTTPException(404, "No such file.") from None
        if not path.is_file():
            raise HTTPException(404, "No such file.")
        return FileResponse(path)

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return page(request, "login.html")
        form = await form_of(request)
        name, password = str(form.get("name", ""))[:200], str(form.get("password", ""))[:1024]
        address = request.client.host if request.client else ""
        now = time.monotonic()
        wait_s = max(by_name.take(name, now), by_address.take(address, now))
        if wait_s:
            return page(request, "login.html", 429, name=name,
                        error=f"Too many sign-in attempts; try again in {math.ceil(wait_s / 60)} min.")
        if not await to_thread.run_sync(verify_user, users_file, name, password, limiter=hashing):
            await asyncio.sleep(signin.signin_delay_seconds)
            return page(request, "login.html", 401, error="Wrong name or password.", name=name)
        by_name.forgive(name)
        request.session.clear()
        request.session["user"] = name
        request.session["sid"] = store.open_session(name, SESSION_SECONDS)
        return RedirectResponse("/requests", 303)

    async def logout(request: Request) -> Response:
        await form_of(request)
        store.end_session(str(request.session.get("sid", "")))
        request.session.clear()
        return RedirectResponse("/login" if load_users(users_file) or config.needs_users else "/requests", 303)

    async def home(request: Request) -> Response:
        return RedirectResponse("/requests", 303)

    async def requests(request: Request) -> Response:
        who = operator(request)
        return page(request, "requests.html", user=who, records=store.all())

    def brands() -> list[str]:
        folder = ws.root / "brands"
        return sorted(p.name for p in folder.glob("*.yaml")) if folder.is_dir() else []

    def workspace_photos() -> list[str]:
        """Photos already in the workspace (its archive and inbox) an operator may pick, newest first."""
        found = []
        for folder in (ws.archive, ws.inbox):
            found += [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
                      and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
        found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        return [p.relative_to(ws.root).as_posix() for p in found[:PICKABLE]]

    def picked(names: list[str]) -> list[Upload]:
        """The workspace photos chosen in the form, read from where they are (inside archive/ or inbox/ only)."""
        out = []
        for rel in names:
            try:
                path = inside(ws.root, rel)
            except UnsafePath:
                continue
            if path.is_file() and any(path.is_relative_to(f) for f in (ws.archive, ws.inbox)):
                out.append(Upload(path.name, path.read_bytes()))
        return out

    def new_form(request: Request, form: RequestForm, code: int = 200, action: str = "/requests") -> HTMLResponse:
        rows = form.rows + [{} for _ in range(max(0, ROWS - len(form.rows)))]
        slots = sorted((name, f"{p.title}, {p.width}x{p.height}") for name, p in app.state.presets[0].items())
        chosen = [*form.templates.items()] + [("", "")] * max(0, TEMPLATE_ROWS - len(form.templates))
        return page(request, "new.html", code, form=form, rows=rows, columns=COLUMNS, platforms=PLATFORMS,
                    brands=brands(), action=action, pickable=workspace_photos(), slots=slots,
                    templates=sorted(bundled_templates()), chosen=chosen,
                    renamed=[renamed_note(a, b) for a, b in form.renamed])

    async def uploads(form: Any) -> tuple[list[Upload], Upload | None, list[str]]:
        photos, sheet, problems = [], None, []
        for item in form.getlist("photos"):
            if isinstance(item, UploadFile) and item.filename:
                data = await item.read(MAX_PHOTO_BYTES + 1)
                if len(data) > MAX_PHOTO_BYTES:
                    problems.append(f"{item.filename}: larger than {MAX_PHOTO_BYTES // 2**20} MB; export it smaller")
                    continue
                photos.append(Upload(item.filename, data))
        item = form.get("sheet")
        if isinstance(item, UploadFile) and item.filename:
            limit = settings().sheet.max_bytes
            data = await item.read(limit + 1)
            if len(data) > limit:
                problems.append(f"{item.filename}: a sheet over {limit // 2**20} MB; split it into smaller sheets")
            else:
                sheet = Upload(item.filename, data)
        return photos, sheet, problems

    async def create(request: Request) -> Response:
        who = operator(request)
        if request.method == "GET":
            return new_form(request, RequestForm())
        form_data = await form_of(request)
        try:
            loaded_yaml = form_data.get("request_yaml")
            if form_data.get("action") == "load" and isinstance(loaded_yaml, UploadFile) and loaded_yaml.filename:
                text = (await loaded_yaml.read(settings().yaml.max_bytes + 1)).decode("utf-8", errors="replace")
                try:
                    return new_form(request, form_of_yaml(text, loaded_yaml.filename))
                except ConfigError as exc:
                    empty = RequestForm()
                    empty.error("request_yaml", "; ".join(f"{p.where or 'line ' + str(p.line)}: {p.what}"
                                                          for p in exc.problems))
                    return new_form(request, empty, 400)
            photos, sheet, problems = await uploads(form_data)
            photos += await run_in_threadpool(picked, [str(n) for n in form_data.getlist("workspace_photos")])
            values = {k: form_data.getlist(k) if k in ("platforms", "presets") else form_data.get(k) for k in form_data}
        finally:
            await form_data.close()  # the uploads' spooled files
        form = read_form(values, photos, sheet)
        for problem in problems:
            form.error("photos", problem)
        folder_rel = Path(STUDIO, "requests", f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}")
        folder = ws.root / folder_rel  # made by save_request, and gone again when the form is refused
        loaded = None if form.errors else await run_in_threadpool(save_request, form, folder, ws.root / "brands")
        if loaded is None:
            return new_form(request, form, 400)
        rid = store.add(loaded.campaign, loaded.merchant, loaded.deadline, folder_rel.as_posix(), who)
        runner.submit(rid, len(loaded.job.products))
        return RedirectResponse(f"/requests/{rid}{renames_query(form)}", 303)

    def proof_of(record: Record) -> Proof | None:
        root = root_of(record)
        return read_proof(root, store.decisions(record.id)) if (root / "report.json").is_file() else None

    async def show(request: Request) -> Response:
        who = operator(request)
        record = record_of(request.path_params["rid"])
        links = [(t, e) for t, e in store.links(record.id) if e > time.time()]
        renamed = [renamed_note(a, b) for a, b in zip(request.query_params.getlist("renamed"),
                                                      request.query_params.getlist("as"), strict=False)
                   if is_renaming(a, b)]
        return page(request, "request.html", user=who, record=record, proof=proof_of(record), links=links,
                    renamed=renamed,
                    approved=approval(root_of(record)), base=f"/requests/{record.id}/files", merchant=False,
                    only_changed=request.query_params.get("changed") == "1")

    async def share(request: Request) -> Response:
        who = operator(request)
        await form_of(request)
        record = record_of(request.path_params["rid"])
        store.link(record.id, who, LINK_DAYS)
        return RedirectResponse(f"/requests/{record.id}#share", 303)

    async def edit(request: Request) -> Response:
        operator(request)
        record = record_of(request.path_params["rid"])
        folder = ws.root / record.folder
        action = f"/requests/{record.id}/edit"
        if request.method == "GET":
            return new_form(request, form_of_request(folder), action=action)
        form_data = await form_of(request)
        try:
            photos, sheet, problems = await uploads(form_data)
            photos += await run_in_threadpool(picked, [str(n) for n in form_data.getlist("workspace_photos")])
            values = {k: form_data.getlist(k) if k in ("platforms", "presets") else form_data.get(k) for k in form_data}
        finally:
            await form_data.close()
        form = read_form(values, photos, sheet)
        for problem in problems:
            form.error("photos", problem)
        loaded = None if form.errors else await run_in_threadpool(save_request, form, folder, ws.root / "brands")
        if loaded is None:
            return new_form(request, form, 400, action=action)
        if loaded.campaign != record.campaign:
            form.error("campaign", "a request keeps its campaign name; make a new request for another campaign")
            return new_form(request, form, 400, action=action)
        store.update(record.id, merchant=loaded.merchant, deadline=loaded.deadline)
        runner.submit(record.id, len(loaded.job.products))
        return RedirectResponse(f"/requests/{record.id}{renames_query(form)}", 303)

    async def revoke(request: Request) -> Response:
        operator(request)
        await form_of(request)
        record = record_of(request.path_params["rid"])
        if not store.revoke_link(record.id, request.path_params["token"]):
            raise HTTPException(404, "No such link for this request.")
        return RedirectResponse(f"/requests/{record.id}#share", 303)

    async def rerun(request: Request) -> Response:
        operator(request)
        await form_of(request)
        record = record_of(request.path_params["rid"])
        runner.submit(record.id, record.total)
        return RedirectResponse(f"/requests/{record.id}", 303)

    async def files(request: Request) -> Response:
        operator(request)
        record = record_of(request.path_params["rid"])
        return file_in(root_of(record), request.path_params["rel"])

    async def source(request: Request) -> Response:
        operator(request)
        record = record_of(request.path_params["rid"])
        return file_in(ws.root / record.folder, "request.yaml")

    def approved_zip(record: Record) -> Response:
        """The approved set as a zip (reads every image: call it in a thread)."""
        root = root_of(record)
        if not is_approved(root):
            raise HTTPException(404, "Nothing is approved now (not yet, or changes were asked for since).")
        _, hashes = approved(root) or ("", {})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for rel, sha in sorted(hashes.items()):
                copy = root / "approved" / f"{sha}{Path(rel).suffix.lower()}"
                if copy.is_file():
                    archive.write(copy, f"{record.campaign}/{rel}")
        return Response(buffer.getvalue(), media_type="application/zip",
                        headers=attachment(f"{record.campaign}-approved.zip"))

    async def proof_file(request: Request) -> Response:
        """The proof as one HTML file with its images inside, to send as it is."""
        operator(request)
        record = record_of(request.path_params["rid"])
        root = root_of(record)
        if not (root / "report.json").is_file():
            raise HTTPException(404, "The request has not been rendered yet.")
        page_html = await run_in_threadpool(proof_page, root, record.campaign, record.merchant, record.deadline,
                                            embed=True)  # reads every image: never on the event loop
        return Response(page_html, media_type="text/html; charset=utf-8",
                        headers=attachment(f"{record.campaign}-proof.html"))

    async def proof_zip(request: Request) -> Response:
        """The proof as a zip: its index page and the images, laid out by platform and slot."""
        operator(request)
        record = record_of(request.path_params["rid"])
        root = root_of(record)
        proof = proof_of(record)
        if proof is None:
            raise HTTPException(404, "The request has not been rendered yet.")
        return Response(await run_in_threadpool(proof_bundle, record, root, proof), media_type="application/zip",
                        headers=attachment(f"{record.campaign}-proof.zip"))

    def proof_bundle(record: Record, root: Path, proof: Proof) -> bytes:
        """The proof zip's bytes (reads and compresses every image: call it in a thread)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{record.campaign}/index.html",
                             proof_page(root, record.campaign, record.merchant, record.deadline))
            for rel in sorted({s.rel for s in proof.shots} | {s.diff for s in proof.shots if s.diff}):
                if (root / rel).is_file():
                    archive.write(root / rel, f"{record.campaign}/{rel}")
        return buffer.getvalue()

    async def download(request: Request) -> Response:
        operator(request)
        return await run_in_threadpool(approved_zip, record_of(request.path_params["rid"]))

    def linked(request: Request) -> Record:
        rid = store.request_of_link(request.path_params["token"])
        if rid is None:
            raise HTTPException(404, "This link has expired or does not exist; ask for a new one.")
        return record_of(rid)

    async def merchant(request: Request) -> Response:
        record = linked(request)
        token = request.path_params["token"]
        return page(request, "request.html", record=record, proof=proof_of(record), links=[],
                    approved=approval(root_of(record)), base=f"/s/{token}/files", merchant=True, token=token,
                    only_changed=request.query_params.get("changed") == "1")

    async def merchant_files(request: Request) -> Response:
        record = linked(request)
        return file_in(root_of(record), request.path_params["rel"])

    async def merchant_zip(request: Request) -> Response:
        return await run_in_threadpool(approved_zip, linked(request))

    async def decide(request: Request) -> Response:
        record = linked(request)
        form = await form_of(request)
        token = request.path_params["token"]
        name = str(form.get("name", "")).strip()[:80]
        state = str(form.get("state", ""))
        proof = proof_of(record)
        shots = {s.rel for s in proof.shots} if proof else set()
        output = str(form.get("output", ""))
        if not name or state not in DECISIONS or output not in shots:
            raise HTTPException(400, "Write your name and choose approve or ask for changes for an image of this "
                                     "proof.")
        request.session["merchant_name"] = name
        comment = str(form.get("comment", "")).strip()[:2000]
        await run_in_threadpool(record_decision, store, ws, record, proof, output, state, comment, name)
        return RedirectResponse(f"/s/{token}#{output}", 303)

    async def font(request: Request) -> Response:
        """A bundled font for the pages, so Chinese, Japanese and Korean show on any browser (cached a day)."""
        name = request.path_params["name"]
        if name not in WEB_FONTS:
            raise HTTPException(404, "No such font.")
        return FileResponse(fonts.face_path("sans", WEB_FONTS[name]), media_type="font/otf",
                            headers={"Cache-Control": "public, max-age=86400"})

    async def inbox(request: Request) -> Response:
        who = operator(request)
        return page(request, "inbox.html", user=who, status=inbox_status(ws, recent_failures=50),
                    watch=command("artpipe", "watch", "--config", ws.root))

    async def retry(request: Request) -> Response:
        operator(request)
        form = await form_of(request)
        names = [str(n) for n in form.getlist("file")]
        retry_failed(ws, [ws.failed / n for n in names])  # none named: every failed file; outside failed/: refused
        return RedirectResponse("/inbox", 303)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 303:
            return RedirectResponse(exc.headers["Location"] if exc.headers else "/login", 303)
        return page(request, "error.html", exc.status_code, message=exc.detail)

    routes = [
        Route("/", home), Route("/login", login, methods=["GET", "POST"]), Route("/logout", logout, methods=["POST"]),
        Route("/requests", requests), Route("/requests/new", create, methods=["GET"]),
        Route("/requests", create, methods=["POST"]), Route("/requests/{rid}", show),
        Route("/requests/{rid}/share", share, methods=["POST"]),
        Route("/requests/{rid}/links/{token}/revoke", revoke, methods=["POST"]),
        Route("/requests/{rid}/rerun", rerun, methods=["POST"]),
        Route("/requests/{rid}/edit", edit, methods=["GET", "POST"]),
        Route("/requests/{rid}/request.yaml", source), Route("/requests/{rid}/proof.html", proof_file),
        Route("/requests/{rid}/proof.zip", proof_zip), Route("/requests/{rid}/approved.zip", download),
        Route("/requests/{rid}/files/{rel:path}", files), Route("/s/{token}", merchant),
        Route("/s/{token}/decide", decide, methods=["POST"]), Route("/s/{token}/files/{rel:path}", merchant_files),
        Route("/s/{token}/approved.zip", merchant_zip), Route("/inbox", inbox),
        Route("/inbox/retry", retry, methods=["POST"]), Route("/fonts/{name}", font),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: refused},
                    middleware=[Middleware(HostCheck, hosts=served_hosts(config.listen, config.port, config.origin)),
                                Middleware(BodyLimit, limit=MAX_BODY),
                                Middleware(SessionMiddleware, secret_key=_secret(ws), same_site="strict",
                                           https_only=config.origin.startswith("https://"), max_age=SESSION_SECONDS)])
    app.state.store, app.state.runner, app.state.presets = store, runner, load_presets()
    return app


def renames_query(form: RequestForm) -> str:
    """The query telling the request page which photos were kept under another name (empty when none)."""
    pairs = [(k, v) for uploaded, kept in form.renamed for k, v in (("renamed", uploaded), ("as", kept))]
    return f"?{urlencode(pairs)}" if pairs else ""


def _csrf(request: Request) -> str:
    """The session's form token (made on first use); every form posts it back."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def _loopback_name(host: str) -> bool:
    """Whether a request's host name is one of this machine's loopback names (a link with it opens only here)."""
    return host in LOOPBACK_NAMES or f"[{host}]" in LOOPBACK_NAMES


def attachment(filename: str) -> dict[str, str]:
    """The header that downloads a response as ``filename``, any script (RFC 6266 with RFC 5987's ``filename*``):
    an ASCII name for old clients, the UTF-8 one for the rest. Headers carry Latin-1 only, so a campaign named
    双十一 cannot go into ``filename=`` as it is."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(c))  # é: e
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "_", plain).strip(" .") or "download"  # no quote, slash or control
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"}
