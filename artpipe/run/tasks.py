"""What one worker does with one input: render a product into all its outputs, or normalize a file.

Both decode the input once, never raise for an expected failure (the outcome says what went wrong),
and write every output atomically. An output is made by the steps

    OUTPUT = (render_canvas, fit_within_budget, write_file, check_file)

each taking and returning an ``Output``; a failed step ends the output with its reason.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from artpipe.cutout import Isolate
from artpipe.defaults import Settings, settings
from artpipe.errors import InputError, RenderError
from artpipe.files import write_atomic
from artpipe.heap import give_back, given_back_past, use_heap
from artpipe.imaging.analyze import shrunk
from artpipe.imaging.budget import Budget, BudgetError, Landed, encode_within
from artpipe.imaging.checks import CheckResult, check_bytes, num
from artpipe.imaging.copies import Copies, printed_copies
from artpipe.imaging.cutouts import Cutout
from artpipe.imaging.decoding import decode, reduced_side
from artpipe.imaging.derived import derived
from artpipe.imaging.encode import EncodeOptions, encode, flatten
from artpipe.imaging.formats import BY_NAME, SPELLINGS, suffix
from artpipe.imaging.geometry import Fitted
from artpipe.imaging.isolate import Isolation
from artpipe.imaging.matting import WORK_SIDE, work_copy, work_size
from artpipe.imaging.morphology import holes_filled
from artpipe.imaging.normalize import Asset, NormalizeOptions, isolate_copy, model_copy, normalize, product_mask
from artpipe.imaging.open import Decoded, open_image
from artpipe.lettering import Lettering
from artpipe.presets import Preset, slot_of
from artpipe.products import Product
from artpipe.reasons import Note, Reason, WarningKind
from artpipe.report.results import Encoded, Failure, FileResult, OutputCheck, OutputResult, ProductResult, Status
from artpipe.run.assetcache import asset_key, load_cached, save_cached
from artpipe.run.jobs import RenderSpec, Task
from artpipe.run.render import Rendered, render
from artpipe.template.model import Template
from artpipe.text.fonts import get_font, system_fonts
from artpipe.workcache import use_image_blocks, worker_cache

if TYPE_CHECKING:
    from artpipe.imaging.textfind import TextBox


def load_asset(path: Path, boxes: tuple[Fitted, ...] = (), cache: Path | None = None,
               isolation: Isolate | None = None, text: bool = False) -> Asset:
    """Safe-open and normalize one file (InputError when it is rejected).

    ``boxes``: every box the picture is drawn into; a large JPEG is decoded only as large as they need (see
    decoding.py).
    ``cache``: a folder of normalized photos to reuse and fill (see assetcache.py). ``isolation``: how the
    product is cut out (not at all by default: a logo or a template's own file). ``text``: its text will be
    looked for (a preset refuses text): on the model path, the detector then runs on the copy the model ran
    on, before the full-size decode (``_isolated_first``)."""
    isolation = isolation or Isolate(Cutout.NEVER)
    key = asset_key(path, repr(boxes), f"{isolation.mode}|{isolation.model}|{'text' if text else ''}") \
        if cache is not None and path.is_file() else None
    if cache is not None and key is not None:
        hit = load_cached(cache, key, str(path))
        if hit is not None:
            return hit
    options = NormalizeOptions(cutout=isolation.mode, model=isolation.model)
    rules = settings()  # read here, once per photo, and handed to every step
    first = _isolated_first(path, options, rules, text)  # before the full-size decode, which it must not meet
    asset = normalize(decode(path, boxes, rules.analyze), options, first.isolated if first else None, rules=rules)
    if first is not None:
        asset = _with_early_work(asset, first)
    if cache is not None and key is not None:
        save_cached(cache, key, asset)
    return asset


@dataclass(frozen=True)
class _First:
    """What the model path made of a large JPEG before its full-size decode: the isolation, the analysis copy
    it was made on and, when the photo's text is looked for, the detector's map of that copy."""

    isolated: Isolation
    small: Image.Image
    text_map: Image.Image | None = None


def _isolated_first(path: Path, options: NormalizeOptions, rules: Settings, text: bool = False) -> _First | None:
    """The model path's isolation of a large JPEG made on a reduced decode (its analysis copy) before the photo
    is decoded in full, the reduced decode let go before the model runs: the model's working memory then
    never coexists with the full-size photo (see normalize.model_copy). With ``text``, the text detector runs
    on the same copy for the same reason (its map is as good from 1024 px as from the photo: it looks at
    640). None: the photo is isolated as a whole (a cut-out, the colour path, no model, a small photo or not a
    JPEG)."""
    side = reduced_side(path, WORK_SIDE) if options.cutout != Cutout.NEVER else None
    if side is None:
        return None
    give_back()  # what the worker's last photo freed, before this one's reduced decode and its model's run
    try:
        small = model_copy(open_image(path, draft_side=side), options.cutout, rules)
    except InputError:  # the full decode that follows says what is wrong with the file
        return None
    if small is None:
        return None
    isolated = isolate_copy(small, options.model, rules=rules)
    if not text:
        return _First(isolated, small)
    from artpipe.imaging.textfind import probability  # onnxruntime only where text is refused

    give_back()  # what the model's run and isolating freed, so the detector's buffers do not stack on it
    text_map = Image.fromarray(probability(small), "F")
    give_back()  # the detector's arena, given back to the heap as its run ended, before the full-size decode
    return _First(isolated, small, text_map)


def _with_early_work(asset: Asset, first: _First) -> Asset:
    """``asset`` with what was made before its full-size decode, while the photo keeps the copy's frame (the
    copy the size the photo's own would have). The text detector's map of the copy becomes the photo's. The
    analysis copy the model's mask was made on serves as the photo's work copy (matting.work_copy) when the mask
    was taken as made: a drawn cut-out takes its edge colours and visible box from it (the colours then come
    from the pixels the mask was fitted to, and the 12 MP photo is not reduced again: 16 ms)."""
    small = first.small
    if small.size != work_size(asset.image.size):
        return asset
    if asset.mask is first.isolated.mask:
        derived(asset.image, "work-copy", lambda: small)
        # what isolating made of the copy (its own work copy, arrays, regions) goes as it would with the copy
        worker_cache().derived.let_go(small)
    return replace(asset, text_map=first.text_map) if first.text_map is not None else asset


def template_assets(template: Template, files: Mapping[str, str] | None = None) -> dict[str, Asset]:
    """The template's own images (logo, background), decoded once per process; its fonts are not images.
    ``files``: where to read files named by absolute path instead (a shipped task's copies); a problem names
    the file as the template does, never the copy."""
    out = {}
    for name in template.images:
        path = Path((files or {}).get(name, name))
        try:
            out[f"file:{name}"] = worker_cache().picture(path, "", partial(load_asset, path))
        except OSError as exc:
            raise InputError(name, "missing", f"cannot read it ({exc.strerror or exc})") from None
        except InputError as exc:
            raise InputError(name, exc.reason, exc.message) from None
    return out


def peak_rss_mb() -> float:
    """The most memory this process has held so far (the worker's high-water mark). On Linux from
    /proc/self/status: getrusage's figure carries over the memory of the process a worker was started from."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux and BSD report KiB


def _low_resolution(rendered: Rendered, preset: Preset) -> list[CheckResult]:
    """The preset's ``low_resolution`` rule, judged while rendering: how much the product was enlarged."""
    rule = preset.rule("low_resolution")
    if rule is None or not rendered.upscale:
        return []
    most = float(rule.params.get("max_upscale", 2))
    ok = round(rendered.upscale, 1) <= most  # judged on the number the check shows: "2.0x" is within "<= 2x"
    measured = f"the product was enlarged {rendered.upscale:.1f}x" + ("" if ok else
                                                                     ": send a larger photo of the product")
    return [CheckResult("low_resolution", ok, measured, f"<= {num(most)}x", rule.source, rule.confidence)]


def filled(mask: Image.Image) -> Image.Image:
    """``mask`` with its holes filled (at up to 1024 px): white letters printed on a bag match a white backdrop
    and may have been cleared as holes, yet they lie inside the product's silhouette."""
    import numpy as np

    small = shrunk(mask, 1024)
    whole = holes_filled(np.asarray(small) >= 128)
    out = Image.fromarray(whole.astype(np.uint8) * 255, "L")
    return out.resize(mask.size, Image.Resampling.BILINEAR) if out.size != mask.size else out


def photo_text(source: Asset) -> tuple[TextBox, ...]:
    """The text in a product photo, judged against its product (found once per photo, however many slots ask):
    the model's mask, a cut-out's alpha, the colour path's product (what is not backdrop), or no mask when the
    product was not isolated (then every text is judged by its words)."""
    def find() -> tuple[TextBox, ...]:
        import numpy as np

        from artpipe.imaging.textfind import finder_rules, text_findings  # onnxruntime only where text is refused

        mask = product_mask(source, settings().analyze.backdrop_tolerance)
        seen = np.asarray(source.text_map) if source.text_map is not None else None
        if seen is None:
            give_back()  # the detector runs now, beside the decoded photo: nothing freed stacks under it
        return text_findings(flatten(source.image, (255, 255, 255)) if source.image.mode == "RGBA"
                             else source.image, filled(mask) if mask is not None else None, rules=finder_rules(),
                             seen=seen)

    return derived(source.image, "photo-text", find)


def _rule_result(preset: Preset, kind: str, ok: bool, measured: str, limit: str) -> list[CheckResult]:
    """The result of ``preset``'s rule ``kind`` judged while rendering; none when the preset has no such rule."""
    rule = preset.rule(kind)
    if rule is None:
        return []
    return [CheckResult(kind, ok, measured, limit, rule.source, rule.confidence)]


def _source_rules(source: Asset | None, preset: Preset, sold_as_set: bool = False) -> list[CheckResult]:
    """The rules only the source photo can judge (see docs/presets.md): the product cut by the photo's frame
    (``whole_product``), a cut-out the review doubts (``uncertain_cutout``), several separate products
    (``one_subject``)."""
    review = source.review if source is not None else None
    cut = review.cut if review is not None else ()
    out = _rule_result(preset, "whole_product", not cut, "what was isolated (the product, or the model wearing it) "
                       f"runs out of the photo at the {' and '.join(cut)}: use a photo that shows the whole product"
                       if cut else "the whole product is in the photo", "the product entirely in frame")
    if source is not None and source.isolation == "none" and Note(WarningKind.UNCERTAIN_CUTOUT) in source.warnings:
        doubts = "; ".join(review.doubts) if review is not None else "the cut-out is uncertain"
        out += _rule_result(preset, "uncertain_cutout", False, f"needs a retoucher: {doubts}",
                            "a cut-out artpipe is sure of")
    elif review is not None:
        ok = not review.uncertain
        out += _rule_result(preset, "uncertain_cutout", ok, "the cut-out follows the product" if ok else
                            f"needs a retoucher: {'; '.join(review.doubts)}", "a cut-out artpipe is sure of")
    if source is not None and preset.rule("no_text") is not None:
        failing = [t for t in photo_text(source) if t.fails]
        out += _rule_result(preset, "no_text", not failing, "; ".join(t.why for t in failing[:3]) +
                            (f" and {len(failing) - 3} more" if len(failing) > 3 else "") if failing else
                            "no text in the photo but what is printed on the product",
                            "no caption, watermark, web address, price or promotion in the photo")
    if preset.rule("one_subject") is not None:
        out += _one_subject(source, preset, sold_as_set)
    return out


def _one_subject(source: Asset | None, preset: Preset, sold_as_set: bool) -> list[CheckResult]:
    """Tmall's one-subject rule: the separate pieces of the cut-out, the products its largest piece shows by its
    outline (crossing or leaning: bodies.py) and the copies its printed labels show (copies.py)."""
    review = source.review if source is not None else None
    pieces = review.pieces if review is not None else 1
    crossing = review.bodies if review is not None else 1
    by_outline = pieces + max(0, crossing - 1)
    printed = printed_copies(photo_text(source)) if source is not None else Copies()
    shown = max(by_outline, printed.count)
    if shown <= 1:
        measured = "one product"
    elif printed.count > by_outline:
        words = ", ".join(repr(w) for w in printed.words[:3])
        measured = f"{shown} products: one label ({words}) is printed {shown} times"
    elif crossing > 1:
        measured = f"{shown} products: {crossing} of them in one piece, crossing or leaning on each other"
    else:
        measured = f"{pieces} separate products"
    if shown > 1 and sold_as_set:
        measured += ", a set sold together (subjects: set)"
    return _rule_result(preset, "one_subject", shown <= 1 or sold_as_set, measured,
                        "one product (a set sold together: say so with subjects: set)")


def _preset_canvas(preset: Preset | None) -> dict[str, Any]:
    """render() options for a preset (see presets.Slot); none without one."""
    return slot_of(preset).render_options() if preset is not None else {}


def _preset_encoding(options: EncodeOptions, preset: Preset, size: tuple[int, int]) -> EncodeOptions:
    """An output's encoding with its preset's byte rule; never shrunk below the rendered ``size``."""
    rule = preset.rule("bytes")
    return replace(options, min_bytes=(rule.params.get("min") if rule else None) or options.min_bytes,
                   max_bytes=(rule.params.get("max") if rule else None) or options.max_bytes, min_side=max(size))


def _smallest_side(preset: Preset) -> int | None:
    """How small a square preset may be rendered (its width/height/long-side minimums); None when its size is
    fixed (a ``size`` rule) or it is not square."""
    if preset.rule("size") is not None or preset.width != preset.height:
        return None
    floors = [int(r.params["min"]) for r in preset.rules if r.kind in ("width", "height", "long_side")
              and r.params.get("min")]
    return max(floors) if floors else None


def _render_output(template: Template, size: str, product: Product, images: dict[str, Asset],
                   preset: Preset | None, lettering: Lettering) -> Rendered:
    """Render one output; a square preset whose ``low_resolution`` rule the product would break at the preset's
    size is rendered smaller instead, as far as the preset's own minimum size allows (a photo of 800 px makes
    a sharp 1700 px Amazon image rather than a soft 2000 px one)."""
    lettered: dict[str, Any] = {"lang": lettering.lang, "flat": True,
                                "system_fonts": system_fonts() if lettering.system_fonts else (),
                                "locale": product.locale or None, "currency": product.currency or None}
    values = product.values
    rendered = render(template, size, values, images, **_preset_canvas(preset), **lettered)
    rule = preset.rule("low_resolution") if preset is not None else None
    floor = _smallest_side(preset) if preset is not None else None
    if preset is None or rule is None or floor is None:
        return rendered
    most = float(rule.params.get("max_upscale", 2))
    if rendered.upscale <= most or floor >= preset.width:
        return rendered
    side = max(floor, int(preset.width * most / rendered.upscale))
    smaller = replace(preset, width=side, height=side)
    # The file is the smaller render: its warnings (an upscaled factor) are that render's, the same number its
    # low_resolution check reads, not the first render's.
    drawn = render(template, size, values, images, **_preset_canvas(smaller), **lettered)
    return replace(drawn, warnings=(*drawn.warnings, Note(WarningKind.SMALLER, f"{preset.name}:{side}x{side}")))


def fit_budget(rendered: Rendered, options: EncodeOptions, preset: Preset | None) -> Landed:
    """The rendered canvas encoded within the output's byte budget (a white-background preset keeps an exactly
    white border white). BudgetError when no quality or size lands in it."""
    white = preset is not None and preset.rule("white_background") is not None
    return encode_within(rendered.image, options, Budget(options.min_bytes, options.max_bytes, options.min_side, white))


def check_output(data: bytes, rendered: Rendered, preset: Preset, source: Asset | None,
                 platform: str, sold_as_set: bool = False) -> OutputCheck:
    """The preset's rules on the written bytes, plus the rules only rendering and the source photo can judge
    (enlargement, a product cut by its photo's frame, an uncertain cut-out, several products). ``source``: the
    product photo as normalized; ``sold_as_set``: the product is several pieces sold together."""
    results = [_not_isolated(r, source) for r in check_bytes(data, preset, settings().analyze)]
    results += _low_resolution(rendered, preset) + _source_rules(source, preset, sold_as_set)
    return OutputCheck(preset.name, platform, tuple(results))


# isolation tried and gave up: no product to vouch for
_NOT_FOUND = (WarningKind.NO_SUBJECT, WarningKind.SCENE_PHOTO, WarningKind.UNCERTAIN_CUTOUT)


def _not_isolated(result: CheckResult, source: Asset | None) -> CheckResult:
    """``isolated_product`` fails whatever the file shows when the product was not isolated: isolation found
    no product, or could not vouch for it, or was not asked for on a photo that is not already a product on
    pure white."""
    if result.rule != "isolated_product" or not result.ok or source is None or source.isolation != "none":
        return result
    gave_up = [w.kind for w in source.warnings if w.kind in _NOT_FOUND]
    if not gave_up and source.backdrop is not None and min(source.backdrop) >= 254:
        return result
    why = "; ".join(source.review.doubts) if source.review is not None and source.review.doubts else \
        "no product was found in it" if WarningKind.NO_SUBJECT in gave_up else "nothing could be cut out"
    return replace(result, ok=False, measured=f"the product was not isolated from its photo ({why}): the photo "
                   "itself would be shown")


_LET_GO = Image.new("RGB", (0, 0))  # an encoded output's canvas: its pixels are no longer needed


@dataclass(frozen=True)
class Output:
    """One output on its way through ``OUTPUT``: what it is, then what each step made. A step that fails sets
    ``failure`` (with its reason) and the steps after it do not run."""

    task: Task
    spec: RenderSpec
    images: dict[str, Asset]  # the product's pictures by field
    source: Asset | None  # the product photo as normalized (what the source rules judge)
    rendered: Rendered | None = None
    landed: Landed | None = None  # the encoded bytes, within the byte budget
    budgeted: bool = False  # the output has a byte budget (its encoded facts are reported)
    check: OutputCheck | None = None
    failure: Failure | None = None

    @property
    def canvas(self) -> Rendered:
        """The rendered canvas (render_canvas has run)."""
        assert self.rendered is not None
        return self.rendered

    @property
    def data(self) -> Landed:
        """The encoded output (fit_within_budget has run)."""
        assert self.landed is not None
        return self.landed


def render_canvas(out: Output) -> Output:
    """Render the output's canvas; outputs alike in what they draw share one (already rendered: kept)."""
    if out.rendered is not None:
        return out
    task, spec = out.task, out.spec
    template = task.templates[spec.template]
    try:
        rendered = _render_output(template, spec.size, task.product,
                                  {**template_assets(template, task.files), **out.images}, spec.preset, task.lettering)
    except RenderError as exc:
        # Said as validate says it: the product's line in its job, not the template's line nor the photo.
        product = task.product
        told = f"{product.origin}: {product.sku}: {template.name}: {exc.message}"
        return replace(out, failure=Failure(Reason.RENDER, told))
    except InputError as exc:
        return replace(out, failure=Failure(Reason.RENDER, f"template file {exc.path}: {exc.message}", template.path))
    return replace(out, rendered=rendered)


def _unwritable(out: Output, exc: OSError) -> Output:
    """``out`` failed to write (the encoder's temp files or the output's folder): nothing is written."""
    return replace(out, failure=Failure(Reason.WRITE, f"cannot write ({exc.strerror or exc}); check space and "
                                        "permissions of the output folder", out.spec.output))


def fit_within_budget(out: Output) -> Output:
    """Encode the canvas in the output's format within its byte budget (its preset's byte rule over the job's)."""
    preset, rendered = out.spec.preset, out.canvas
    give_back()  # the drawing's copies, returned before the encoder takes its buffers (a 2000 px JPEG's: ~12 MB)
    options = out.task.encoding(out.spec)
    if preset is not None:
        options = _preset_encoding(options, preset, rendered.image.size)
    try:
        landed = fit_budget(rendered, options, preset)
    except BudgetError as exc:
        return replace(out, failure=Failure(Reason.BUDGET, f"{exc}; widen the byte budget or lower min_side",
                                            out.spec.output))
    except OSError as exc:
        return _unwritable(out, exc)
    # The canvas's pixels are let go once encoded (its facts stay: warnings, enlargement, fonts): the check
    # decodes the written bytes, and a 2000 px canvas (15 MB) kept beside that decode made a worker's peak.
    return replace(out, landed=landed, rendered=replace(rendered, image=_LET_GO),
                   budgeted=options.min_bytes is not None or options.max_bytes is not None)


def write_file(out: Output) -> Output:
    """Write the encoded bytes atomically (a reader never sees half a file)."""
    try:
        write_atomic(out.spec.output, out.data.data)
    except OSError as exc:
        return _unwritable(out, exc)
    return out


def check_file(out: Output) -> Output:
    """The preset's rules on the written bytes, and those only rendering and the photo can judge; none without
    a preset."""
    preset = out.spec.preset
    if preset is None:
        return out
    return replace(out, check=check_output(out.data.data, out.canvas, preset, out.source, out.spec.platform,
                                           out.task.product.subjects == "set"))


# The order of an output's making; a failed step ends it with its reason.
OUTPUT = (render_canvas, fit_within_budget, write_file, check_file)


def make_output(out: Output) -> Output:
    """``out`` through the ``OUTPUT`` steps, as far as they succeed."""
    for step in OUTPUT:
        if out.failure is not None:
            break
        out = step(out)
    return out


def output_result(out: Output) -> OutputResult:
    """What the report says of one output: its failure, or its warnings, encoded facts, check and fonts."""
    if out.failure is not None:
        return OutputResult(out.spec.output, out.failure)
    landed, rendered = out.data, out.canvas
    encoded = Encoded(len(landed.data), landed.quality, landed.subsampling, landed.size) if out.budgeted else None
    warnings = (*rendered.warnings, *((Note(WarningKind.PADDED, str(landed.padded)),) if landed.padded else ()))
    return OutputResult(out.spec.output, None, warnings, encoded, out.check, rendered.fonts)


def render_outputs(task: Task, specs: list[RenderSpec], images: dict[str, Asset],
                   source: Asset | None) -> list[OutputResult]:
    """Outputs alike in what they draw (one canvas in several formats), through ``OUTPUT``: the canvas rendered
    once, then per format fit the byte budget, write atomically, check. A failed step ends the outputs it
    concerns with its reason; it never stops the product's other outputs. Each format's output is the only
    holder of the canvas when it comes up last, so the canvas goes once the last format is encoded."""
    drawn = render_canvas(Output(task, specs[0], images, source))
    alike = [replace(drawn, spec=spec) for spec in specs]
    del drawn
    return [output_result(make_output(alike.pop(0))) for _ in specs]


def _load_images(task: Task) -> tuple[dict[str, Asset], list[Note], list[str]]:
    """Every image of the product, normalized (product photos isolated as the task says): the assets by field,
    the warnings (about other pictures prefixed with their field) and the primary photo's steps."""
    product = task.product
    boxes = task.picture_boxes()
    isolation, product_fields = task.product_isolation(), task.product_fields()
    images: dict[str, Asset] = {}
    warnings: list[Note] = []
    steps: list[str] = []
    for field, path in product.images.items():
        source = Path(task.files.get(str(path), path))  # the shipped copy when there is one, named as the job does
        try:
            if field in product_fields:
                asset = load_asset(source, boxes.get(field, ()), task.assets, isolation, task.refuses_text())
            else:  # a brand's logo, a badge: the same file for many products, decoded once
                drawn = boxes.get(field, ())
                asset = worker_cache().picture(source, repr(drawn), partial(load_asset, source, drawn, task.assets))
        except InputError as exc:
            raise InputError(str(path), exc.reason, exc.message) from None
        images[field] = asset
        own = path == product.primary
        if own:
            steps = list(asset.steps)
        warnings.extend(w if own else w.of(field) for w in asset.warnings if w not in warnings)
    return images, warnings, steps


def _drawn_scale(task: Task, spec: RenderSpec, images: dict[str, Asset]) -> float:
    """How large one output draws its photos: the largest scale of any of them (the product's box when trimmed)."""
    scale = 0.0
    for name, box in task.boxes_of(spec):
        asset = images.get(name)
        if asset is None:
            continue
        left, top, right, bottom = asset.subject if box.trim else (0, 0, *asset.image.size)
        scale = max(scale, box.scale(max(1, right - left), max(1, bottom - top)))
    return scale


def render_product(task: Task) -> ProductResult:
    """Render one product into all its outputs; never raises for an expected failure. What the product left
    resident beyond ``memory.heap_keep_bytes`` (a large photo's freed blocks) is given back as it ends."""
    memory = settings().memory
    use_image_blocks(memory)  # before the first photo is decoded in this worker
    use_heap(memory.heap_trim_bytes, memory.heap_mmap_bytes)
    with given_back_past(memory.heap_keep_bytes):
        return _render_product(task)


def _render_product(task: Task) -> ProductResult:
    """``render_product``'s work: the product's images loaded, its photo's text found, every output made."""
    started = time.perf_counter()
    product = task.product
    try:
        images, warnings, steps = _load_images(task)
    except InputError as exc:
        return ProductResult(Path(exc.path), product.sku, Status.REJECTED, Failure(exc.reason, exc.message))
    except MemoryError:  # a huge photo under a memory limit: this product fails, the batch goes on
        return ProductResult(product.primary, product.sku, Status.REJECTED,
                             Failure(Reason.TOO_LARGE, "ran out of memory decoding it; export a smaller image"))
    source = next((images[f] for f in task.product_fields() if f in images), None)
    if source is not None:
        # What loading measured the photo on is no longer needed: let go before the text models run.
        worker_cache().derived.let_go(source.image, "preview")
    if source is not None and task.refuses_text():
        # The text in the photo is found before any canvas is drawn: the detector's working memory then never
        # meets a canvas, its encoded bytes and the check's decoded copy (the checks take it from the cache).
        photo_text(source)
    if source is not None and source.mask is not None:
        # A cut-out is drawn from its photo's work copy (its edge colours): the copy the model's mask was made
        # on, or else made now from the reduction the text was found on; the reductions are then let go before
        # the first canvas (the colour path keeps them: it measures its product on them while drawing).
        work_copy(source.image)
        worker_cache().derived.let_go(source.image, "reduced:")
    give_back()  # what loading, isolating and the text models freed, before the first canvas is drawn
    drawings: dict[tuple[int, str, str], list[RenderSpec]] = {}
    for spec in task.renders:
        drawings.setdefault(spec.drawing, []).append(spec)
    # The output that draws its photos largest first: the smaller fits are then resized from it (a resize chain).
    order = sorted(drawings.values(), key=lambda specs: -_drawn_scale(task, specs[0], images))
    done = {o.path: o for specs in order for o in render_outputs(task, specs, images, source)}
    outputs = tuple(done[spec.output] for spec in task.renders)
    failed = any(o.failure is not None for o in outputs)
    return ProductResult(product.primary, product.sku, Status.FAILED if failed else Status.OK, None, outputs,
                         tuple(warnings), tuple(steps), round((time.perf_counter() - started) * 1000, 1),
                         peak_rss_mb())


def lost_product(task: Task, why: str) -> ProductResult:
    """The result of a product whose worker hung or died (run_guarded's ``lost``)."""
    return ProductResult(task.product.primary, task.product.sku, Status.FAILED,
                         Failure(Reason.CORRUPT, f"{why}; the file may be damaged or hostile, re-export it"))


@dataclass(frozen=True)
class NormalizeTask:
    """One file for ``artpipe normalize``: where it is, where its result goes, and how."""

    index: int
    source: Path
    output: Path  # the suffix is replaced when the format is chosen per image ("auto")
    options: NormalizeOptions
    format: str  # "auto", "png", "jpeg" or "webp"
    quality: int




def lost_normalized(task: NormalizeTask, why: str) -> FileResult:
    """The result of a normalize task whose worker died (the OOM killer, a decoder crash)."""
    return FileResult(task.source, Status.FAILED,
                      Failure(Reason.CORRUPT, f"{why}; the file may be damaged or hostile, re-export it"))


def normalize_file(task: NormalizeTask) -> FileResult:
    """Normalize one file and write the result; inputs are only ever read."""
    started = time.perf_counter()
    memory = settings().memory
    use_image_blocks(memory)
    use_heap(memory.heap_trim_bytes, memory.heap_mmap_bytes)
    try:
        # Decode at a reduced DCT scale only when the whole frame is kept: a trim crops after decoding,
        # and the product would lose pixels it needs.
        draft = task.options.max_size if not task.options.trim else None
        asset = normalize(open_image(task.source, draft_side=draft), task.options, rules=settings())
    except InputError as exc:
        return FileResult(task.source, Status.REJECTED, Failure(exc.reason, exc.message))
    except MemoryError:
        return FileResult(task.source, Status.REJECTED,
                          Failure(Reason.TOO_LARGE, "ran out of memory decoding it; export a smaller image"))
    image, warnings = asset.cutout(), list(asset.warnings)  # the product alone when the model isolated it
    fmt = SPELLINGS.get(task.format)
    if fmt is None:
        fmt = "PNG" if image.mode == "RGBA" else "JPEG"
    if not BY_NAME[fmt].alpha and image.mode == "RGBA":
        image = flatten(image, (255, 255, 255))
        warnings.append(Note(WarningKind.ALPHA_FLATTENED))
    output = task.output.with_suffix(suffix(fmt))
    try:
        write_atomic(output, encode(image, EncodeOptions(format=fmt, quality=task.quality)))
    except OSError as exc:
        return FileResult(task.source, Status.FAILED, Failure(Reason.WRITE, f"cannot write ({exc.strerror or exc}); "
                          "check space and permissions of the output folder", output), warnings=tuple(warnings))
    return FileResult(task.source, Status.OK, None, output, tuple(warnings), fmt, image.size, asset.original_size,
                      asset.subject, tuple(asset.steps), round((time.perf_counter() - started) * 1000, 1))


def placeholder_product(label: str) -> Asset:
    """A stand-in product photo for previews of templates whose image fields have no example."""
    im = Image.new("RGB", (900, 900), (238, 238, 236))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle((250, 170, 650, 760), radius=60, fill=(120, 140, 170))
    draw.ellipse((330, 250, 570, 490), fill=(235, 238, 244))
    draw.text((450, 630), label, font=get_font("sans", "bold", 56), fill=(255, 255, 255), anchor="mm")
    return normalize(Decoded(im, f"<{label}>", "PNG", 0, None, original_size=im.size), rules=settings())
