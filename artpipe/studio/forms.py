"""An operator's request form, turned into the same request YAML ``artpipe request`` reads, with every problem
placed beside the field that caused it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from artpipe.api import (
    Request,
    bundled_templates,
    expand,
    find_template,
    load_request,
    load_template,
    open_image,
    parse_yaml,
    preset_catalog,
    safe_part,
)
from artpipe.defaults import settings
from artpipe.errors import ConfigError, InputError, Problem
from artpipe.files import Revertible
from artpipe.studio.sheets import SheetError, read_sheet

COLUMNS = ("sku", "photo", "headline", "subline", "price", "was", "title", "badge")  # the rows the form shows
ROWS = 8
TEMPLATE_ROWS = 3  # slots whose template the form can change
MAX_PHOTOS = 60
MAX_PHOTO_BYTES = 50 * 1024 * 1024
REQUEST_FILE = "request.yaml"


@dataclass
class Upload:
    """An uploaded file as the app received it (already within the size limits)."""

    name: str
    data: bytes


@dataclass
class RequestForm:
    """What the operator typed and chose; ``errors`` maps a field to its messages."""

    campaign: str = ""
    merchant: str = ""
    deadline: str = ""
    brand: str = ""
    platforms: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    photos: list[Upload] = field(default_factory=list)
    sheet: Upload | None = None
    templates: dict[str, str] = field(default_factory=dict)  # slot (preset) -> template, over the slot's default
    presets: list[str] = field(default_factory=list)  # single slots, besides (or instead of) whole platforms
    errors: dict[str, list[str]] = field(default_factory=dict)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (uploaded name, kept as): a name given twice
    draft: str = ""  # a refused form's kept photos (their draft's id), sent back with the form
    kept: list[str] = field(default_factory=list)  # the names of those photos, to show

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def read_form(values: dict[str, Any], photos: list[Upload], sheet: Upload | None) -> RequestForm:
    """The form's fields (``rows-N-column`` for the product rows) as a RequestForm."""
    rows = []
    for i in range(ROWS):
        row = {c: str(values.get(f"rows-{i}-{c}", "")).strip() for c in COLUMNS}
        if any(row.values()):
            rows.append(row)
    platforms = values.get("platforms", [])
    presets = values.get("presets", [])
    templates = {str(values.get(f"tpl-{i}-slot", "")).strip(): str(values.get(f"tpl-{i}-template", "")).strip()
                 for i in range(TEMPLATE_ROWS)}
    return RequestForm(str(values.get("campaign", "")).strip(), str(values.get("merchant", "")).strip(),
                       str(values.get("deadline", "")).strip(), str(values.get("brand", "")).strip(),
                       [platforms] if isinstance(platforms, str) else list(platforms), rows, photos, sheet,
                       {k: v for k, v in templates.items() if k and v},
                       [presets] if isinstance(presets, str) else [str(x) for x in presets if x])


def template_fields(platforms: list[str], chosen_templates: dict[str, str] | None = None) -> set[str]:
    """Every field of the templates the presets these platforms stand for are rendered with."""
    known, sets = preset_catalog()
    chosen, _ = expand(platforms, known, sets)
    names = {name for n, (p, _) in chosen.items() if (name := (chosen_templates or {}).get(n) or p.template)}
    out: set[str] = set()
    for name in names:
        path = find_template(name, [])
        if path is not None:
            out |= set(load_template(path).fields)
    return out


def save_request(form: RequestForm, folder: Path, brands: Path) -> Request | None:
    """Write the request and its photos into ``folder`` and load it as ``artpipe request`` would; None (with
    ``form.errors`` filled) when anything is wrong, and then nothing it wrote stays (the folder, the photos, a
    replaced photo or request file put back). Uploaded photos go through the same safe open as the inbox.
    It decodes photos and reads sheets: call it in a thread, never on the event loop."""
    writer = Revertible(folder.parent, folder / f".replaced-{secrets.token_hex(4)}")
    try:
        loaded = _save(form, folder, brands, writer)
    except BaseException:
        writer.revert()
        raise
    if loaded is None:
        writer.revert()
    else:
        writer.keep()
    return loaded


def _save(form: RequestForm, folder: Path, brands: Path, writer: Revertible) -> Request | None:
    """save_request's work, every write through ``writer``: the choices checked, the photos saved (and
    decoded), the products read, then request.yaml written and loaded."""
    _check_choices(form, brands)
    names = _save_photos(form, folder / "photos", writer)
    products = _products(form, names)
    if form.errors:
        return None
    doc = _request_doc(form, products, brands)
    writer.write(folder / REQUEST_FILE, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8"))
    try:
        return load_request(folder / REQUEST_FILE)
    except ConfigError as exc:
        for problem in exc.problems:
            form.error(_field_of(problem.where), f"{problem.what}" + (f" ({problem.hint})" if problem.hint else ""))
        return None


def _check_choices(form: RequestForm, brands: Path) -> None:
    """The campaign, brand kit, templates and platforms chosen: each one that cannot be is an error."""
    if not form.campaign:
        form.error("campaign", "name the campaign, e.g. double11")
    if form.brand and (Path(form.brand).name != form.brand or not (brands / form.brand).is_file()):
        form.error("brand", f"no brand kit '{form.brand}' in the workspace's {brands.name}/ folder")
    known = bundled_templates()
    for slot, template in form.templates.items():
        if template not in known:
            form.error("templates", f"{slot}: no template '{template}'; choose one of {', '.join(sorted(known))}")
    if not form.platforms and not form.presets:
        form.error("platforms", "choose at least one platform (or single slots)")


def _save_photos(form: RequestForm, photos: Path, writer: Revertible) -> dict[str, str]:
    """Save the form's photos in ``photos`` (each decoded as the inbox would; one that does not is an error and
    removed); returns every name a row may give (with or without extension) -> the saved file's name."""
    names: dict[str, str] = {}
    for kept in sorted(photos.glob("*")) if photos.is_dir() else []:  # photos of an earlier version of the request
        names[kept.name] = names[kept.stem] = kept.name
    if len(form.photos) > MAX_PHOTOS:
        form.error("photos", f"at most {MAX_PHOTOS} photos per request")
    taken: set[str] = set()  # names given to this form's photos
    for upload in form.photos[:MAX_PHOTOS]:
        wanted = safe_part(Path(upload.name).name) or "photo"
        name = _free_name(wanted, taken, photos)
        target = photos / name
        writer.write(target, upload.data)
        try:
            open_image(target)
        except InputError as exc:
            form.error("photos", f"{upload.name}: {exc.message}")
            writer.remove(target)
            continue
        taken.add(name)
        if name == wanted:
            names[upload.name] = names[Path(upload.name).stem] = name
        else:  # a second photo of the same name is kept beside the first, under a name rows can give
            names[name] = names[Path(name).stem] = name
            form.renamed.append((upload.name, name))
    return names


def _products(form: RequestForm, names: dict[str, str]) -> list[dict[str, str]]:
    """The products of the form's rows and sheet, each photo named as saved, only the fields its templates use."""
    rows = form.rows
    if form.sheet is not None:
        try:
            rows = rows + read_sheet(form.sheet.name, form.sheet.data)
        except SheetError as exc:
            form.error("sheet", f"{form.sheet.name}: {exc}")
    if not rows:
        form.error("products", "add at least one product (a row, or a CSV/XLSX sheet)")
    fields = template_fields([*form.platforms, *form.presets], form.templates)
    products = []
    for i, row in enumerate(rows):
        product: dict[str, str] = {"sku": row.get("sku") or f"item-{i + 1}"}
        photo = row.get("photo") or row.get("product") or ""
        if photo:
            if photo not in names:
                form.error(f"rows-{i}-photo", f"no uploaded photo '{photo}'; upload it with the photos")
            else:
                product["product"] = f"photos/{names[photo]}"
        product.update({k: v for k, v in row.items() if k in fields and k not in ("sku", "product") and v})
        products.append(product)
    return products


def _request_doc(form: RequestForm, products: list[dict[str, str]], brands: Path) -> dict[str, Any]:
    """The request file's content, keys in the order ``artpipe request``'s documentation shows them."""
    doc: dict[str, Any] = {"campaign": form.campaign, "merchant": form.merchant or form.campaign}
    if form.platforms:
        doc["platforms"] = form.platforms
    if form.presets:
        doc["presets"] = form.presets
    doc["products"] = products
    if form.templates:
        doc["templates"] = dict(form.templates)
    if form.deadline:
        doc["deadline"] = form.deadline
    if form.brand:
        doc["brand"] = Path("..", "..", "..", brands.name, form.brand).as_posix()
    return doc


def _free_name(wanted: str, taken: set[str], photos: Path) -> str:
    """``wanted``, or when a photo of this form has it already ``stem-2.ext`` (-3, ...) free in ``photos``."""
    if wanted not in taken:
        return wanted
    stem, suffix = Path(wanted).stem, Path(wanted).suffix
    n = 2
    while f"{stem}-{n}{suffix}" in taken or (photos / f"{stem}-{n}{suffix}").exists():
        n += 1
    return f"{stem}-{n}{suffix}"


def renamed_note(uploaded: str, kept: str) -> str:
    """What the form and the request page say of a photo kept under another name."""
    return f"Two photos were named {uploaded}: the second is kept as {kept} (name it so in a row's photo)"


def is_renaming(uploaded: str, kept: str) -> bool:
    """Whether ``kept`` is a name the form gives a second photo named ``uploaded`` (``stem-N.ext``): only such
    pairs are shown, so a crafted address cannot put other words on the page."""
    wanted = Path(safe_part(Path(uploaded).name) or "photo")
    found = re.fullmatch(re.escape(wanted.stem) + r"-(\d{1,4})" + re.escape(wanted.suffix), kept)
    return found is not None


def form_of_request(folder: Path) -> RequestForm:
    """The form as it was filled in for the request saved in ``folder`` (to change and render again)."""
    return form_of_yaml((folder / REQUEST_FILE).read_text(encoding="utf-8"), REQUEST_FILE)


def form_of_yaml(text: str, name: str) -> RequestForm:
    """The form filled in from a request file (the one ``artpipe request`` reads); ConfigError when it is not
    one. Its photos are named by file name: upload them (or pick them from the workspace) with the form."""
    if len(text.encode("utf-8")) > settings().yaml.max_bytes:
        raise ConfigError([Problem(name, 0, 0, "", "the file is too large for a request", "")])
    doc = parse_yaml(text, name)
    if not isinstance(doc, dict):
        raise ConfigError([Problem(name, 1, 1, "", "a request must be a mapping of keys", "")])
    rows = []
    for product in doc.get("products", []) or []:
        if not isinstance(product, dict):
            continue
        row = {c: str(product.get(c, "")) for c in COLUMNS if c != "photo" and product.get(c) is not None}
        row["photo"] = Path(str(product.get("product", ""))).name
        rows.append(row)
    platforms = doc.get("platforms", []) or []
    presets = doc.get("presets", []) or []
    given = doc.get("templates")
    templates: dict[Any, Any] = given if isinstance(given, dict) else {}
    return RequestForm(str(doc.get("campaign", "")), str(doc.get("merchant", "")), str(doc.get("deadline", "")),
                       Path(str(doc.get("brand", ""))).name if doc.get("brand") else "",
                       [platforms] if isinstance(platforms, str) else list(platforms), rows,
                       templates={str(k): str(v) for k, v in templates.items()},
                       presets=[presets] if isinstance(presets, str) else [str(x) for x in presets])


def _field_of(where: str) -> str:
    """The form field a request problem belongs to: ``products[2].headline`` -> ``rows-2-headline``."""
    found = re.match(r"products\[(\d+)\]\.?(\w*)", where or "")
    if found:
        column = found.group(2) if found.group(2) in COLUMNS else "sku"
        return f"rows-{found.group(1)}-{'photo' if found.group(2) == 'product' else column}"
    head = (where or "").split(".")[0].split("[")[0]
    return head if head in ("campaign", "merchant", "deadline", "brand", "platforms", "presets", "templates") \
        else "products"
