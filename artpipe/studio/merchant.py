"""The merchant's pages, reached through a link: the proof, a decision on one image or approval of every image
(of one platform or the whole set), the images and the approved set. The rules are in ``service.approval``."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from artpipe.studio.operator import file_in
from artpipe.studio.service import approval, downloads
from artpipe.studio.service.approval import Decided
from artpipe.studio.web import form_of, sent, web_of


async def proof(request: Request) -> Response:
    web = web_of(request)
    token = request.path_params["token"]
    record = web.studio.linked(token)
    shown = web.studio.proof(record)
    return web.page(request, "request.html", record=record, proof=shown, links=[],
                    approved=web.studio.approval(record), base=f"/s/{token}/files", merchant=True, token=token,
                    platforms=approval.platforms(shown), only_changed=request.query_params.get("changed") == "1")


async def files(request: Request) -> Response:
    web = web_of(request)
    return file_in(web.studio.root(web.studio.linked(request.path_params["token"])), request.path_params["rel"])


async def approved_zip(request: Request) -> Response:
    web = web_of(request)
    record = web.studio.linked(request.path_params["token"])
    return sent(await run_in_threadpool(downloads.approved_zip, web.studio, record))


async def decide(request: Request) -> Response:
    """One image approved, or changes asked for it."""
    web = web_of(request)
    token = request.path_params["token"]
    record = web.studio.linked(token)
    form = await form_of(request)
    output = str(form.get("output", ""))
    decided = approval.one(str(form.get("name", "")), str(form.get("state", "")), output,
                           str(form.get("comment", "")))
    return await _decided(request, record.id, decided, f"/s/{token}#{output}")


async def approve_all(request: Request) -> Response:
    """Every image not approved yet, of one platform (``platform``) or of the whole set."""
    web = web_of(request)
    token = request.path_params["token"]
    record = web.studio.linked(token)
    form = await form_of(request)
    decided = approval.every(web.studio.proof(record), str(form.get("name", "")), str(form.get("platform", "")))
    return await _decided(request, record.id, decided, f"/s/{token}")


async def _decided(request: Request, rid: str, decided: Decided, then: str) -> Response:
    web = web_of(request)
    if not decided.name:
        raise HTTPException(400, "Write your name and choose approve or ask for changes for an image of this proof.")
    request.session["merchant_name"] = decided.name
    record = web.studio.record(rid)
    await run_in_threadpool(approval.decide, web.studio, record, decided, request.path_params["token"][:8])
    return RedirectResponse(then, 303)
