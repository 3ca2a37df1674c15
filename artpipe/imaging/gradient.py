"""Linear gradients as images (pure)."""

from __future__ import annotations

import math

from PIL import Image

from artpipe.colors import RGBA


def _ramp(colors: list[RGBA], steps: int) -> list[RGBA]:
    """``steps`` colours spread evenly through ``colors``."""
    if len(colors) == 1 or steps == 1:
        return [colors[0]] * steps
    out: list[RGBA] = []
    segments = len(colors) - 1
    for i in range(steps):
        t = i / (steps - 1) * segments
        k = min(int(t), segments - 1)
        f = t - k
        a, b = colors[k], colors[k + 1]
        out.append((round(a[0] + (b[0] - a[0]) * f), round(a[1] + (b[1] - a[1]) * f),
                    round(a[2] + (b[2] - a[2]) * f), round(a[3] + (b[3] - a[3]) * f)))
    return out


def linear_gradient(w: int, h: int, colors: list[RGBA], angle: float) -> Image.Image:
    """An RGBA w x h image running through ``colors`` along ``angle`` degrees (0 = left to right, 90 = down)."""
    # Draw a 256-step ramp once, then rotate and stretch it over the canvas: exact, and fast at any size.
    ramp = Image.new("RGBA", (256, 1))
    ramp.putdata(_ramp(colors, 256))
    turns = angle / 90
    if turns == int(turns):
        # Axis-aligned (the common case): stretch the ramp, no rotation needed.
        quarter = int(turns) % 4
        strip = ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if quarter in (2, 3) else ramp
        if quarter in (1, 3):
            return strip.transpose(Image.Transpose.ROTATE_270).resize((1, h), Image.Resampling.BILINEAR) \
                .resize((w, h), Image.Resampling.NEAREST)
        return strip.resize((w, 1), Image.Resampling.BILINEAR).resize((w, h), Image.Resampling.NEAREST)
    rad = math.radians(angle)
    # Length of the canvas projected on the gradient direction, so the ramp spans corner to corner.
    span = abs(w * math.cos(rad)) + abs(h * math.sin(rad))
    side = int(math.hypot(w, h)) + 2
    strip = ramp.resize((max(1, int(span)), side), Image.Resampling.BILINEAR)
    big = Image.new("RGBA", (side + int(span), side), colors[0])
    big.paste(strip, ((big.width - strip.width) // 2, 0))
    end = Image.new("RGBA", (big.width - (big.width - strip.width) // 2 - strip.width, side), colors[-1])
    big.paste(end, ((big.width + strip.width) // 2, 0))
    turned = big.rotate(-angle, resample=Image.Resampling.BILINEAR, expand=False)
    left, top = (turned.width - w) // 2, (turned.height - h) // 2
    return turned.crop((left, top, left + w, top + h))


def radial_gradient(w: int, h: int, colors: list[RGBA]) -> Image.Image:
    """An RGBA w x h image running through ``colors`` from the centre out to the corners (elliptical)."""
    # Pillow's radial_gradient is 256 x 256 with 0 at the centre and 255 exactly in the corners (181 at the
    # edge midpoints), so stretched to w x h the last colour lands in the corners.
    distance = Image.radial_gradient("L")
    ramp = _ramp(colors, 256)
    channels = [distance.point([c[i] for c in ramp]) for i in range(4)]
    return Image.merge("RGBA", channels).resize((w, h), Image.Resampling.BICUBIC)
