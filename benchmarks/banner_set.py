"""Time to render one banner set (every size of a template) from an already-normalized asset.

    python benchmarks/banner_set.py [--template promo-banner] [--repeat 20]

Prints ms per set, best of --repeat, next to a floor measured in the same run: JPEG-encoding the same
finished canvases (what any renderer pays to deliver them). Fonts and template files are warm, as in a
worker that has already rendered one product.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from artpipe.layers.template import load_template
from artpipe.run.render import render
from artpipe.run.tasks import load_asset, template_assets
from artpipe.template.find import bundled_templates

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="promo-banner")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    template = load_template(bundled_templates()[args.template])
    asset = load_asset(ROOT / "samples" / "photos" / "mug-sideways.jpg")
    values = {n: f.example for n, f in template.fields.items() if f.example and f.type != "image"}
    images = {**template_assets(template), **{n: asset for n, f in template.fields.items() if f.type == "image"}}

    def render_set() -> list:  # type: ignore[type-arg]
        return [render(template, s.name, values, images).image for s in template.sizes]

    canvases = render_set()  # warm fonts and caches

    def encode_set() -> None:
        for im in canvases:
            im.convert("RGB").save(io.BytesIO(), "JPEG", quality=90, optimize=True)

    def best(fn: object) -> float:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        return min(times)

    t_render, t_encode = best(render_set), best(encode_set)
    sizes = ", ".join(f"{s.width}x{s.height}" for s in template.sizes)
    print(f"{args.template}: {len(template.sizes)} sizes ({sizes})")
    print(f"render the set:      {t_render * 1000:7.1f} ms")
    print(f"encode the set:      {t_encode * 1000:7.1f} ms  (floor)")
    print(f"render / encode:     {t_render / t_encode:.2f}x")


if __name__ == "__main__":
    main()
