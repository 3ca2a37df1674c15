"""What the workbench fills a template with to show its fits: a sample product (the sample photos, a white
product, a tall one, or the template's own example) and a sample set of fields (a long Chinese headline, an
Arabic one ...), each in its language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from artpipe.defaults import settings
from artpipe.imaging.normalize import Asset, normalize
from artpipe.imaging.open import Decoded
from artpipe.run.tasks import load_asset, placeholder_product, template_assets
from artpipe.template.model import Field, Template
from artpipe.workcache import worker_cache

PHOTOS = Path(__file__).resolve().parents[2] / "samples" / "photos"  # a source checkout's sample photos

# name -> (label, file in samples/photos); the built-in ones are drawn below
PRODUCTS: dict[str, tuple[str, str]] = {
    "example": ("the template's example", ""),
    "white": ("a white product on white", ""),
    "tall": ("a tall bottle", "bottle-grey.jpg"),
    "mug": ("a mug, shot sideways", "mug-sideways.jpg"),
    "bag": ("a bag cut out", "bag-cutout.png"),
    "sneaker": ("a wide sneaker (CMYK)", "sneaker-cmyk.jpg"),
    "headphones": ("headphones on magenta", "headphones-palette.png"),
    "watch": ("a small watch photo", "watch-small.jpg"),
}


@dataclass(frozen=True)
class FieldSet:
    """Sample values for the usual field names (only the template's own fields are used) and their language."""

    label: str
    values: dict[str, str] = field(default_factory=dict)
    lang: str | None = None


FIELD_SETS: dict[str, FieldSet] = {
    "example": FieldSet("the template's examples"),
    "long-chinese": FieldSet("a long Chinese headline", {
        "headline": "春季焕新大促 全场家居好物限时五折起 满299再减50 部分商品买一送一",
        "subline": "领券再减50 · 限时三天 · 全国包邮 · 七天无理由退换 · 正品保证",
        "title": "北欧简约风陶瓷马克杯 大容量办公室咖啡杯 早春新品限时特惠",
        "name": "北欧简约风陶瓷马克杯 大容量办公室咖啡杯 350ml 送杯盖杯勺",
        "badge": "限时抢购", "price": "¥1299.00", "was": "¥2599"}, "zh-Hans"),
    "arabic": FieldSet("an Arabic headline", {
        "headline": "تخفيضات الربيع الكبرى على جميع المنتجات المنزلية",
        "subline": "خصم إضافي لفترة محدودة مع شحن مجاني",
        "title": "كوب قهوة من السيراميك بتصميم اسكندنافي",
        "name": "كوب قهوة من السيراميك ٣٥٠ مل",
        "badge": "جديد"}, "ar"),
    "long-english": FieldSet("a long English headline", {
        "headline": "The spring refresh: every home essential at half price, three days only",
        "subline": "Free shipping on every order over $29 · Easy 30-day returns",
        "title": "Hand-glazed Scandinavian ceramic coffee mug, 350 ml",
        "name": "Hand-glazed Scandinavian ceramic coffee mug, 350 ml, dishwasher safe",
        "badge": "NEW", "price": "$1,299.00", "was": "$2,599"}, "en"),
    "short": FieldSet("short words", {"headline": "Sale", "subline": "Today", "title": "Mug", "name": "Mug",
                                      "badge": "-5%", "price": "¥9"}, None),
}


@dataclass(frozen=True)
class Sample:
    """The product and fields a template is shown with: ``values`` are the field set's for the template's own
    fields."""

    product: str = "example"
    fields: str = "example"
    values: dict[str, str] = field(default_factory=dict)
    lang: str | None = None


def sample_for(template_fields: Mapping[str, Field], product: str, fields: str, lang: str = "") -> Sample:
    """The sample a page asks for (unknown names fall back to the examples): the template's examples with the
    field set's values over them; ``lang`` "" keeps the set's language."""
    product = product if product in PRODUCTS and _available(product) else "example"
    chosen = FIELD_SETS.get(fields) or FIELD_SETS["example"]
    values = {k: f.example for k, f in template_fields.items() if f.type != "image" and f.example is not None}
    values.update({k: v for k, v in chosen.values.items() if k in template_fields})
    return Sample(product, fields if fields in FIELD_SETS else "example", values, lang or chosen.lang)


def products() -> dict[str, str]:
    """The sample products this installation has (name -> label): the photos are in a source checkout only."""
    return {name: label for name, (label, _) in PRODUCTS.items() if _available(name)}


def _available(name: str) -> bool:
    file = PRODUCTS[name][1]
    return not file or (PHOTOS / file).is_file()


def sample_images(template: Template, sample: Sample) -> dict[str, Asset]:
    """The images a render of ``template`` with ``sample`` needs: its product fields filled with the sample
    product (normalized once per process and kept), its other image fields with their examples or stand-ins,
    and the template's own files. InputError when a photo cannot be read."""
    images: dict[str, Asset] = {}
    for name, f in template.fields.items():
        if f.type != "image":
            continue
        if name == "product" and sample.product != "example":
            images[name] = _product(sample.product)
        elif f.example is not None:
            path = Path(f.example) if Path(f.example).is_absolute() else template.root / f.example
            images[name] = worker_cache().picture(path, "", partial(load_asset, path))
        elif f.required or name == "product":
            images[name] = placeholder_product(name)
    images.update(template_assets(template))
    return images


def _product(name: str) -> Asset:
    if name == "white":
        return _white_product()
    path = PHOTOS / PRODUCTS[name][1]
    return worker_cache().picture(path, "", partial(load_asset, path))


@cache
def _white_product() -> Asset:
    """A white box with a white lid on a white backdrop: the product whose edges are hardest to see."""
    im = Image.new("RGB", (1000, 1000), (250, 250, 250))
    shade = Image.new("L", im.size, 0)
    ImageDraw.Draw(shade).ellipse((230, 800, 770, 860), fill=90)
    im.paste((200, 200, 198), (0, 0), shade.filter(ImageFilter.GaussianBlur(18)))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle((280, 300, 720, 830), radius=24, fill=(255, 255, 255), outline=(226, 226, 224), width=3)
    draw.rounded_rectangle((260, 240, 740, 320), radius=16, fill=(252, 252, 252), outline=(222, 222, 220), width=3)
    return normalize(Decoded(im, "<white product>", "PNG", 0, None, original_size=im.size), rules=settings())
