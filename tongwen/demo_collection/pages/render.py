"""Draw the demo's digitised pages (``pages/<item>/NN.jpg``) from `digitised.py`, like woodblock pages.

Run by hand from the project root after changing `digitised.py`, then commit the images (a machine without
the font still loads the demo, because the images are in the repository):

    .venv/bin/python tongwen/demo_collection/pages/render.py

Needs Pillow and the Noto Serif CJK collection (Debian: fonts-noto-cjk). Each page: paper tone, a double
frame, ruled columns, the characters on the grid `digitised.layout` gives (the same boxes the TEI carries),
the running head and page label in the lower margin. JPEG quality 80: the ten pages weigh under 1.5 MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import digitised  # noqa: E402

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
PAPER, INK, RULE = (236, 225, 198), (40, 30, 24), (120, 92, 70)
# Punctuation drawn in the upper right of its cell when the text runs top to bottom, as vertical print sets it.
_VERTICAL_PUNCTUATION = set("、。，．")


def draw_page(item: digitised.Item, page: digitised.PageLayout) -> Image.Image:
    image = Image.new("RGB", (digitised.WIDTH, digitised.HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = digitised.FRAME
    draw.rectangle((left - 14, top - 14, right + 14, bottom + 14), outline=RULE, width=6)
    draw.rectangle((left - 4, top - 4, right + 4, bottom + 4), outline=RULE, width=2)
    if item.vertical:
        pitch = (right - left) // item.columns
        for number in range(1, item.columns):
            x = right - number * pitch
            draw.line((x, top - 4, x, bottom + 4), fill=RULE, width=1)
    for column in page.columns:
        for character, (x, y, size) in zip(column.text, column.cells, strict=True):
            font = _font(item.font, int(size * 0.84))
            dx = dy = size * 0.08
            if item.vertical and character in _VERTICAL_PUNCTUATION:
                dx, dy = dx + size * 0.5, dy - size * 0.5
            draw.text((x + dx, y + dy), character, font=font, fill=INK)
    margin = _font(item.font, 30)
    draw.text(((left + right) // 2, bottom + 60), f"{item.running_head}　{page.label}", font=margin, fill=RULE,
              anchor="mm")
    return image


_FONTS: dict[tuple[int, int], ImageFont.FreeTypeFont] = {}


def _font(index: int, size: int) -> ImageFont.FreeTypeFont:
    if (index, size) not in _FONTS:
        _FONTS[index, size] = ImageFont.truetype(str(FONT), size, index=index)
    return _FONTS[index, size]


def render(out_dir: Path = HERE) -> list[Path]:
    written = []
    for item in digitised.ITEMS:
        for page in digitised.layout(item):
            path = out_dir.parent / page.image
            path.parent.mkdir(parents=True, exist_ok=True)
            draw_page(item, page).save(path, "JPEG", quality=80, optimize=True)
            written.append(path)
    return written


if __name__ == "__main__":
    total = 0
    for written_path in render():
        total += written_path.stat().st_size
        print(written_path, written_path.stat().st_size)
    print(f"{total:,} bytes")
