"""The Templates page of the studio: a thin web layer over ``artpipe.workbench`` (through ``artpipe.api``). The
page posts the editor's text; every check and render runs in a thread (one at a time), never on the event loop."""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from anyio import CapacityLimiter, to_thread
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from artpipe.api import bench as wb
from artpipe.api import boxedit, samples, trial
from artpipe.defaults import settings
from artpipe.errors import ArtpipeError, ConfigError, InputError, Problem
from artpipe.paths import UnsafePath, inside
from artpipe.studio.forms import MAX_PHOTO_BYTES
from artpipe.studio.service import workbench as service
from artpipe.studio.web import web_of

LANGS = {"": "the field set's", "zh-Hans": "Chinese (simplified)", "ja": "Japanese", "ko": "Korean",
         "ar": "Arabic", "en": "English"}
MAX_BODY_BODY = 64 * 1024  # besides the text: the token, the sample's names, a box
MAX_UPLOAD = 400 * 1024 * 1024  # the studio's body limit (app.MAX_BODY): a PSD over it never arrives


def _trial_limiter(request: Request) -> CapacityLimiter:
    """The app's limiter for trial renders: one at a time, apart from the workbench's checks (made on first use)."""
    state = request.app.state
    if getattr(state, "trials_rendering", None) is None:
        state.trials_rendering = CapacityLimiter(1)
    limiter: CapacityLimiter = state.trials_rendering
    return limiter


def _limiter(request: Request) -> CapacityLimiter:
    """The app's one-at-a-time limiter for renders (made on first use, per app)."""
    state = request.app.state
    if getattr(state, "workbench_working", None) is None:
        state.workbench_working = CapacityLimiter(1)  # the studio's cores are shared with its render jobs
    limiter: CapacityLimiter = state.workbench_working
    return limiter


def _text_limit() -> int:
    """The largest template text the page takes (yaml.max_bytes)."""
    return settings().yaml.max_bytes


def _psd_limit() -> int:
    """The largest PSD the page takes (psd.max_file_bytes, within the studio's body limit)."""
    return min(settings().psd.max_file_bytes, MAX_UPLOAD)


async def _run(request: Request, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a thread, one at a time for the app (never on the event loop)."""
    return await to_thread.run_sync(fn, *args, limiter=_limiter(request))


def _too_large() -> HTTPException:
    text_limit = _text_limit()
    return HTTPException(413, f"The text is larger than {text_limit // 1024} KB, the limit for a template "
                              "(yaml.max_bytes in defaults.yaml); split it up.")


async def _form(request: Request, part_bytes: int, files: int = 0) -> FormData:
    """The posted form, refused when too large or when its token is not the session's."""
    length = request.headers.get("content-length", "")
    if not files and length.isdigit() and int(length) > part_bytes + MAX_BODY_BODY:
        raise _too_large()
    try:
        data = await request.form(max_files=files, max_fields=20, max_part_size=part_bytes)
    except HTTPException as exc:  # a field over the part size: said in words, not the parser's
        raise _too_large() from exc
    if not hmac.compare_digest(str(data.get("csrf", "")), str(request.session.get("csrf", ""))) \
            or not request.session.get("csrf"):
        await data.close()
        raise HTTPException(403, "This form has expired or came from another site; reload the page and try "
                                 "again.")
    return data


def _ref_of(root: Path, key: str) -> wb.TemplateRef:
    """The template ``key`` names; a 404 when there is none."""
    try:
        return wb.find_ref(root, key)
    except wb.WorkbenchError as exc:
        raise HTTPException(404, str(exc)) from None


def _choice(data: FormData) -> service.Choice:
    """The sample the operator chose on the form."""
    return service.Choice(str(data.get("product", "")), str(data.get("fields", "")), str(data.get("lang", "")))


def _answer(ref: wb.TemplateRef, checked: wb.Checked, started: float, **extra: Any) -> JSONResponse:
    """A check's problems and drawn sizes as the page reads them."""
    return JSONResponse({"problems": [_problem(p) for p in checked.problems],
                         "sizes": [_size(s) for s in checked.sizes],
                         "ms": round((time.perf_counter() - started) * 1000), "template": ref.key, **extra})


@dataclass(frozen=True)
class _Opened:
    """An operator's form on a template: the workspace's root, when it came, the template, the form, its text."""

    root: Path
    started: float
    ref: wb.TemplateRef
    data: FormData
    text: str


async def _opened(request: Request) -> _Opened:
    """The operator's posted form on a template (signed in, its token checked, its template found)."""
    web = web_of(request)
    web.operator(request)
    started = time.perf_counter()
    root = web.config.ws.root
    data = await _form(request, _text_limit() + 1)
    return _Opened(root, started, _ref_of(root, str(data.get("t", ""))), data, str(data.get("text", "")))


async def templates_page(request: Request) -> Response:
    """The page: the workspace's templates, the chosen one's text, the samples to draw it with."""
    web = web_of(request)
    root = web.config.ws.root
    who = web.operator(request)
    refs = await _run(request, wb.list_templates, root)
    key = request.query_params.get("t") or (refs[0].key if refs else "")
    ref = _ref_of(root, key) if key else None
    text = (await _run(request, ref.file.read_text, "utf-8")) if ref else ""
    return web.page(request, "workbench.html", user=who, refs=refs, ref=ref, text=text,
                    shown=wb.display_name(root, ref) if ref else "", products=samples.products(),
                    field_sets={k: v.label for k, v in samples.FIELD_SETS.items()}, langs=LANGS,
                    note=str(request.session.pop("workbench_note", ""))[:500], psd_mb=_psd_limit() // 2**20,
                    fields=service.field_names(ref, text) if ref else "")


async def check(request: Request) -> Response:
    """The posted text checked and drawn at every size."""
    o = await _opened(request)
    return _answer(o.ref, await _run(request, service.check_text, o.root, o.ref, o.text, _choice(o.data)), o.started)


async def save(request: Request) -> Response:
    """The posted text saved (under a new name when one is given), then checked."""
    o = await _opened(request)
    name = str(o.data.get("name", "")).strip() or None
    done = await _run(request, service.save_text, o.root, o.ref, o.text, name, _choice(o.data))
    return _answer(done.ref, done.checked, o.started, saved=done.saved, message=done.message)


def _box_of(data: FormData) -> tuple[int, ...]:
    try:
        return tuple(int(float(str(data.get(k, "")))) for k in ("x", "y", "w", "h"))
    except ValueError:
        raise HTTPException(400, "A box is x, y, w and h in the size's pixels.") from None


async def box(request: Request) -> Response:
    """A layer's box moved on one size: the template's new text, or why it cannot be."""
    o = await _opened(request)
    shown = wb.display_name(o.root, o.ref)
    try:
        edited = await _run(request, wb.move_box, o.ref, o.text, shown, str(o.data.get("size", "")),
                            str(o.data.get("layer", "")), _box_of(o.data))
    except ConfigError as exc:
        return JSONResponse({"problems": [_problem(p) for p in exc.problems]}, 400)
    except boxedit.BoxEditError as exc:
        return JSONResponse({"problems": [_problem(Problem(shown, 0, 0, "", str(exc)))]}, 400)
    return JSONResponse({"text": edited})


async def import_psd(request: Request) -> Response:
    """A PSD or PSB uploaded and imported as a new template."""
    web = web_of(request)
    web.operator(request)
    length, limit = request.headers.get("content-length", ""), _psd_limit()
    if length.isdigit() and int(length) > limit + MAX_BODY_BODY:
        return _back(request, f"The file is larger than {limit // 2**20} MB (psd.max_file_bytes); save a "
                              "smaller file")
    data = await _form(request, 64 * 1024, files=1)
    upload = data.get("psd")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _back(request, "Choose a PSD or PSB file to import.")
        name = str(data.get("name", "")).strip() or wb.name_of_upload(upload.filename)
        wb.valid_name(name)
        done = await _import_upload(request, upload, name, limit)
    except InputError as exc:
        return _back(request, f"{upload.filename if isinstance(upload, UploadFile) else 'the file'}: {exc.reason}: "
                     f"{exc.message}")
    except (wb.WorkbenchError, ArtpipeError) as exc:
        return _back(request, f"Not imported: {str(exc).splitlines()[0]}")
    finally:
        await data.close()
    if done is None:
        return _back(request, f"{upload.filename}: larger than {limit // 2**20} MB (psd.max_file_bytes); save a "
                              "smaller file")
    return _back(request, f"Imported {upload.filename} as templates/{name} ({done.summary}).", done.ref.key)


async def _import_upload(request: Request, upload: UploadFile, name: str, limit: int) -> wb.Imported | None:
    """``upload`` spooled to the studio's state and imported as template ``name``; None when over ``limit``."""
    assert upload.filename is not None
    web = web_of(request)
    suffix = ".psb" if upload.filename.lower().endswith(".psb") else ".psd"
    # named as the template will be: the import names the template and its report after the file
    spool = web.config.ws.state / "workbench" / secrets.token_hex(8) / f"{name}{suffix}"
    try:
        if not await _copy(upload, spool, limit):
            return None
        imported: wb.Imported = await _run(request, wb.import_design, web.config.ws.root, spool, name)
        return imported
    finally:
        spool.unlink(missing_ok=True)
        spool.parent.rmdir()


async def _uploads(data: FormData) -> tuple[list[trial.Upload], trial.Upload | None, list[str]]:
    """A trial form's photos and sheet as read (each photo within its limit), and what was refused."""
    photos, sheet, problems = [], None, []
    for item in data.getlist("photos"):
        if isinstance(item, UploadFile) and item.filename:
            raw = await item.read(MAX_PHOTO_BYTES + 1)
            if len(raw) > MAX_PHOTO_BYTES:
                problems.append(f"{item.filename}: larger than {MAX_PHOTO_BYTES // 2**20} MB")
            photos.append(trial.Upload(item.filename, raw))
    given = data.get("sheet")
    if isinstance(given, UploadFile) and given.filename:
        sheet = trial.Upload(given.filename, await given.read(settings().sheet.max_bytes + 1))
    return photos, sheet, problems


async def try_out(request: Request) -> Response:
    """The template rendered with the operator's own photos (and sheet) into a trial run."""
    web = web_of(request)
    root = web.config.ws.root
    web.operator(request)
    data = await _form(request, 64 * 1024, files=trial.MAX_PHOTOS + 1)
    try:
        ref = _ref_of(root, str(data.get("t", "")))
        photos, sheet, problems = await _uploads(data)
    finally:
        await data.close()
    if problems:
        return _back(request, "Not rendered: " + "; ".join(problems), ref.key)
    try:
        written = await _run(request, trial.write_trial, root, ref, photos, sheet)
    except trial.TrialError as exc:
        return _back(request, "Not rendered: " + "; ".join(exc.problems[:8]), ref.key)
    except ConfigError as exc:
        return _back(request, f"Not rendered: {str(exc).splitlines()[0]}", ref.key)
    # rendered after the answer is sent, in a thread of its own: the page that asked, and every check and
    # re-render of the workbench meanwhile, never wait for a trial of sixty products
    limiter, jobs = _trial_limiter(request), web.config.jobs

    async def render() -> None:
        await to_thread.run_sync(trial.finish_trial, written, jobs, limiter=limiter)

    return RedirectResponse(f"/templates/runs/{written.id}", 303, background=BackgroundTask(render))


async def run_page(request: Request) -> Response:
    """A trial run's images."""
    web = web_of(request)
    root = web.config.ws.root
    who = web.operator(request)
    folder = trial.trial_folder(root, request.path_params["run"])
    if folder is None:
        raise HTTPException(404, "No such run.")
    images = await _run(request, trial.trial_images, folder)
    status = await _run(request, trial.trial_status, folder)
    return web.page(request, "trial.html", user=who, run=folder.name, images=images,
                    note=service.trial_note(status), rendering=status.state == trial.TrialState.RENDERING,
                    where=folder.relative_to(root).as_posix())


async def run_file(request: Request) -> Response:
    """One file of a trial run's output."""
    web = web_of(request)
    web.operator(request)
    folder = trial.trial_folder(web.config.ws.root, request.path_params["run"])
    try:
        path = inside(folder / trial.OUT, request.path_params["rel"]) if folder else None
    except UnsafePath:
        path = None
    if path is None or not path.is_file():
        raise HTTPException(404, "No such file.")
    return FileResponse(path)


async def _copy(upload: UploadFile, target: Path, limit: int) -> bool:
    """Copy an upload to ``target`` (a spool file the import reads) in chunks; False when it is over ``limit``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    seen = 0
    with target.open("wb") as out:  # a scratch copy, removed after the import: not an output of artpipe's
        while chunk := await upload.read(1024 * 1024):
            seen += len(chunk)
            if seen > limit:
                return False
            await to_thread.run_sync(out.write, chunk)
    return True


def _json_errors(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` answering a refusal (too large, an expired form, no such template) as JSON the page shows
    beside the text; a sign-in redirect stays a redirect."""
    async def answered(request: Request) -> Response:
        try:
            return await handler(request)
        except HTTPException as exc:
            if exc.status_code == 303:
                raise
            return JSONResponse({"problems": [{"line": 0, "col": 0, "where": "", "what": exc.detail, "hint": "",
                                               "text": exc.detail}]}, exc.status_code)
    return answered


def _back(request: Request, note: str, key: str = "") -> Response:
    """Back to the Templates page (on template ``key``), saying ``note`` there once (kept in the session, so no
    address can put words on the page)."""
    request.session["workbench_note"] = note[:500]
    return RedirectResponse(f"/templates?{urlencode({'t': key})}" if key else "/templates", 303)


def _problem(p: Problem) -> dict[str, Any]:
    return {"line": p.line, "col": p.col, "where": p.where, "what": p.what, "hint": p.hint, "text": str(p)}


def _size(s: wb.SizeView) -> dict[str, Any]:
    return {"name": s.name, "width": s.width, "height": s.height, "scale": s.scale,
            "png": "data:image/png;base64," + base64.b64encode(s.png).decode("ascii"),
            "layers": [{"name": v.name, "type": v.type, "x": v.x, "y": v.y, "w": v.w, "h": v.h, "aspect": v.aspect,
                        "note": v.note, "covers": v.covers} for v in s.layers]}


POST = ["POST"]

# The Templates page's routes; each handler reaches its studio through ``web_of(request)``.
ROUTES = [
    Route("/templates", templates_page),
    Route("/templates/try", try_out, methods=POST), Route("/templates/runs/{run}", run_page),
    Route("/templates/runs/{run}/files/{rel:path}", run_file),
    Route("/templates/check", _json_errors(check), methods=POST),
    Route("/templates/save", _json_errors(save), methods=POST),
    Route("/templates/box", _json_errors(box), methods=POST),
    Route("/templates/import", import_psd, methods=POST),
]
