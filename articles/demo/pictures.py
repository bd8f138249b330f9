"""
The demo paper's pictures: flat-colour illustrations drawn with Pillow from a
scene and a palette (pictures.toml), so the demo needs no image files.
"""

import io
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw


@dataclass(frozen=True)
class Scene:
    key: str
    alt: str
    caption: str


def _load():
    with (Path(__file__).parent / "pictures.toml").open("rb") as file:
        data = tomllib.load(file)
    palettes = [
        {
            name: tuple(tuple(v) if isinstance(v, list) else v for v in value)
            if isinstance(value, list)
            else value
            for name, value in palette.items()
        }
        for palette in data["palettes"]
    ]
    return [Scene(**scene) for scene in data["scenes"]], palettes


SCENES, PALETTES = _load()


@dataclass
class DemoImage:
    key: str
    alt_text: str
    caption: str
    scene: str
    palette: dict

    def draw(self, width=1600, height=900):
        """The picture as JPEG bytes, drawn from the scene and palette."""
        return draw_scene(self.scene, self.palette, self.key, width, height)


def image_pool():
    """The ~24 pictures every demo article draws its lead image from."""
    pool = []
    for scene in SCENES:
        for palette in PALETTES:
            words = {
                "sky": palette["sky_word"],
                "land": palette["land_word"],
                "time": palette["time"],
                "accent": palette["accent_word"],
            }
            pool.append(
                DemoImage(
                    key=f"demo-{scene.key}-{palette['name']}",
                    alt_text=scene.alt.format(**words),
                    caption=scene.caption.format(**words),
                    scene=scene.key,
                    palette=palette,
                )
            )
    return pool


def _vertical_gradient(draw, box, top, bottom):
    x0, y0, x1, y1 = box
    span = max(1, y1 - y0)
    for y in range(y0, y1):
        t = (y - y0) / span
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(x0, y), (x1, y)], fill=colour)


def _shade(colour, factor):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def draw_scene(scene, palette, seed, width, height):
    """Draw one flat-colour illustration and return it as JPEG bytes."""
    rng = random.Random(seed)
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    top, bottom = palette["sky"]
    land, accent, dark = palette["land"], palette["accent"], palette["dark"]
    horizon = int(height * rng.uniform(0.55, 0.68))
    if scene in {"chart", "stage", "table", "map"}:
        _vertical_gradient(draw, (0, 0, width, height), _shade(top, 0.9), bottom)
    else:
        _vertical_gradient(draw, (0, 0, width, horizon), top, bottom)
        sun_x, sun_r = rng.randint(200, width - 200), rng.randint(50, 90)
        sun_y = horizon - rng.randint(120, 260)
        draw.ellipse(
            (sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=accent
        )
    if scene == "harbour":
        _vertical_gradient(
            draw, (0, horizon, width, height), _shade(bottom, 0.7), _shade(dark, 1.2)
        )
        draw.rectangle((0, horizon + 80, width // 3, horizon + 110), fill=dark)
        for _ in range(rng.randint(4, 7)):
            x = rng.randint(80, width - 200)
            y = rng.randint(horizon + 130, height - 60)
            size = rng.randint(60, 120)
            draw.polygon(
                [
                    (x, y),
                    (x + 2 * size, y),
                    (x + int(1.7 * size), y + size // 2),
                    (x + size // 3, y + size // 2),
                ],
                fill=_shade(accent, rng.uniform(0.6, 1.0)),
            )
            draw.line([(x + size, y), (x + size, y - 2 * size)], fill=dark, width=6)
            draw.polygon(
                [
                    (x + size + 6, y - 2 * size),
                    (x + size + 6, y - 10),
                    (x + int(1.8 * size), y - 10),
                ],
                fill=(245, 240, 230),
            )
    elif scene in {"hills", "fields", "pitch"}:
        for layer in range(4):
            base = horizon + layer * (height - horizon) // 4
            points = [(0, height)]
            for x in range(0, width + 200, 200):
                points.append((x, base - rng.randint(0, 90)))
            points.append((width, height))
            draw.polygon(points, fill=_shade(land, 0.7 + layer * 0.15))
        if scene == "fields":
            for _ in range(14):
                x0 = rng.randint(0, width)
                draw.line(
                    [(x0, horizon + 40), (x0 + rng.randint(-300, 300), height)],
                    fill=(200, 200, 190),
                    width=7,
                )
            for _ in range(6):
                y0 = rng.randint(horizon + 60, height - 20)
                draw.line(
                    [(0, y0), (width, y0 + rng.randint(-80, 80))],
                    fill=(200, 200, 190),
                    width=6,
                )
        if scene == "pitch":
            draw.rectangle((0, horizon + 60, width, height), fill=_shade(land, 1.1))
            for x in range(0, width, 160):
                draw.rectangle(
                    (x, horizon + 60, x + 80, height), fill=_shade(land, 1.2)
                )
            draw.line(
                [(0, horizon + 200), (width, horizon + 200)], fill="white", width=6
            )
            draw.line(
                [(width // 2, horizon + 60), (width // 2, height)],
                fill="white",
                width=6,
            )
            for post_x in (width // 2 - 90, width // 2 + 90):
                draw.line(
                    [(post_x, horizon + 60), (post_x, horizon - 260)],
                    fill="white",
                    width=10,
                )
            draw.line(
                [(width // 2 - 90, horizon - 40), (width // 2 + 90, horizon - 40)],
                fill="white",
                width=10,
            )
    elif scene == "town":
        draw.rectangle((0, horizon, width, height), fill=_shade(dark, 1.3))
        x = 0
        while x < width:
            w, h = rng.randint(140, 260), rng.randint(220, 420)
            colour = _shade(accent, rng.uniform(0.45, 0.95))
            draw.rectangle((x, horizon - h, x + w, horizon + 40), fill=colour)
            draw.polygon(
                [
                    (x - 10, horizon - h),
                    (x + w // 2, horizon - h - 70),
                    (x + w + 10, horizon - h),
                ],
                fill=dark,
            )
            for wy in range(horizon - h + 40, horizon - 40, 90):
                for wx in range(x + 25, x + w - 40, 70):
                    lit = rng.random() < 0.6
                    draw.rectangle(
                        (wx, wy, wx + 36, wy + 50),
                        fill=(250, 230, 150) if lit else _shade(dark, 1.5),
                    )
            x += w + rng.randint(0, 20)
    elif scene == "chart":
        count = rng.randint(6, 9)
        slot = (width - 300) // count
        level = rng.randint(80, 160)
        for i in range(count):
            level += rng.randint(10, 70)
            x0 = 180 + i * slot
            draw.rectangle(
                (x0, height - 120 - level, x0 + slot - 40, height - 120),
                fill=_shade(dark, 1.0 + 0.1 * (i % 3)),
            )
        draw.line(
            [(150, 80), (150, height - 120), (width - 80, height - 120)],
            fill=dark,
            width=8,
        )
        draw.line([(180, height - 220), (width - 140, 180)], fill=accent, width=12)
    elif scene == "stage":
        draw.rectangle((0, height - 220, width, height), fill=_shade(dark, 1.6))
        for cx in (width // 3, 2 * width // 3, width // 2):
            r = rng.randint(180, 260)
            draw.ellipse(
                (cx - r, height - 300 - r // 3, cx + r, height - 300 + r // 3),
                fill=_shade(accent, 1.1),
            )
        draw.rectangle((0, 0, 260, height), fill=(140, 20, 35))
        draw.rectangle((width - 260, 0, width, height), fill=(140, 20, 35))
        draw.rectangle((0, 0, width, 90), fill=(120, 15, 30))
    elif scene == "table":
        draw.rectangle((0, 0, width, height), fill=_shade(accent, 0.55))
        for _ in range(rng.randint(4, 6)):
            cx, cy = rng.randint(200, width - 200), rng.randint(180, height - 180)
            r = rng.randint(110, 160)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(245, 245, 240))
            draw.ellipse(
                (cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2),
                fill=_shade(land, rng.uniform(0.9, 1.4)),
            )
            gx, gy = cx + r + 40, cy - r
            draw.ellipse((gx - 40, gy - 40, gx + 40, gy + 40), outline=dark, width=8)
    elif scene == "map":
        _draw_map(draw, rng, palette, width, height)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def _draw_map(draw, rng, palette, width, height):
    """A street map seen from above: blocks, a river, roads and a pin."""
    land, accent, dark = palette["land"], palette["accent"], palette["dark"]
    draw.rectangle((0, 0, width, height), fill=(238, 234, 222))
    for _ in range(40):
        x, y = rng.randint(0, width), rng.randint(0, height)
        w, h = rng.randint(60, 180), rng.randint(50, 140)
        draw.rectangle((x, y, x + w, y + h), fill=(222, 214, 200))
    for _ in range(3):
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse((x, y, x + 260, y + 180), fill=_shade(land, 1.3))
    river = [(0, rng.randint(height // 2, height))]
    for x in range(200, width + 200, 200):
        river.append((x, river[-1][1] + rng.randint(-90, 60)))
    draw.line(river, fill=(150, 190, 225), width=46)
    for _ in range(5):
        x = rng.randint(0, width)
        draw.line(
            [(x, 0), (x + rng.randint(-200, 200), height)], fill="white", width=18
        )
        y = rng.randint(0, height)
        draw.line([(0, y), (width, y + rng.randint(-150, 150))], fill="white", width=18)
    pin_x, pin_y = width // 2, height // 2
    draw.polygon(
        [(pin_x - 34, pin_y - 60), (pin_x + 34, pin_y - 60), (pin_x, pin_y)],
        fill=accent,
    )
    draw.ellipse((pin_x - 40, pin_y - 120, pin_x + 40, pin_y - 40), fill=accent)
    draw.ellipse((pin_x - 14, pin_y - 94, pin_x + 14, pin_y - 66), fill=dark)
