"""artpipe templates import: layered Photoshop files become template folders.

Every PSD here is built in the test with psd-tools (pixel layers, groups, opacity, masks, blend modes, ZIP data);
text layers, vector shapes and artboards, which psd-tools cannot create, are added by samples/make_psd.py's
``add_text``, ``add_shape`` and ``make_artboard``, and smart objects by ``smart_object`` below (Photoshop's own
records for them on layers psd-tools made). Text pixels are drawn with the bundled font the import maps them to, so
the composite can be compared with the render, text included.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from psd_tools import PSDImage
from psd_tools.constants import BlendMode

from artpipe.api import import_psd, preview_template, validate_file
from artpipe.layers.template import load_template
from artpipe.psdimport.build import box_of, percent
from artpipe.psdimport.walk import Canvas
from artpipe.template.layout import resolve_box
from artpipe.template.model import Length

_spec = importlib.util.spec_from_file_location("make_psd", Path(__file__).parent.parent / "samples" / "make_psd.py")
assert _spec is not None
assert _spec.loader is not None
make_psd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_psd)
add_text, add_shape, make_artboard, stripes = make_psd.add_text, make_psd.add_shape, make_psd.make_artboard, \
    make_psd.stripes

MAX_MEAN_LEVELS = 3.0  # the bar: mean difference outside text, in 8-bit levels


def banner(path: Path) -> Path:
    """A 600x300 banner: backdrop, a group of art at half opacity, a multiply stamp, the product, a logo, a
    Chinese and Latin headline field and a literal text."""
    psd = PSDImage.new("RGB", (600, 300))
    psd.create_pixel_layer(Image.new("RGBA", (600, 300), (255, 238, 220, 255)), name="Backdrop")
    group = psd.create_group(name="Decor")
    group.create_pixel_layer(stripes((180, 120), (228, 57, 60, 255), (255, 200, 80, 255)), name="Ribbon",
                             left=20, top=150, opacity=128)
    circle = Image.new("RGBA", (90, 90), (0, 0, 0, 0))
    ImageDraw.Draw(circle).ellipse((0, 0, 89, 89), fill=(30, 90, 200, 255))
    group.create_pixel_layer(circle, name="Dot", left=250, top=20)
    psd.create_pixel_layer(Image.new("RGBA", (60, 60), (120, 120, 200, 255)), name="Stamp", left=230, top=200,
                           blend_mode=BlendMode.MULTIPLY)
    psd.create_pixel_layer(stripes((200, 240), (40, 140, 90, 255), (20, 60, 40, 255)), name="{product}",
                           left=370, top=30)
    psd.create_pixel_layer(Image.new("RGBA", (80, 30), (20, 20, 20, 255)), name="{logo}", left=20, top=20)
    add_text(psd, "{headline}", "春季焕新 Sale", (20, 110), 40, (29, 29, 31), font="SourceHanSansCN-Bold",
             family="sans", canvas=(600, 300))
    add_text(psd, "Slogan", "Free shipping", (20, 140), 18, (90, 90, 96), canvas=(600, 300))
    psd.save(path)
    return path


def boards(path: Path) -> Path:
    """Two artboards, 400x200 and 200x200, each with a backdrop, a product slot and a headline."""
    psd = PSDImage.new("RGB", (700, 260))
    for name, rect, product in (("Wide", (0, 0, 400, 200), (240, 20, 140, 160)),
                                ("Square", (450, 0, 650, 200), (500, 70, 100, 100))):
        group = psd.create_group(name=name)
        left, top, right, bottom = rect
        group.create_pixel_layer(stripes((right - left, bottom - top), (250, 245, 235, 255), (235, 225, 205, 255)),
                                 name="Backdrop", left=left, top=top)
        px, py, pw, ph = product
        group.create_pixel_layer(Image.new("RGBA", (pw, ph), (60, 120, 200, 255)), name="{product}", left=px, top=py)
        add_text(group, "{headline}", "New in", (left + 16, top + 50), 30, (20, 20, 20), canvas=(700, 260))
        make_artboard(group, rect)
    psd.save(path)
    return path


def composite(path: Path, box: tuple[int, int, int, int] | None = None) -> Image.Image:
    """Photoshop's look of the file (psd-tools' composite) on white, or of one artboard."""
    psd = PSDImage.open(path)
    im = psd.composite(viewport=box, force=True) if box else psd.composite(force=True)
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, im.convert("RGBA")).convert("RGB")


def mean_outside(a: Image.Image, b: Image.Image, holes: list[tuple[int, int, int, int]]) -> float:
    """Mean absolute difference in levels over every pixel outside ``holes`` (left, top, right, bottom)."""
    diff = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).mean(axis=2)
    keep = np.ones(diff.shape, dtype=bool)
    for left, top, right, bottom in holes:
        keep[max(0, top):bottom, max(0, left):right] = False
    return float(diff[keep].mean())


def boxes(folder: Path, size: str) -> dict[str, tuple[int, int, int, int]]:
    """Every layer's resolved box at ``size``, as (left, top, right, bottom)."""
    t = load_template(folder / "template.yaml")
    s = t.size(size)
    out = {}
    for layer in t.layers[size]:
        r = resolve_box(layer.box, s.width, s.height)
        out[layer.name] = (r.x, r.y, r.x + r.w, r.y + r.h)
    return out


def test_a_banner_imports_validates_and_renders_like_its_composite(tmp_path: Path) -> None:
    psd = banner(tmp_path / "banner.psd")
    done = import_psd(psd, tmp_path / "banner")
    assert validate_file(done.folder).ok
    t = load_template(done.template)
    assert t.size_names == ("design",)
    assert {n: f.type for n, f in t.fields.items()} == {"product": "image", "logo": "image", "headline": "text"}
    assert t.fields["headline"].example == "春季焕新 Sale"
    found = boxes(done.folder, "design")
    layers = {layer.name: layer for layer in PSDImage.open(psd).descendants()}
    for name, psd_name in (("backdrop", "Backdrop"), ("ribbon", "Ribbon"), ("dot", "Dot"), ("stamp", "Stamp"),
                           ("product", "{product}"), ("logo", "{logo}")):
        assert found[name] == layers[psd_name].bbox, name
    assert [layer.name for layer in t.layers["design"]] == [
        "backdrop", "ribbon", "dot", "stamp", "product", "logo", "headline", "slogan"]
    with Image.open(done.folder / "art/ribbon.png") as ribbon:
        assert ribbon.getpixel((0, 0))[3] == 128  # the layer's opacity is in the exported art

    (_, rendered), = preview_template(done.folder)
    expected = composite(psd)
    texts = [found["headline"], found["slogan"]]
    # Outside text and the product slot (the product is the merchant's photo, placed by the engine).
    assert mean_outside(expected, rendered.convert("RGB"), [*texts, found["product"]]) <= MAX_MEAN_LEVELS
    # Text in the same boxes: the render's ink lies where the PSD's text layers' pixels are.
    for psd_name in ("{headline}", "Slogan"):
        left, top, right, bottom = layers[psd_name].bbox
        region = (left - 3, top - 3, right + 3, bottom + 3)
        assert mean_outside(expected.crop(region), rendered.convert("RGB").crop(region), []) <= MAX_MEAN_LEVELS


def test_the_sample_design_imports_and_renders_like_photoshop_in_both_sizes(tmp_path: Path) -> None:
    """samples/psd/spring-banner.psd (made by samples/make_psd.py): two artboards, text fields, a substituted font,
    a flattened multiply band."""
    psd = Path(__file__).parent.parent / "samples" / "psd" / "spring-banner.psd"
    assert make_psd.spring_banner(tmp_path / "again.psd").read_bytes() == psd.read_bytes()  # the script made it
    done = import_psd(psd, tmp_path / "spring")
    assert validate_file(done.folder).ok
    assert done.report["counts"] == {"mapped": 12, "substituted": 2, "flattened": 2, "skipped": 0}
    renders = {label.split(" / ")[1].split(" ")[0]: im for label, im in preview_template(done.folder)}
    for size, rect in (("wide", (0, 0, 960, 300)), ("square", (1040, 0, 1540, 500))):
        found = boxes(done.folder, size)
        expected = composite(psd, rect)
        assert mean_outside(expected, renders[size].convert("RGB"), [found["product"]]) <= MAX_MEAN_LEVELS, size


@pytest.mark.parametrize(("px", "total", "written"), [
    (0, 600, "0%"), (300, 600, "50%"), (20, 600, "3.3%"), (1, 3, "33.3%"), (599, 600, "99.8%"),
    (7, 1920, "0.36%"), (-10, 600, "-1.7%"),
])
def test_a_length_is_the_shortest_percentage_that_resolves_back_to_its_pixels(px: int, total: int,
                                                                              written: str) -> None:
    assert percent(px, total) == written
    assert Length(float(written[:-1]), percent=True).pixels(total) == px


def test_a_box_is_written_in_percent_of_its_canvas() -> None:
    canvas = Canvas("design", 600, 300, ())
    assert box_of((20, 110, 370, 150), canvas) == {"left": "3.3%", "top": "36.7%", "width": "58.3%",
                                                   "height": "13.3%"}
