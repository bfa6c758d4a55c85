"""The set-up QR code as inline SVG, drawn on the server: no image service sees the
secret, and no script or inline style is needed (the page's CSP allows neither)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode").replace(
        "<svg ", '<svg aria-hidden="true" focusable="false" ', 1
    )
    # qrcode builds the markup itself from the bit matrix; nothing the user typed is in it.
    return mark_safe(svg)  # noqa: S308
