"""The studio's web app (Starlette, Jinja2 with autoescape): the route table over thin handlers (``operator``,
``merchant``), which call the service (``service``) that calls the same API as the command line.

Operators request banner sets and follow them, share a read-only proof link; merchants approve or ask for
changes per image, per platform or for the whole set; everyone downloads what was approved."""

from __future__ import annotations

from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from artpipe.defaults import settings
from artpipe.studio import merchant, operator
from artpipe.studio.hosts import HostCheck, served_hosts
from artpipe.studio.service import drafts
from artpipe.studio.service.context import NotFound, Refused, open_studio
from artpipe.studio.web import SESSION_SECONDS, BodyLimit, StudioConfig, Web, page_environment, secret, web_of
from artpipe.studio.workbench_routes import ROUTES as WORKBENCH

__all__ = ["ROUTES", "StudioConfig", "create_app"]

MAX_BODY = 400 * 1024 * 1024  # one request's photos and sheet together
POST, BOTH = ["POST"], ["GET", "POST"]

ROUTES = [
    Route("/", operator.home), Route("/login", operator.login, methods=BOTH),
    Route("/logout", operator.logout, methods=POST),
    Route("/requests", operator.listed), Route("/requests", operator.create, methods=POST),
    Route("/requests/new", operator.create), Route("/requests/{rid}", operator.show),
    Route("/requests/{rid}/edit", operator.edit, methods=BOTH),
    Route("/requests/{rid}/rerun", operator.rerun, methods=POST),
    Route("/requests/{rid}/share", operator.share, methods=POST),
    Route("/requests/{rid}/links/{token}/revoke", operator.revoke, methods=POST),
    Route("/requests/{rid}/request.yaml", operator.source),
    Route("/requests/{rid}/proof.html", operator.proof_file), Route("/requests/{rid}/proof.zip", operator.proof_zip),
    Route("/requests/{rid}/approved.zip", operator.approved_zip),
    Route("/requests/{rid}/files/{rel:path}", operator.files),
    Route("/inbox", operator.inbox), Route("/inbox/retry", operator.retry, methods=POST),
    Route("/fonts/{name}", operator.font),
    Route("/s/{token}", merchant.proof), Route("/s/{token}/decide", merchant.decide, methods=POST),
    Route("/s/{token}/approve-all", merchant.approve_all, methods=POST),
    Route("/s/{token}/files/{rel:path}", merchant.files), Route("/s/{token}/approved.zip", merchant.approved_zip),
    *WORKBENCH,
]


async def refused(request: Request, exc: Exception) -> Response:
    """An HTTP refusal (or the service's NotFound and Refused) as the studio's error page; a 303 to sign in."""
    code = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, Refused) else 500
    if isinstance(exc, HTTPException):
        if exc.status_code == 303:
            return RedirectResponse(exc.headers["Location"] if exc.headers else "/login", 303)
        code = exc.status_code
    message = exc.detail if isinstance(exc, HTTPException) else str(exc)
    return web_of(request).page(request, "error.html", code, message=message)


def create_app(config: StudioConfig) -> Starlette:
    """The studio for one workspace: its state opened (and migrated), requests a stopped studio left unfinished
    marked interrupted, abandoned drafts cleaned, then the routes behind the host check, the body limit and
    signed session cookies."""
    conf = settings().studio
    studio = open_studio(config.ws, page_environment(), config.jobs, config.executor)
    drafts.clean(studio, conf.draft_hours * 3600)
    middleware = [Middleware(HostCheck, hosts=served_hosts(config.listen, config.port, config.origin)),
                  Middleware(BodyLimit, limit=MAX_BODY),
                  Middleware(SessionMiddleware, secret_key=secret(config.ws), same_site="strict",
                             https_only=config.origin.startswith("https://"), max_age=SESSION_SECONDS)]
    app = Starlette(routes=list(ROUTES), middleware=middleware,
                    exception_handlers={HTTPException: refused, NotFound: refused, Refused: refused})
    app.state.web = Web(config, studio, CapacityLimiter(conf.signin_hashes_at_once))
    app.state.store, app.state.runner, app.state.presets = studio.store, studio.runner, studio.presets
    return app
