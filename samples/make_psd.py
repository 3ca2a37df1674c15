"""Build samples/psd/spring-banner.psd, a layered Photoshop file as an agency would hand it over, and the docs'
picture of its import (docs/images/psd-import.png).

    python samples/make_psd.py

psd-tools writes the pixel layers and groups. It cannot create text layers or artboards, so ``add_text`` and
``make_artboard`` add Photoshop's own records to layers it made: the type tool block (TySh: transform, text and the
text engine's data, as the PSD specification describes them) and the artboard block (artb). psd-tools reads them
back as text layers and artboards. Text pixels are drawn with the bundled font of the name given, as Photoshop
would have drawn them. tests/test_psdimport_build.py builds its fixtures with the same functions.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from psd_tools import PSDImage
from psd_tools.api.layers import Group, PixelLayer
from psd_tools.constants import BlendMode, Compression, Tag
from psd_tools.psd.descriptor import Descriptor, DescriptorBlock, Double, RawData, String, UnitFloat
from psd_tools.psd.tagged_blocks import TaggedBlock
from psd_tools.psd.vector import ClosedKnotLinked, ClosedPath, InitialFillRule, PathFillRule
from psd_tools.psd.vector import Path as VectorPath
from psd_tools.terminology import Unit

from artpipe.text.fonts import get_font

HERE = Path(__file__).resolve().parent
OUT = HERE / "psd" / "spring-banner.psd"
PICTURE = HERE.parent / "docs" / "images" / "psd-import.png"


def _estr(text: str) -> bytes:
    """A string as engine data writes it: UTF-16 big endian with a byte order mark, in escaped parentheses."""
    raw = ("\ufeff" + text).encode("utf-16-be")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _engine(text: str, font: str, size: float, rgb: tuple[int, int, int], justification: int,
            shape: int = 0) -> bytes:
    """Minimal engine data for one run of one paragraph: the parts Photoshop's text engine and psd-tools read."""
    n = len(text) + 1  # Photoshop ends the text with a carriage return, counted in the runs
    r, g, b = (c / 255 for c in rgb)
    style = (f"<< /StyleSheet << /StyleSheetData << /Font 0 /FontSize {size:.1f} /AutoLeading true /Tracking 0 "
             f"/FillColor << /Type 1 /Values [ 1.0 {r:.5f} {g:.5f} {b:.5f} ] >> >> >> >>")
    para = f"<< /ParagraphSheet << /Properties << /Justification {justification} >> >> >>"
    return b"".join([
        b"\n\n<<\n/EngineDict\n<<\n/Editor\n<<\n/Text ", _estr(text + "\r"), b"\n>>\n",
        f"/ParagraphRun\n<<\n/RunArray [ {para} ]\n/RunLengthArray [ {n} ]\n>>\n".encode(),
        f"/StyleRun\n<<\n/RunArray [ {style} ]\n/RunLengthArray [ {n} ]\n>>\n".encode(),
        f"/Rendered\n<<\n/Shapes\n<<\n/Children [ << /Cookie << /Photoshop << /ShapeType {shape} >> >> >> ]"
        "\n>>\n>>\n>>\n".encode(),
        b"/ResourceDict\n<<\n/FontSet [ << /Name ", _estr(font), b" /Script 0 /FontType 1 /Synthetic 0 >> ]\n>>\n>>"])


def add_text(parent: PSDImage | Group, name: str, text: str, origin: tuple[int, int], size: int,
             rgb: tuple[int, int, int], *, font: str = "NotoSans-Bold", family: str = "noto-sans",
             canvas: tuple[int, int], align: str = "ls",
             paragraph: tuple[float, float, float, float] | None = None) -> PixelLayer:
    """A point text layer: its pixels drawn with the bundled ``family`` at ``origin`` (the first baseline, where
    Photoshop anchors point text), plus the type tool record naming ``font``. With ``paragraph`` (left, top,
    right, bottom from ``origin``, in points) it is paragraph text in that box."""
    picture = Image.new("RGBA", canvas, (*rgb, 0))
    ImageDraw.Draw(picture).text(origin, text, font=get_font(family, "bold", size), fill=(*rgb, 255), anchor=align)
    ink = picture.getbbox()
    assert ink is not None
    layer = parent.create_pixel_layer(picture.crop(ink), name=name, left=ink[0], top=ink[1])
    data = DescriptorBlock(classID=b"TxLr")
    data[b"Txt "] = String(value=text + "\r")
    data[b"EngineData"] = RawData(value=_engine(text, font, size, rgb, {"ls": 0, "ms": 2, "rs": 1}[align],
                                                1 if paragraph else 0))
    if paragraph is not None:
        bounds = Descriptor(classID=b"bounds")
        for key, value in zip((b"Left", b"Top ", b"Rght", b"Btom"), paragraph, strict=True):
            bounds[key] = UnitFloat(unit=Unit.Points, value=value)
        data[b"bounds"] = bounds
    layer._record.tagged_blocks.set_data(Tag.TYPE_TOOL_OBJECT_SETTING, 1, (1.0, 0.0, 0.0, 1.0, *map(float, origin)),
                                         50, data, 1, DescriptorBlock(classID=b"warp"), 0, 0, 0, 0)
    return layer


KAPPA = 0.5523  # Bezier handles of a quarter circle, as a fraction of the radius


def add_shape(parent: PSDImage | Group, name: str, kind: str, rect: tuple[int, int, int, int],
              rgb: tuple[int, int, int], canvas: tuple[int, int]) -> PixelLayer:
    """A vector shape layer as Photoshop's shape tools make it: a rectangle (four corner knots) or an ellipse
    (four smooth knots) in a vector mask (vmsk), filled with a solid colour (SoCo); its pixels are not used."""
    w, h = canvas
    left, top, right, bottom = rect
    if kind == "rect":
        corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
        knots = [ClosedKnotLinked(preceding=(y / h, x / w), anchor=(y / h, x / w), leaving=(y / h, x / w))
                 for x, y in corners]
    else:
        cx, cy, rx, ry = (left + right) / 2, (top + bottom) / 2, (right - left) / 2, (bottom - top) / 2
        sides = ((cx, top, rx * KAPPA, 0.0), (right, cy, 0.0, ry * KAPPA), (cx, bottom, -rx * KAPPA, 0.0),
                 (left, cy, 0.0, -ry * KAPPA))
        knots = [ClosedKnotLinked(preceding=((y - dy) / h, (x - dx) / w), anchor=(y / h, x / w),
                                  leaving=((y + dy) / h, (x + dx) / w)) for x, y, dx, dy in sides]
    path = VectorPath([PathFillRule(), InitialFillRule(value=0), ClosedPath(items=knots)])
    layer = parent.create_pixel_layer(Image.new("RGBA", (right - left, bottom - top), (*rgb, 255)), name=name,
                                      left=left, top=top)
    layer._record.flags.pixel_data_irrelevant = True
    layer._record.tagged_blocks.set_data(Tag.VECTOR_MASK_SETTING1, 3, 0, path)
    color = Descriptor(classID=b"RGBC")
    for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), rgb, strict=True):
        color[key] = Double(value=float(value))
    fill = DescriptorBlock(classID=b"null")
    fill[b"Clr "] = color
    layer._record.tagged_blocks.set_data(Tag.SOLID_COLOR_SHEET_SETTING, fill)
    return layer


def make_artboard(group: Group, rect: tuple[int, int, int, int]) -> None:
    """Mark a group as an artboard covering ``rect`` (left, top, right, bottom), as Photoshop's artb block does."""
    box = Descriptor(classID=b"classFloatRect")
    for key, value in zip((b"Left", b"Top ", b"Rght", b"Btom"), rect, strict=True):
        box[key] = Double(value=float(value))
    data = DescriptorBlock(classID=b"artboard")
    data[b"artboardRect"] = box
    group._record.tagged_blocks[Tag.ARTBOARD_DATA1] = TaggedBlock(key=Tag.ARTBOARD_DATA1, data=data)


def stripes(size: tuple[int, int], a: tuple[int, ...], b: tuple[int, ...]) -> Image.Image:
    """A picture with detail (diagonal stripes), so a shifted or scaled export shows in the comparison."""
    im = Image.new("RGBA", size, a)
    draw = ImageDraw.Draw(im)
    for x in range(-size[1], size[0], 12):
        draw.line((x, 0, x + size[1], size[1]), fill=b, width=4)
    return im


# name, artboard, product box (left, top, width, height), first baseline, headline size, band height
TWO_BOARDS = (("Wide", (0, 0, 960, 300), (600, 30, 300, 230), (40, 140), 64, 24),
              ("Square", (1040, 0, 1540, 500), (1165, 215, 250, 250), (1070, 110), 52, 30))
# the same design with a mobile artboard (750x390) below the two: a 3-artboard campaign master
THREE_BOARDS = (*TWO_BOARDS, ("Mobile", (0, 600, 750, 990), (420, 640, 290, 300), (30, 760), 58, 26))


def spring_banner(path: Path, boards: tuple[tuple, ...] = TWO_BOARDS) -> Path:  # type: ignore[type-arg]
    """Two artboards (960x300 and 500x500), or the ``boards`` given: backdrop, sun, a multiply texture, the
    product, logo, headline, price and a fixed slogan."""
    right = max(b[1][2] for b in boards) + 20
    bottom = max(b[1][3] for b in boards) + 20
    psd = PSDImage.new("RGB", (right, bottom))
    for name, rect, product, text_at, size, band in boards:
        left, top, right, bottom = rect
        w, h = right - left, bottom - top
        group = psd.create_group(name=name)
        group.create_pixel_layer(Image.new("RGBA", (w, h), (255, 241, 226, 255)), name="Backdrop", left=left, top=top,
                                 compression=Compression.ZIP)
        sun = Image.new("RGBA", (w // 2, w // 2), (0, 0, 0, 0))
        ImageDraw.Draw(sun).ellipse((0, 0, w // 2 - 1, w // 2 - 1), fill=(255, 214, 170, 255))
        group.create_pixel_layer(sun, name="Sun", left=right - w // 2 - 20, top=top - w // 8, opacity=200,
                                 compression=Compression.ZIP)
        group.create_pixel_layer(stripes((w, band), (228, 57, 60, 255), (240, 120, 110, 255)), name="Band",
                                 left=left, top=bottom - band, blend_mode=BlendMode.MULTIPLY,
                                 compression=Compression.ZIP)
        px, py, pw, ph = product
        group.create_pixel_layer(stripes((pw, ph), (70, 130, 200, 255), (50, 100, 170, 255)), name="{product}",
                                 left=px, top=py, compression=Compression.ZIP)
        group.create_pixel_layer(Image.new("RGBA", (120, 36), (29, 29, 31, 255)), name="{logo}",
                                 left=left + 30, top=top + 24)
        tx, ty = text_at
        add_text(group, "{headline}", "春季焕新 Spring", (tx, ty), size, (29, 29, 31), font="SourceHanSansCN-Bold",
                 family="sans", canvas=psd.size)
        add_text(group, "{price}", "¥39.90", (tx, ty + size + 8), size * 3 // 4, (228, 57, 60), canvas=psd.size)
        add_text(group, "Slogan", "Free shipping", (tx, ty + size * 2), size // 3, (90, 90, 96),
                 font="HelveticaNeue-Bold", family="sans", canvas=psd.size)
        make_artboard(group, rect)
    path.parent.mkdir(parents=True, exist_ok=True)
    psd._record.image_data.compression = Compression.RLE  # the merged preview, stored raw by default
    psd.save(path)
    return path


def import_picture(path: Path) -> Image.Image:
    """The wide artboard as Photoshop composites it, above the imported template rendered with another product,
    headline and price, with the layer boxes drawn."""
    from artpipe.api import import_psd, preview_template  # noqa: PLC0415 (only for the picture)

    psd = PSDImage.open(path)
    before = psd.composite(viewport=(0, 0, 960, 300), force=True).convert("RGB")
    with tempfile.TemporaryDirectory() as tmp:
        done = import_psd(path, Path(tmp) / "spring-banner")
        product = HERE / "photos" / "mug-sideways.jpg"
        (_, after), = preview_template(done.folder, ["wide"], {"product": str(product), "price": "¥129",
                                                                 "headline": "北欧陶瓷马克杯 早春新品"}, boxes=True)
    sheet = Image.new("RGB", (960, 620), (255, 255, 255))
    sheet.paste(before, (0, 0))
    sheet.paste(after.convert("RGB"), (0, 320))
    return sheet


def main() -> None:
    spring_banner(OUT)
    print(OUT.relative_to(HERE.parent))
    if "--picture" in sys.argv:
        import_picture(OUT).save(PICTURE, optimize=True)
        print(PICTURE.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
