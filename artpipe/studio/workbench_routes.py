"""The Templates page of the studio: a thin web layer over ``artpipe.workbench`` (through ``artpipe.api``). The
page posts the editor's text; every check and render runs in a thread (one at a time), never on the event loop."""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
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


def _trial_note(status: trial.TrialStatus) -> str:
    """A trial's state in words, for its page."""
    if status.state == trial.TrialState.RENDERING:
        return "Rendering every size of every product; this page shows the images as they come."
    if status.state == trial.TrialState.FAILED:
        return f"Not rendered: {status.error}"
    return (f"Rendered {status.outputs} images from {status.ok} of {status.products} products in "
            f"{status.seconds:.1f} s" + (f"; {status.failed} failed (see report.json)." if status.failed else "."))


def _limiter(request: Request) -> CapacityLimiter:
    """The app's one-at-a-time limiter for renders (made on first use, per app)."""
    state = request.app.state
    if getattr(state, "workbench_working", None) is None:
        state.workbench_working = CapacityLimiter(1)  # the studio's cores are shared with its render jobs
    limiter: CapacityLimiter = state.workbench_working
    return limiter


def _routes() -> list[Route]:
    """The Templates page's routes; each handler reaches its studio through ``web_of(request)``."""
    text_limit = settings().yaml.max_bytes
    psd_limit = min(settings().psd.max_file_bytes, MAX_UPLOAD)

    async def run(request: Request, fn: Callable[..., Any], *args: Any) -> Any:
        return await to_thread.run_sync(fn, *args, limiter=_limiter(request))

    async def form(request: Request, part_bytes: int, files: int = 0) -> FormData:
        length = request.headers.get("content-length", "")
        if not files and length.isdigit() and int(length) > part_bytes + MAX_BODY_BODY:
            raise HTTPException(413, f"The text is larger than {text_limit // 1024} KB, the limit for a template "
                                     "(yaml.max_bytes in defaults.yaml); split it up.")
        try:
            data = await request.form(max_files=files, max_fields=20, max_part_size=part_bytes)
        except HTTPException as exc:  # a field over the part size: said in words, not the parser's
            raise HTTPException(413, f"The text is larger than {text_limit // 1024} KB, the limit for a template "
                                     "(yaml.max_bytes in defaults.yaml); split it up.") from exc
        if not hmac.compare_digest(str(data.get("csrf", "")), str(request.session.get("csrf", ""))) \
                or not request.session.get("csrf"):
            await data.close()
            raise HTTPException(403, "This form has expired or came from another site; reload the page and try "
                                     "again.")
        return data

    def ref_of(root: Path, key: str) -> wb.TemplateRef:
        try:
            return wb.find_ref(root, key)
        except wb.WorkbenchError as exc:
            raise HTTPException(404, str(exc)) from None

    async def templates_page(request: Request) -> Response:
        web = web_of(request)
        root = web.config.ws.root
        who = web.operator(request)
        refs = await run(request, wb.list_templates, root)
        key = request.query_params.get("t") or (refs[0].key if refs else "")
        ref = ref_of(root, key) if key else None
        text = (await run(request, ref.file.read_text, "utf-8")) if ref else ""
        try:
            fields = ", ".join(n for n in wb.load_text(ref, text, "").fields if n != "product") if ref else ""
        except ConfigError:
            fields = "the template's fields"
        return web.page(request, "workbench.html", user=who, refs=refs, ref=ref, text=text,
                    shown=wb.display_name(root, ref) if ref else "", products=samples.products(),
                    field_sets={k: v.label for k, v in samples.FIELD_SETS.items()}, langs=LANGS,
                    note=str(request.session.pop("workbench_note", ""))[:500], psd_mb=psd_limit // 2**20,
                    fields=fields)

    def answer(ref: wb.TemplateRef, checked: wb.Checked, started: float, **extra: Any) -> JSONResponse:
        return JSONResponse({"problems": [_problem(p) for p in checked.problems],
                             "sizes": [_size(s) for s in checked.sizes],
                             "ms": round((time.perf_counter() - started) * 1000), "template": ref.key, **extra})

    async def checked_form(request: Request) -> tuple[wb.TemplateRef, FormData, str]:
        root = web_of(request).config.ws.root
        data = await form(request, text_limit + 1)
        ref = ref_of(root, str(data.get("t", "")))
        return ref, data, str(data.get("text", ""))

    def sample_of(root: Path, ref: wb.TemplateRef, data: FormData, text: str) -> samples.Sample:
        try:
            fields: Mapping[str, Any] = wb.load_text(ref, text, wb.display_name(root, ref)).fields
        except ConfigError:
            fields = {}
        return samples.sample_for(fields, str(data.get("product", "")), str(data.get("fields", "")),
                          str(data.get("lang", ""))[:20])

    def check_now(root: Path, ref: wb.TemplateRef, data: FormData, text: str) -> wb.Checked:
        return wb.check(ref, text, wb.display_name(root, ref), sample_of(root, ref, data, text))

    async def opened(request: Request) -> tuple[Path, float, wb.TemplateRef, FormData, str]:
        """An operator's form on a template: the workspace's root, when it came, the template and the text."""
        web = web_of(request)
        web.operator(request)
        started = time.perf_counter()
        ref, data, text = await checked_form(request)
        return web.config.ws.root, started, ref, data, text

    async def check(request: Request) -> Response:
        root, started, ref, data, text = await opened(request)
        return answer(ref, await run(request, check_now, root, ref, data, text), started)

    async def save(request: Request) -> Response:
        root, started, ref, data, text = await opened(request)
        name = str(data.get("name", "")).strip() or None
        try:
            saved = await run(request, wb.save, root, ref, text, wb.display_name(root, ref), name)
        except ConfigError as exc:
            checked = wb.Checked(exc.problems)
            return answer(ref, checked, started, saved="", message=f"Not saved: {len(exc.problems)} problem(s); "
                          "fix them and save again.")
        except wb.WorkbenchError as exc:
            return answer(ref, wb.Checked(()), started, saved="", message=f"Not saved: {exc}")
        checked = await run(request, check_now, root, saved, data, text)
        return answer(saved, checked, started, saved=saved.key,
                      message=f"Saved {wb.display_name(root, saved)}.")

    async def box(request: Request) -> Response:
        web = web_of(request)
        root = web.config.ws.root
        web.operator(request)
        ref, data, text = await checked_form(request)
        try:
            rect = tuple(int(float(str(data.get(k, "")))) for k in ("x", "y", "w", "h"))
        except ValueError:
            raise HTTPException(400, "A box is x, y, w and h in the size's pixels.") from None
        try:
            edited = await run(request, wb.move_box, ref, text, wb.display_name(root, ref), str(data.get("size", "")),
                               str(data.get("layer", "")), rect)
        except ConfigError as exc:
            return JSONResponse({"problems": [_problem(p) for p in exc.problems]}, 400)
        except boxedit.BoxEditError as exc:
            return JSONResponse({"problems": [_problem(Problem(wb.display_name(root, ref), 0, 0, "", str(exc)))]},
                                400)
        return JSONResponse({"text": edited})

    async def import_psd(request: Request) -> Response:
        web = web_of(request)
        root = web.config.ws.root
        web.operator(request)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > psd_limit + MAX_BODY_BODY:
            return _back(request, f"The file is larger than {psd_limit // 2**20} MB (psd.max_file_bytes); save a "
                                  "smaller file")
        data = await form(request, 64 * 1024, files=1)
        upload = data.get("psd")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                return _back(request, "Choose a PSD or PSB file to import.")
            name = str(data.get("name", "")).strip() or wb.name_of_upload(upload.filename)
            wb.valid_name(name)
            suffix = ".psb" if upload.filename.lower().endswith(".psb") else ".psd"
            # named as the template will be: the import names the template and its report after the file
            spool = web.config.ws.state / "workbench" / secrets.token_hex(8) / f"{name}{suffix}"
            try:
                copied = await _copy(upload, spool, psd_limit)
                if not copied:
                    return _back(request, f"{upload.filename}: larger than {psd_limit // 2**20} MB "
                                          "(psd.max_file_bytes); save a smaller file")
                done = await run(request, wb.import_design, root, spool, name)
            finally:
                spool.unlink(missing_ok=True)
                spool.parent.rmdir()
        except InputError as exc:
            return _back(request, f"{upload.filename if isinstance(upload, UploadFile) else 'the file'}: {exc.reason}: "
                         f"{exc.message}")
        except (wb.WorkbenchError, ArtpipeError) as exc:
            return _back(request, f"Not imported: {str(exc).splitlines()[0]}")
        finally:
            await data.close()
        return _back(request, f"Imported {upload.filename} as templates/{name} ({done.summary}).", done.ref.key)

    async def try_out(request: Request) -> Response:
        web = web_of(request)
        root = web.config.ws.root
        web.operator(request)
        data = await form(request, 64 * 1024, files=trial.MAX_PHOTOS + 1)
        try:
            ref = ref_of(root, str(data.get("t", "")))
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
        finally:
            await data.close()
        if problems:
            return _back(request, "Not rendered: " + "; ".join(problems), ref.key)
        try:
            written = await run(request, trial.write_trial, root, ref, photos, sheet)
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
        web = web_of(request)
        root = web.config.ws.root
        who = web.operator(request)
        folder = trial.trial_folder(root, request.path_params["run"])
        if folder is None:
            raise HTTPException(404, "No such run.")
        images = await run(request, trial.trial_images, folder)
        status = await run(request, trial.trial_status, folder)
        return web.page(request, "trial.html", user=who, run=folder.name, images=images, note=_trial_note(status),
                        rendering=status.state == trial.TrialState.RENDERING,
                        where=folder.relative_to(root).as_posix())

    async def run_file(request: Request) -> Response:
        web = web_of(request)
        root = web.config.ws.root
        web.operator(request)
        folder = trial.trial_folder(root, request.path_params["run"])
        try:
            path = inside(folder / trial.OUT, request.path_params["rel"]) if folder else None
        except UnsafePath:
            path = None
        if path is None or not path.is_file():
            raise HTTPException(404, "No such file.")
        return FileResponse(path)

    return [Route("/templates", templates_page),
            Route("/templates/try", try_out, methods=["POST"]), Route("/templates/runs/{run}", run_page),
            Route("/templates/runs/{run}/files/{rel:path}", run_file),
            Route("/templates/check", _json_errors(check), methods=["POST"]),
            Route("/templates/save", _json_errors(save), methods=["POST"]),
            Route("/templates/box", _json_errors(box), methods=["POST"]),
            Route("/templates/import", import_psd, methods=["POST"])]


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


ROUTES = _routes()
