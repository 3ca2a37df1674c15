"""Where along a cut-out's outline work is needed: boxes covering the cells of an alpha channel that hold its edge,
so an operation that changes only edge pixels (repainting their colour, clearing faint ones) runs on the band
along the outline instead of the whole picture. Pure (numpy + Pillow).

A product drawn at 1720 px has its outline in about an eighth of the picture's 16 px cells; its inside (opaque)
and its outside (transparent) are left alone. Each box is a run of needed cells in a strip of rows: few enough
boxes that Pillow's per-call cost stays small, tight enough that the band is a few cells wide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    import numpy as np

Box = tuple[int, int, int, int]
CELL = 16  # pixels: the grid the alpha is judged on
STRIP = 4  # cell rows merged into one row of boxes


def cell_ranges(alpha: Image.Image, cell: int = CELL) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest alpha in each ``cell`` x ``cell`` cell of ``alpha`` (L): two (rows, cols) arrays,
    the last row and column covering what is left over."""
    import numpy as np

    a = np.asarray(alpha)
    h, w = a.shape
    rows, cols = -(-h // cell), -(-w // cell)
    # rows first (element-wise over whole rows, fast), then within each cell's columns on the few rows left; the
    # last cells, short of rows or columns, take the range of what they hold (no padded copy of the picture)
    full = h // cell * cell
    lo, hi = a[:full].reshape(-1, cell, w).min(axis=1), a[:full].reshape(-1, cell, w).max(axis=1)
    if full < h:
        lo = np.concatenate([lo, a[full:].min(axis=0, keepdims=True)])
        hi = np.concatenate([hi, a[full:].max(axis=0, keepdims=True)])
    if cols * cell != w:  # the few rows left repeat their last column: a cell's range stays the same
        lo = np.pad(lo, ((0, 0), (0, cols * cell - w)), mode="edge")
        hi = np.pad(hi, ((0, 0), (0, cols * cell - w)), mode="edge")
    return lo.reshape(rows, cols, cell).min(axis=2), hi.reshape(rows, cols, cell).max(axis=2)


def spread(cells: np.ndarray) -> np.ndarray:
    """``cells`` (bool) with each True cell's eight neighbours set too: whatever lies within a cell's width."""
    import numpy as np

    out = cells.copy()
    out[1:, :] |= cells[:-1, :]
    out[:-1, :] |= cells[1:, :]
    grown = out.copy()
    grown[:, 1:] |= out[:, :-1]
    grown[:, :-1] |= out[:, 1:]
    result: np.ndarray = np.asarray(grown, dtype=bool)
    return result


def boxes(cells: np.ndarray, size: tuple[int, int], cell: int = CELL, strip: int = STRIP) -> list[Box]:
    """The needed ``cells`` (bool, (rows, cols)) of a picture of ``size`` as boxes in its pixels: per strip of
    ``strip`` cell rows, each run of columns with a needed cell in the strip."""
    import numpy as np

    w, h = size
    out: list[Box] = []
    for top in range(0, cells.shape[0], strip):
        used = cells[top:top + strip].any(axis=0)
        if not used.any():
            continue
        step = np.diff(np.concatenate([[0], used.astype(np.int8), [0]]))
        starts, ends = np.nonzero(step == 1)[0], np.nonzero(step == -1)[0]
        y0, y1 = top * cell, min(h, (top + strip) * cell)
        out.extend((int(s) * cell, y0, min(w, int(e) * cell), y1) for s, e in zip(starts, ends, strict=True))
    return out


def grown_box(box: Box, margin: int, size: tuple[int, int]) -> Box:
    """``box`` grown by ``margin`` pixels each way, within a picture of ``size``."""
    return max(0, box[0] - margin), max(0, box[1] - margin), min(size[0], box[2] + margin), \
        min(size[1], box[3] + margin)
