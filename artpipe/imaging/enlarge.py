"""A cut-out's mask enlarged to the size it is drawn, resampled only along its outline. Pure (numpy + Pillow).

A product's mask is 0 outside and 255 inside but for a band a few pixels wide along its outline. A bilinear
resize of a flat stretch gives its value again (the weights sum to one), so only the cells of the drawn picture
near a mask pixel that is soft or beside a different value are resampled (about a sixth of a 1720 px product:
4.2 ms for the whole 4.8 took); the others are filled with the value the mask has there. Each box is resampled
from its own part of the source box, whose coordinates are rounded apart from the whole resize's: a pixel may
differ from it by a level.
"""

from __future__ import annotations

import math

from PIL import Image

from artpipe.imaging.tiles import CELL, boxes, spread

Box = tuple[float, float, float, float]
MIN_PX = 1_200_000  # below this many drawn pixels the whole resize costs less than finding the cells


def enlarged_mask(mask: Image.Image, size: tuple[int, int], box: Box) -> Image.Image:
    """``mask.resize(size, BILINEAR, box=box)`` (L), resampled only on the cells of the result near a pixel of
    the mask that is soft or has a different neighbour, the other cells filled with the mask's value there
    (within a level of the whole resize). The whole resize when the result is small or the mask is enlarged
    more than 8 times (a pixel then reaches beyond the next cell)."""
    import numpy as np

    w, h = size
    kx, ky = (box[2] - box[0]) / w, (box[3] - box[1]) / h
    # a mask pixel reaches the drawn pixels whose centre lies within the filter's support (max(1, scale) mask
    # pixels) and a pixel more for rounding: within the next cell when that is at most CELL drawn pixels
    if w * h < MIN_PX or (max(1.0, kx) + 1) / kx > CELL or (max(1.0, ky) + 1) / ky > CELL:
        return mask.resize(size, Image.Resampling.BILINEAR, box=box)
    left, top = max(0, math.floor(box[0]) - 2), max(0, math.floor(box[1]) - 2)
    right, bottom = min(mask.width, math.ceil(box[2]) + 2), min(mask.height, math.ceil(box[3]) + 2)
    a = np.asarray(mask)[top:bottom, left:right]
    # the mask's pixels that are soft or beside another value (a hard edge), placed in the drawn picture's cells
    changes = (a > 0) & (a < 255)
    across, down = a[:, 1:] != a[:, :-1], a[1:] != a[:-1]
    changes[:, 1:] |= across
    changes[:, :-1] |= across
    changes[1:] |= down
    changes[:-1] |= down
    ys, xs = np.nonzero(changes)
    cols, rows = -(-w // CELL), -(-h // CELL)
    cx = np.floor((xs + left + 0.5 - box[0]) / kx / CELL).astype(np.int64)
    cy = np.floor((ys + top + 0.5 - box[1]) / ky / CELL).astype(np.int64)
    inside = (cx >= -1) & (cx <= cols) & (cy >= -1) & (cy <= rows)
    marked = np.zeros((rows + 2, cols + 2), dtype=bool)
    marked[cy[inside] + 1, cx[inside] + 1] = True
    soft = spread(marked)[1:-1, 1:-1]
    # a flat cell's value: the mask's at its centre
    mx = np.clip(np.floor(box[0] + (np.arange(cols) * CELL + CELL / 2) * kx).astype(np.int64), 0, mask.width - 1)
    my = np.clip(np.floor(box[1] + (np.arange(rows) * CELL + CELL / 2) * ky).astype(np.int64), 0, mask.height - 1)
    value = np.asarray(mask)[my][:, mx]
    out = Image.fromarray(np.ascontiguousarray(np.repeat(np.repeat(value, CELL, axis=0), CELL, axis=1)[:h, :w]),
                          "L")
    for x0, y0, x1, y1 in boxes(soft, size):
        # pasted, not copied through an array: Pillow's array export costs as much as the resize of a box
        out.paste(mask.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR,
                              box=(box[0] + x0 * kx, box[1] + y0 * ky, box[0] + x1 * kx, box[1] + y1 * ky)), (x0, y0))
    return out
