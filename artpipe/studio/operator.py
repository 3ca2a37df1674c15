"""The operators' pages: sign in, requests (list, new, change, render again, share, revoke), their files and
downloads, the inbox. Each handler parses, calls the service (in a thread when it reads or writes images) and
renders; the rules are in ``service``."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from pathlib import Path

from anyio import to_thread
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from artpipe.api import bundled_templates, inbox_status, linked_font, load_platforms, retry_failed
from artpipe.defaults import settings
from artpipe.paths import UnsafePath, command, inside
from artpipe.studio.forms import COLUMNS, ROWS, TEMPLATE_ROWS, RequestForm, is_renaming, renamed_note
from artpipe.studio.service import downloads
from artpipe.studio.service import requests as service
from artpipe.studio.service.context import Studio
from artpipe.studio.service.downloads import Download
from artpipe.studio.service.photos import workspace_photos
from artpipe.studio.service.requests import Returned
from artpipe.studio.store import Record
from artpipe.studio.users import verify_user
from artpipe.studio.web import SESSION_SECONDS, form_of, posted, renames_query, sent, web_of

PLATFORMS = tuple(load_platforms())  # the marketplaces presets.yaml lists, in its order


async def login(request: Request) -> Response:
    web = web_of(request)
    if request.method == "GET":
        return web.page(request, "login.html")
    form = await form_of(request)
    name, password = str(form.get("name", ""))[:200], str(form.get("password", ""))[:1024]
    wait_s = await run_in_threadpool(_attempt, request, name)
    if wait_s:
        return web.page(request, "login.html", 429, name=name,
                        error=f"Too many sign-in attempts; try again in {math.ceil(wait_s / 60)} min.")
    accounts = web.studio.accounts
    if not await to_thread.run_sync(verify_user, accounts, name, password, limiter=web.hashing):
        await asyncio.sleep(settings().studio.signin_delay_seconds)
        return web.page(request, "login.html", 401, error="Wrong name or password.", name=name)
    await run_in_threadpool(accounts.forgive, f"name:{name}")
    request.session.clear()
    request.session["user"] = name
    request.session["sid"] = await run_in_threadpool(accounts.open_session, name, SESSION_SECONDS)
    return RedirectResponse("/requests", 303)


def _attempt(request: Request, name: str) -> float:
    """Count a sign-in attempt; the seconds to wait when the address or the name is over its limit."""
    conf = settings().studio
    return web_of(request).studio.accounts.take_sign_in(
        request.client.host if request.client else "", name, conf.signin_attempts_per_address,
        conf.signin_attempts_per_name, conf.signin_window_seconds)


async def logout(request: Request) -> Response:
    web = web_of(request)
    await form_of(request)
    web.studio.accounts.end_session(str(request.session.get("sid", "")))
    request.session.clear()
    return RedirectResponse("/login" if web.studio.accounts.users() or web.config.needs_users else "/requests", 303)


async def home(request: Request) -> Response:
    return RedirectResponse("/requests", 303)


async def listed(request: Request) -> Response:
    web = web_of(request)
    return web.page(request, "requests.html", user=web.operator(request), records=web.studio.store.all())


def new_form(request: Request, form: RequestForm, code: int = 200, action: str = "/requests") -> Response:
    """The request form, filled in as ``form`` is (its errors beside their fields, its kept photos named)."""
    web = web_of(request)
    rows = form.rows + [{} for _ in range(max(0, ROWS - len(form.rows)))]
    slots = sorted((name, f"{p.title}, {p.width}x{p.height}") for name, p in web.studio.presets[0].items())
    chosen = [*form.templates.items()] + [("", "")] * max(0, TEMPLATE_ROWS - len(form.templates))
    brands = web.studio.ws.root / "brands"
    return web.page(request, "new.html", code, form=form, rows=rows, columns=COLUMNS, platforms=PLATFORMS,
                    brands=sorted(p.name for p in brands.glob("*.yaml")) if brands.is_dir() else [],
                    action=action, pickable=workspace_photos(web.studio.ws), slots=slots,
                    templates=sorted(bundled_templates()), chosen=chosen,
                    renamed=[renamed_note(a, b) for a, b in form.renamed])


async def create(request: Request) -> Response:
    web = web_of(request)
    who = web.operator(request)
    if request.method == "GET":
        return new_form(request, RequestForm())
    form = await form_of(request)
    loaded = form.get("request_yaml")
    if form.get("action") == "load" and isinstance(loaded, UploadFile) and loaded.filename:
        text = (await loaded.read(settings().yaml.max_bytes + 1)).decode("utf-8", errors="replace")
        await form.close()
        filled = service.form_of_file(text, loaded.filename)
        return new_form(request, filled, 400 if filled.errors else 200)
    done = await run_in_threadpool(service.create, web.studio, who, await posted(form))
    if isinstance(done, Returned):
        return new_form(request, done.form, 400)
    return RedirectResponse(f"/requests/{done.rid}{renames_query(done.renamed)}", 303)


async def edit(request: Request) -> Response:
    web = web_of(request)
    who = web.operator(request)
    record = web.studio.record(request.path_params["rid"])
    action = f"/requests/{record.id}/edit"
    if request.method == "GET":
        return new_form(request, service.form_of(web.studio, record), action=action)
    done = await run_in_threadpool(service.edit, web.studio, who, record, await posted(await form_of(request)))
    if isinstance(done, Returned):
        return new_form(request, done.form, 400, action=action)
    return RedirectResponse(f"/requests/{record.id}{renames_query(done.renamed)}", 303)


async def show(request: Request) -> Response:
    web = web_of(request)
    who = web.operator(request)
    record = web.studio.record(request.path_params["rid"])
    query = request.query_params
    renamed = [renamed_note(a, b) for a, b in zip(query.getlist("renamed"), query.getlist("as"), strict=False)
               if is_renaming(a, b)]
    return web.page(request, "request.html", user=who, record=record, proof=web.studio.proof(record),
                    links=service.links(web.studio, record), renamed=renamed, approved=web.studio.approval(record),
                    base=f"/requests/{record.id}/files", merchant=False, only_changed=query.get("changed") == "1")


async def share(request: Request) -> Response:
    web = web_of(request)
    who = web.operator(request)
    await form_of(request)
    record = web.studio.record(request.path_params["rid"])
    service.share(web.studio, who, record)
    return RedirectResponse(f"/requests/{record.id}#share", 303)


async def revoke(request: Request) -> Response:
    web = web_of(request)
    who = web.operator(request)
    await form_of(request)
    record = web.studio.record(request.path_params["rid"])
    if not service.revoke(web.studio, who, record, request.path_params["token"]):
        raise HTTPException(404, "No such link for this request.")
    return RedirectResponse(f"/requests/{record.id}#share", 303)


async def rerun(request: Request) -> Response:
    web = web_of(request)
    web.operator(request)
    await form_of(request)
    record = web.studio.record(request.path_params["rid"])
    service.rerun(web.studio, record)
    return RedirectResponse(f"/requests/{record.id}", 303)


def file_in(root: Path, rel: str) -> FileResponse:
    """A file of ``root`` named by a path from the address (none outside it)."""
    try:
        path = inside(root, rel)
    except UnsafePath:
        raise HTTPException(404, "No such file.") from None
    if not path.is_file():
        raise HTTPException(404, "No such file.")
    return FileResponse(path)


async def files(request: Request) -> Response:
    web = web_of(request)
    web.operator(request)
    return file_in(web.studio.root(web.studio.record(request.path_params["rid"])), request.path_params["rel"])


async def source(request: Request) -> Response:
    web = web_of(request)
    web.operator(request)
    return file_in(web.studio.ws.root / web.studio.record(request.path_params["rid"]).folder, "request.yaml")


def download(make: Callable[[Studio, Record], Download]) -> Callable[[Request], Awaitable[Response]]:
    """A handler handing out what ``make`` builds for the request named in the address (in a thread: it reads
    every image)."""
    async def handler(request: Request) -> Response:
        web = web_of(request)
        web.operator(request)
        return sent(await run_in_threadpool(make, web.studio, web.studio.record(request.path_params["rid"])))

    return handler


proof_file = download(downloads.proof_file)  # one HTML file with its images inside
proof_zip = download(downloads.proof_zip)  # its index page and the images
approved_zip = download(downloads.approved_zip)


async def inbox(request: Request) -> Response:
    web = web_of(request)
    who = web.operator(request)
    ws = web.studio.ws
    status = await run_in_threadpool(inbox_status, ws, recent_failures=50)
    return web.page(request, "inbox.html", user=who, status=status,
                    watch=command("artpipe", "watch", "--config", ws.root))


async def retry(request: Request) -> Response:
    web = web_of(request)
    web.operator(request)
    form = await form_of(request)
    failed = web.studio.ws.failed
    names = [str(n) for n in form.getlist("file")]
    await run_in_threadpool(retry_failed, web.studio.ws, [failed / n for n in names])  # outside failed/: refused
    return RedirectResponse("/inbox", 303)


async def font(request: Request) -> Response:
    """A page's font: a bundled one cut to the page's characters (named by its content: cached for good)."""
    data = await run_in_threadpool(linked_font, request.path_params["name"])
    if data is None:
        raise HTTPException(404, "No such font.")
    return Response(data, media_type="font/woff2", headers={"Cache-Control": "public, max-age=31536000, immutable"})
