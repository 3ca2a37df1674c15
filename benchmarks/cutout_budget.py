"""What a cut-out costs beyond the model, what the new checks cost, and a worker's peak memory on the model path.

    python benchmarks/cutout_budget.py [--repeat 3] [--clock cpu|wall] [--against ../main]

On one core (as each worker runs), best of --repeat, in the same run, on generated 12 MP phone photos; timed in
the process's CPU time by default (on a machine shared with other work, wall time counts their turns too, and
the ratios to the model's own inference, measured the same way, are what the budget means); with --against,
the same figures for another checkout (its code imported in a child process), printed after this one's:
  model            the bundled model's inference alone (segment.saliency on the 1024 px copy): the baseline
  isolate          the whole model path (copy, model, guided filter, backdrop model, cleaning, review) and the
                   cut-out composited as a main image draws it (the image layer's own functions): its visible
                   box on the analysis copy and the cut-out made at the size it is drawn (matting.cut_out_at, the
                   product's box in 1720 px, Amazon's 86 % of 2000), decontaminated edges, faint pixels cleared;
                   beside it the same as drawn before (the mask scaled to the photo, the cut-out made, cleared
                   and measured at its size, then reduced), both in the same run
  overhead         isolate - model, all of it
  isolation's own  the same path timed with the model's mask given (its run left out rather than subtracted:
                   on a shared machine the model's own time varies by more than the budget's margin), less what is
                   not isolation: the photo window's resize to the drawn size (a photo drawn without a cut-out pays
                   it as well) and the cut-out's review (the confidence check, counted with the new checks below),
                   each timed alone; the budget is 80 ms (0.4x the model's ~200 ms on a quiet machine)
  where it goes    each step of the overhead timed alone (best of --repeat), so the remaining cost can be placed;
                   among them the photo's window resized to the drawn size, which a photo drawn without a
                   cut-out pays as well
  end to end       the Amazon main image of the teal JPEG rendered in one worker as a job renders it (the model
                   on a reduced decode, the full decode, drawing, encoding, every check), cut out and drawn as it
                   is (cutout: never): what the cut-out adds beyond the model, its checks (the review, text judged
                   against the product, the product's whole-ness) included
  colour path      isolate on a product on a light plain backdrop; whether the model ran at all (it must not)
  text             finding, reading and judging text in the photo (textfind.text_findings, with its mask)
  review           the cut-out's review alone (review.review on the cleaned mask); with text: the new checks,
                   whose budget is 150 ms (0.75x the model)
  peak memory      main-image on the 12 MP model-path photo into Amazon, Tmall and JD in one worker: the
                   worker's own high-water mark as the report gives it; the budget is 250 MiB; beside it the
                   high-water mark of loading the photo alone (decoding and isolating it) in a worker of its own
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baselines import best, best_cpu
from PIL import Image, ImageDraw

import artpipe
from artpipe.defaults import settings
from artpipe.imaging.analyze import visible_box
from artpipe.imaging.backdrop import faint_cleared_alpha
from artpipe.imaging.cleanup import analysis_arrays, clean_mask
from artpipe.imaging.isolate import isolate
from artpipe.imaging.matting import cut_out, cut_out_at, edge_colours, refine, work_copy
from artpipe.imaging.normalize import Asset, full_mask
from artpipe.imaging.review import review
from artpipe.imaging.segment import Segmenter, load_segmenter, saliency
from artpipe.imaging.textfind import finder_rules, text_findings
from artpipe.layers.image import _colours, _cutout_fit, _cutout_subject, _white_cutout
from artpipe.template.layout import fit_size
from artpipe.workcache import use_image_blocks, worker_cache

W, H = 4032, 3024
DRAWN = 1720  # the product's box in an Amazon main image (86 % of 2000 px)

_LOADER = r"""
import sys
from pathlib import Path
from artpipe.cutout import Isolate
from artpipe.run.tasks import load_asset, peak_rss_mb
asset = load_asset(Path(sys.argv[1]), (), isolation=Isolate("auto"))
print(f"{peak_rss_mb():.0f} {asset.isolation}")
"""

_WORKER = r"""
import sys
from pathlib import Path
from artpipe.api import main_images
result = main_images([Path(sys.argv[1])], Path(sys.argv[2]), ["amazon.main", "tmall.white_bg", "jd.main"], jobs=1)
results = getattr(result, "results", None)  # typed results; a checkout from before them has report items
print(f"{results[0].peak_rss_mb:.0f}" if results is not None else f"{result.outcomes[0].extra['peak_rss_mb']:.0f}")
"""


def teal_photo(folder: Path) -> Path:
    """A 12 MP phone photo of a red mug (with a handle the backdrop shows through) on a plain teal sweep."""
    im = Image.linear_gradient("L").resize((W, H)).point(lambda v: 120 + v // 8)
    teal = Image.merge("RGB", (im.point(lambda v: v // 4), im, im.point(lambda v: v - 10)))
    d = ImageDraw.Draw(teal)
    d.rounded_rectangle((W * 0.35, H * 0.2, W * 0.62, H * 0.85), radius=160, fill=(200, 40, 40))
    d.ellipse((W * 0.58, H * 0.35, W * 0.76, H * 0.62), outline=(200, 40, 40), width=90)
    teal = Image.blend(teal, Image.effect_noise((W, H), 12).convert("RGB"), 0.04)
    path = folder / "teal.jpg"
    teal.save(path, quality=90)
    return path


def white_photo(folder: Path) -> Path:
    """A 12 MP photo of a dark bottle on a light grey backdrop (the colour path)."""
    im = Image.new("RGB", (W, H), (232, 232, 230))
    ImageDraw.Draw(im).rounded_rectangle((W * 0.42, H * 0.15, W * 0.58, H * 0.85), radius=120, fill=(30, 60, 40))
    im = Image.blend(im, Image.effect_noise((W, H), 6).convert("RGB"), 0.03)
    path = folder / "white.jpg"
    im.save(path, quality=90)
    return path


def measure(repeat: int, clock: str) -> dict[str, Any]:
    """Every figure of the report (milliseconds, MiB, counts) for the code on the import path; the photos and
    the worker's outputs are written to a temporary folder, removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="artpipe-cutout-"))
    try:
        return _measure(folder, repeat, clock)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_a_worker() -> None:
    """This process set up as a worker sets itself up before its first photo (``run/tasks.render_product``):
    Pillow's image blocks and, where the checkout has them, glibc's heap thresholds."""
    memory = settings().memory
    use_image_blocks(memory)
    if not hasattr(memory, "heap_trim_bytes"):  # an older checkout: glibc's own thresholds
        return
    from artpipe.heap import use_heap

    use_heap(memory.heap_trim_bytes, memory.heap_mmap_bytes)


def _measure(folder: Path, repeat: int, clock: str) -> dict[str, Any]:
    timed = best_cpu if clock == "cpu" else best
    _as_a_worker()
    teal_path, white_path = teal_photo(folder), white_photo(folder)
    teal = Image.open(teal_path).convert("RGB")
    white = Image.open(white_path).convert("RGB")
    segmenter = load_segmenter(None)
    small = work_copy(teal)  # the copy isolating makes: the model's mask given must be made on it
    worker_cache().derived.clear()

    def model(im: Image.Image) -> tuple[Image.Image, float, str]:
        calls.append(1)
        mask, ms = saliency(im, segmenter)
        return mask, ms, segmenter.name

    calls: list[int] = []
    saliency(small, segmenter)  # warm up the session
    t_model = timed(lambda: saliency(small, segmenter), repeat)
    found = isolate(teal, None, "auto", light_min=200, tolerance=28, model=model, rules=settings())
    assert found.mask is not None, f"the teal photo was not cut out: {found.warnings} {found.review}"
    mask, box = found.mask, found.subject or (0, 0, W, H)
    drawn = fit_size(box[2] - box[0], box[3] - box[1], DRAWN, DRAWN, "contain")

    def before() -> None:  # as the image layer drew it before: the cut-out made at the photo's size, then reduced
        # nothing made for an earlier repeat is reused (the analysis copy, the edge colours)
        worker_cache().derived.clear()
        isolate(teal, None, "auto", light_min=200, tolerance=28, model=model, rules=settings())
        cut = cut_out(teal, full_mask(teal, mask))
        alpha = faint_cleared_alpha(cut, 28)
        if alpha is not None:
            cut.putalpha(alpha)
        visible_box(cut, None, 28)
        cut.resize(drawn, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)

    def now() -> None:  # as the image layer draws it: its visible box and the cut-out made at the drawn size
        worker_cache().derived.clear()
        isolate(teal, None, "auto", light_min=200, tolerance=28, model=model, rules=settings())
        shown = Asset(teal, "teal.jpg", "JPEG", (W, H), box, None, mask=mask, isolation="model")
        _cutout_subject(shown, settings().analyze.backdrop_tolerance)
        _cutout_fit(shown, box, *drawn, white=True, tolerance=settings().analyze.backdrop_tolerance)

    coarse = saliency(small, segmenter)[0]

    def known(im: Image.Image) -> tuple[Image.Image, float, str]:  # the model's answer, without its run
        return (coarse, 0.0, segmenter.name) if im.size == small.size else model(im)

    def now_without_model() -> None:  # the same, the model's mask given: what isolation costs beyond it
        worker_cache().derived.clear()
        isolate(teal, None, "auto", light_min=200, tolerance=28, model=known, rules=settings())
        shown = Asset(teal, "teal.jpg", "JPEG", (W, H), box, None, mask=mask, isolation="model")
        _cutout_subject(shown, settings().analyze.backdrop_tolerance)
        _cutout_fit(shown, box, *drawn, white=True, tolerance=settings().analyze.backdrop_tolerance)

    t_full = timed(before, repeat)
    t_isolate = timed(now, repeat)
    t_beyond = timed(now_without_model, repeat)
    calls.clear()

    def colour() -> None:  # nothing an earlier repeat found (the backdrop region) is reused
        worker_cache().derived.clear()
        isolate(white, (232, 232, 230), "auto", light_min=200, tolerance=28, model=model, rules=settings())

    t_colour = timed(colour, repeat)
    colour_model_calls = len(calls)
    refined = clean_mask(small, refine(small, saliency(small, segmenter)[0]), rules=settings().cleanup)
    rgb, m = analysis_arrays(small, refined.mask, side=settings().cleanup.side)
    t_review = timed(lambda: review(rgb, m, refined.mask, "model", refined.backdrop, rules=settings().review,
                                    tolerance=settings().analyze.backdrop_tolerance), repeat)
    text_findings(teal, mask, rules=finder_rules())  # warm up the text models
    t_text = timed(lambda: text_findings(teal, mask, rules=finder_rules()), repeat)
    steps = {k: v * 1000 for k, v in _steps(teal, small, box, drawn, segmenter, repeat, timed).items()}
    ends = {how: timed(lambda how=how: _main_image(teal_path, folder, how), repeat) * 1000 for how in ("auto", "never")}
    # run from the photo's folder: "-c" puts the working folder first on the path, before the checkout asked for
    out = subprocess.run([sys.executable, "-c", _WORKER, str(teal_path), str(folder / "out")], capture_output=True,
                         text=True, check=True, cwd=teal_path.parent).stdout.split()
    loaded = subprocess.run([sys.executable, "-c", _LOADER, str(teal_path)], capture_output=True, text=True,
                            check=True, cwd=teal_path.parent).stdout.split()
    return {"model": t_model * 1000, "full": t_full * 1000, "isolate": t_isolate * 1000, "beyond": t_beyond * 1000,
            "colour": t_colour * 1000, "colour_calls": colour_model_calls, "review": t_review * 1000,
            "text": t_text * 1000, "peak": float(out[0]), "peak_load": float(loaded[0]), "drawn_w": drawn[0],
            "drawn_h": drawn[1],
            "code": str(Path(artpipe.__file__).resolve().parent), "steps": steps, "ends": ends}


def _main_image(photo: Path, folder: Path, how: str) -> None:
    """The Amazon main image of ``photo`` rendered as a one-photo job renders it in a worker, its product cut out
    (``how`` auto) or not (never); nothing an earlier run made is reused (caches emptied, a new output folder)."""
    from dataclasses import replace

    from artpipe.cutout import Isolate
    from artpipe.presets import load_presets
    from artpipe.run.jobs import plan
    from artpipe.run.main_images import plan_main_images
    from artpipe.run.tasks import render_product

    out = Path(tempfile.mkdtemp(dir=folder))
    planned = plan_main_images([photo], out, ["amazon.main"], load_presets(None))
    worker_cache().clear()
    result = render_product(plan(replace(planned.job, isolation=Isolate(how)), out)[0])
    assert result.failure is None, result.failure


def _steps(photo: Image.Image, small: Image.Image, box: tuple[int, int, int, int], drawn: tuple[int, int],
           segmenter: Segmenter, repeat: int, timed: Callable[[Callable[[], object], int], float],
           ) -> dict[str, float]:
    """Each step of the overhead timed alone (seconds), in the order the model path and the image layer run
    them; the derived cache is emptied before each call, so nothing made by an earlier one is reused."""
    rules = settings()
    tolerance = rules.analyze.backdrop_tolerance
    coarse = saliency(small, segmenter)[0]
    refined = refine(small, coarse)
    cleaned = clean_mask(small, refined, rules=rules.cleanup)
    rgb, m = analysis_arrays(small, cleaned.mask, side=rules.cleanup.side)
    mask = cleaned.mask
    colours = edge_colours(small, mask)
    pic = cut_out_at(photo, mask, box, drawn, colours)

    def alone(fn: Callable[[], object]) -> float:
        def run() -> None:
            worker_cache().derived.clear()
            fn()
        return timed(run, repeat)

    def visible() -> float:
        """The subject's box on the analysis copy and the cut-out's as the image layer measures it, the edge
        colours it reads made beforehand (they are a step of their own)."""
        shown = Asset(photo, "teal.jpg", "JPEG", photo.size, box, None, mask=mask, isolation="model")
        times = []
        for _ in range(repeat):
            worker_cache().derived.clear()
            _colours(shown)
            times.append(timed(lambda: (visible_box(small, mask, tolerance), _cutout_subject(shown, tolerance)), 1))
        return min(times)

    window = (box[2] - box[0]) / drawn[0]
    return {
        "work copy (1024 px)": alone(lambda: work_copy(photo)),
        "guided filter (refine)": alone(lambda: refine(small, coarse)),
        "backdrop model + cleaning": alone(lambda: clean_mask(small, refined, rules=rules.cleanup)),
        "review": alone(lambda: review(rgb, m, mask, "model", cleaned.backdrop, rules=rules.review,
                                       tolerance=tolerance, white_on_white=cleaned.white_on_white)),
        "visible boxes (analysis copy)": visible(),
        "edge colours": alone(lambda: edge_colours(small, mask)),
        "photo window to drawn size": alone(lambda: photo.resize(drawn, Image.Resampling.LANCZOS, box=box,
                                                                 reducing_gap=3.0)),
        "cut-out at drawn size (all)": alone(lambda: cut_out_at(photo, mask, box, drawn, colours)),
        "faint pixels cleared (drawn)": alone(lambda: _white_cutout(pic.copy(), 1 / window, tolerance)),
    }


def report(n: dict[str, Any], how: str) -> None:
    """The figures of one checkout, against the budgets."""
    model = n["model"]
    overhead = n["isolate"] - model
    print(f"  model inference alone      {model:7.0f} ms (baseline)")
    print(f"  isolate + full-size cut-out{n['full']:7.0f} ms  = {n['full'] / model:.2f}x the model (as before: "
          f"overhead {n['full'] - model:.0f} ms = {(n['full'] - model) / model:.2f}x)")
    print(f"  isolate + cut-out as drawn {n['isolate']:7.0f} ms  = {n['isolate'] / model:.2f}x the model "
          f"({n['drawn_w']:.0f}x{n['drawn_h']:.0f} px)")
    print(f"  overhead beyond the model  {overhead:7.0f} ms  = {overhead / model:.2f}x the model")
    steps = n.get("steps")
    if isinstance(steps, dict):
        print("  where the overhead goes (each step alone):")
        for name, ms in steps.items():
            print(f"    {name:30s}{ms:5.0f} ms")
        resize, checked = steps.get("photo window to drawn size"), steps.get("review")
        if resize is not None and checked is not None:
            # timed with the model's mask given (no model time subtracted, whose noise is the model's own)
            own = n.get("beyond", overhead + model) - resize - checked
            print(f"  isolation's own cost       {own:7.0f} ms  = {own / model:.2f}x the model (budget 80 ms, 0.4x at "
                  f"200 ms: {'met' if own / model <= 0.4 else 'NOT met'})")
            print(f"    isolate + cut-out as drawn with the model's mask given ({n.get('beyond', 0):.0f} ms), less the "
                  f"photo window's resize ({resize:.0f} ms: a photo drawn without a cut-out pays it) and the review "
                  f"({checked:.0f} ms: a check, counted with the new checks)")
    ends = n.get("ends")
    if isinstance(ends, dict):
        extra = ends["auto"] - ends["never"] - model
        print(f"  end to end (Amazon main)   {ends['auto']:7.0f} ms cut out, {ends['never']:.0f} ms drawn as it is: "
              f"the cut-out adds the model + {extra:.0f} ms ({extra / model:.2f}x), its checks included")
    print(f"  colour path isolate        {n['colour']:7.0f} ms  model calls: {n['colour_calls']:.0f} (must be 0)")
    print(f"  review                     {n['review']:7.0f} ms")
    print(f"  text find + read + judge   {n['text']:7.0f} ms  = {n['text'] / model:.2f}x the model")
    checks = n["text"] + n["review"]
    print(f"  new checks together        {checks:7.0f} ms  = {checks / model:.2f}x the model (budget 150 ms, 0.75x: "
          f"{'met' if checks / model <= 0.75 else 'NOT met'})")
    print(f"  worker peak memory         {n['peak']:7.0f} MiB ({how}; budget 250 MiB: "
          f"{'met' if n['peak'] <= 250 else 'NOT met'})")
    if "peak_load" in n:
        print(f"    of which loading alone   {n['peak_load']:7.0f} MiB (decode and isolate, the model's run included, "
              "in a worker of its own; the rest is rendering, encoding and the text models)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: the process's CPU time (steady on a shared machine); wall: elapsed time")
    parser.add_argument("--against", type=Path, help="another checkout (e.g. ../main) measured in the same run")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the --against child's output
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.repeat, args.clock)))
        return
    figures = {"this checkout": measure(args.repeat, args.clock)}
    if args.against is not None:
        child = subprocess.run([sys.executable, __file__, "--json", "--repeat", str(args.repeat), "--clock",
                                args.clock], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONPATH": str(args.against.resolve())})
        theirs = json.loads(child.stdout.splitlines()[-1])
        if not Path(theirs["code"]).is_relative_to(args.against.resolve()):
            sys.exit(f"--against {args.against}: the run measured the code in {theirs['code']}, not that checkout's "
                     "(run the script from the checkout whose code it should measure)")
        figures[str(args.against)] = theirs
    print(f"12 MP photos, one core, best of {args.repeat}, {args.clock} time")
    for name, n in figures.items():
        print(f"{name}:")
        report(n, "main-image into Amazon, Tmall and JD in one worker")


if __name__ == "__main__":
    main()
