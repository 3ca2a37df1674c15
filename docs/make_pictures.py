"""Render the pictures in docs/images/ from the example templates in docs/examples/.

    python docs/make_pictures.py

Each example renders at every size with samples/photos as the product; the PNGs are what
docs/templates.md shows, so the docs always show what the code really draws (tests/test_docs.py fails when a
committed picture no longer matches what this script renders: run it again and look at the pictures).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from artpipe import load_asset, load_template, render

DOCS = Path(__file__).resolve().parent
PHOTOS = DOCS.parent / "samples" / "photos"
PRODUCT = {"fit": "mug-sideways.jpg", "matte": "bottle-grey.jpg", "masks": "mug-sideways.jpg"}


def pictures() -> Iterator[tuple[str, Image.Image]]:
    """(file name, picture) of every example template at every size."""
    for path in sorted((DOCS / "examples").glob("*.yaml")):
        template = load_template(path)
        images = {}
        if template.name in PRODUCT:
            images["product"] = load_asset(PHOTOS / PRODUCT[template.name])
        for size in template.sizes:
            yield f"{template.name}-{size.name}.png", render(template, size.name, {}, images).image.convert("RGB")


def main() -> None:
    for name, picture in pictures():
        out = DOCS / "images" / name
        picture.save(out, optimize=True)
        print(out.relative_to(DOCS.parent))


if __name__ == "__main__":
    main()
