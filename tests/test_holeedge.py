"""The rim of what cleaning removes, drawn at the mask's size from the photo (imaging/holeedge.py): a thin gap
between two dark strands is cut out along the photo's own edges, with no grey frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.cleanup import clean_mask
from artpipe.imaging.matting import cut_out_at

NAVY = (30, 38, 72)
LIGHT_GREY = (244, 244, 244)
GAP = (390, 392)  # the gap's first and last columns


def _handle_with_a_gap() -> tuple[Image.Image, Image.Image]:
    """A navy tote at 800 px on a light-grey backdrop, its handle two strands with a 3 px gap between them
    (1.9 px at the cleaning side, where it is a blend of navy and backdrop), and the model's mask, which fills
    the gap like the rest of the handle."""
    photo = Image.new("RGB", (800, 800), LIGHT_GREY)
    draw = ImageDraw.Draw(photo)
    draw.rectangle((200, 450, 600, 700), fill=NAVY)
    draw.rectangle((380, 240, 402, 450), fill=NAVY)
    draw.rectangle((GAP[0], 260, GAP[1], 449), fill=LIGHT_GREY)
    noise = Image.effect_noise(photo.size, 3).convert("RGB")  # a photo's sensor noise
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).rectangle((200, 450, 600, 700), fill=255)
    ImageDraw.Draw(mask).rectangle((380, 240, 402, 450), fill=255)
    return Image.blend(photo, noise, 0.02), mask


def test_a_thin_gap_between_strands_is_cut_along_the_photos_edges() -> None:
    photo, mask = _handle_with_a_gap()
    cleaned = np.asarray(clean_mask(photo, mask, rules=settings().cleanup).mask)
    rows = slice(280, 430)
    assert (cleaned[rows, GAP[0]:GAP[1] + 1] == 0).all()  # the gap is backdrop: clear
    # The strands beside it stay whole (the rim scaled up from 512 px made them 56/255 and 87/255 opaque).
    assert (cleaned[rows, 381:GAP[0]] == 255).all(), cleaned[300, 381:GAP[0]]
    assert (cleaned[rows, GAP[1] + 1:402] == 255).all(), cleaned[300, GAP[1] + 1:402]


def test_the_gap_drawn_on_white_has_no_grey_frame() -> None:
    photo, mask = _handle_with_a_gap()
    cleaned = clean_mask(photo, mask, rules=settings().cleanup).mask
    drawn = cut_out_at(photo, cleaned, (0, 0, *photo.size), (1600, 1600))  # drawn at twice the size
    white = Image.new("RGB", drawn.size, (255, 255, 255))
    white.paste(drawn, (0, 0), drawn.getchannel("A"))
    grey = np.asarray(white.convert("L")).astype(int)[560:860]
    navy = round(sum(NAVY) / 3)
    # Drawn pixels wholly inside a strand keep its navy; only the one pixel straddling each edge is between
    # (the mask's bilinear scaling); the gap's middle is white.
    assert np.abs(grey[:, 762:2 * GAP[0] - 1] - navy).max() <= 25, grey[0, 762:2 * GAP[0] - 1]
    assert np.abs(grey[:, 2 * GAP[1] + 3:803] - navy).max() <= 25, grey[0, 2 * GAP[1] + 3:803]
    assert (grey[:, 2 * GAP[0] + 1:2 * GAP[1] + 1] >= 250).all(), grey[0, 2 * GAP[0] + 1:2 * GAP[1] + 1]


def _brim_on_white() -> Image.Image:
    """A blue cap's brim on white at 1200 px: a dark underside 5 px thick (tapering at its right end) and a soft
    grey shadow under it, partly behind the underside."""
    from PIL import ImageFilter

    photo = Image.new("RGB", (1200, 1200), (255, 255, 255))
    keep = Image.new("L", photo.size, 0)
    for im, brim, band in ((photo, (40, 70, 200), (30, 30, 30)), (keep, 255, 255)):
        draw = ImageDraw.Draw(im)
        draw.rectangle((300, 400, 900, 830), fill=brim)
        for x in range(300, 901):
            draw.line((x, 831, x, 830 + (5 if x < 800 else max(1, 5 - (x - 800) // 25))), fill=band)
    shade = Image.new("L", photo.size, 0)
    ImageDraw.Draw(shade).rectangle((320, 834, 880, 842), fill=150)
    shaded = Image.composite(Image.new("RGB", photo.size, (120, 120, 120)), photo,
                             shade.filter(ImageFilter.GaussianBlur(3)))
    return Image.composite(photo, shaded, keep)


def test_the_colour_paths_clearing_follows_the_photo_not_the_small_grid(tmp_path: Path) -> None:
    # The colour path decides what to clear (shadow, enclosed backdrop) at 512 px. Scaled up as it was, the
    # cleared piece under a cap's brim took a block of its dark underside with it (a bar with square ends on the
    # white); now its rim is judged from the photo's colours at the photo's size.
    from artpipe.imaging.normalize import NormalizeOptions, normalize
    from artpipe.imaging.open import open_image

    path = tmp_path / "brim.png"
    _brim_on_white().save(path)
    asset = normalize(open_image(path), NormalizeOptions(cutout="auto"), rules=settings())
    assert asset.isolation == "color"
    assert asset.clear is not None
    grey = np.asarray(asset.image.convert("L")).astype(int)
    clear = np.asarray(asset.clear.resize(asset.image.size, Image.Resampling.BILINEAR)).astype(int)
    dark = grey < 60
    assert dark.sum() > 2500
    assert (clear[dark] >= 128).sum() == 0, np.argwhere(dark & (clear >= 128))[:5]  # the underside stays
    shadow = (grey >= 60) & (grey < 230)  # lighter than 230 the backdrop's tolerance whitens it by colour
    shadow[:837] = False  # below the underside: the shadow alone
    assert (clear[shadow] >= 128).mean() >= 0.99  # and the shadow is cleared


def test_the_sample_mugs_shadow_leaves_no_speckled_arc_on_white(tmp_path: Path) -> None:
    # Its floor shadow is cleared on the colour path; along the clearing's rim, the shadow's faint outer pixels
    # left as scaled up stayed as a speckled grey arc beside the base (down to 232 on white in product-main)
    # while a cap's dark grey crown must not be bitten (tests/test_real_photos.py): a faint neutral grey goes whole.
    from click.testing import CliRunner

    from artpipe.cli.commands import main

    photo = Path(__file__).resolve().parent.parent / "samples" / "photos" / "mug-sideways.jpg"
    result = CliRunner().invoke(main, ["main-image", str(photo), "--preset", "amazon.main", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [out] = list(tmp_path.rglob("*.jpg"))
    grey = np.asarray(Image.open(out).convert("L")).astype(int)
    ink = np.argwhere(grey < 200)  # the mug itself
    bottom, right = ink.max(axis=0)
    below = grey[bottom + 6:, :]
    beside = grey[:, right + 6:]
    assert below.min() >= 248, np.argwhere(below < 248)[:5]
    assert beside.min() >= 248, np.argwhere(beside < 248)[:5]
