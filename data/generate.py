"""Rebuild every image and ground-truth mask of the thresholding lesson.

All pictures in this folder are synthetic: they are drawn here, from fixed
random seeds, to look like photographs (paper texture, soft shadows, uneven
light, a camera's noise and sharpening, JPEG compression), and each comes with
the exact mask of
what a learner should find in it.

Usage::

    python data/generate.py [--out DIR]

The default output folder is the folder this script is in.  The same
versions of numpy, scipy, scikit-image and Pillow give the same pixels on
every run.  Everything written here is licensed CC-BY-4.0 by the lesson's
authors.
"""

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage as ndi

HERE = Path(__file__).resolve().parent
LICENSE = "CC-BY-4.0"
JPEG_QUALITY = 90
TRIAL_JPEG_QUALITY = 90
TRIAL_SHAPE = (3008, 2000)  # rows, columns: portrait, like a phone camera
# The camera of each photograph (see camera()): electrons that make a pixel white (fewer
# means more shot noise: a small phone sensor, dim light, a high ISO), read noise in
# electrons, and how strongly the camera sharpens its JPEGs.
CAMERA = {"full_well": 400.0, "read_noise": 3.0, "sharpen": 0.8}  # well lit: paper, dish
ROOT_CAMERA = {"full_well": 150.0, "read_noise": 3.0, "sharpen": 1.2}  # trials: dim room
PAGE_CAMERA = {"full_well": 10000.0, "read_noise": 3.0, "sharpen": 0.0}  # low ISO, tripod
CLOSE_UP_CAMERA = {"full_well": 60.0, "read_noise": 3.0, "sharpen": 1.2}  # maize close-up


# ---------------------------------------------------------------------------
# Small building blocks
# ---------------------------------------------------------------------------


def smooth_noise(rng, shape, sigma, downsample=1):
    """Gaussian-filtered white noise scaled to unit standard deviation.

    With ``downsample > 1`` the noise is made on a smaller grid and enlarged
    with linear interpolation, which is much faster for large blobs.
    """
    small = tuple(max(2, math.ceil(n / downsample)) for n in shape)
    field = ndi.gaussian_filter(rng.standard_normal(small), sigma / downsample)
    field -= field.mean()
    field /= field.std() + 1e-12
    if downsample > 1:
        zoom = [n / m for n, m in zip(shape, small, strict=True)]
        field = ndi.zoom(field, zoom, order=1)[: shape[0], : shape[1]]
    return field.astype(np.float32)


def noise1d(rng, n, sigma):
    """Smooth 1-D noise of about unit standard deviation (along a root).

    Random values every ``sigma`` samples, linearly interpolated: cheap, and
    smooth enough for slow changes of width and brightness.
    """
    knots = rng.standard_normal(int(n / sigma) + 2)
    return np.interp(np.arange(n) / sigma, np.arange(len(knots)), knots)


def lighting(shape, centre, strength, tilt=(0.0, 0.0)):
    """Multiplicative light field: 1 at ``centre`` falling off quadratically.

    ``centre`` is given as fractions of (rows, columns); ``strength`` is the
    darkening at a distance of one image diagonal; ``tilt`` adds a linear
    gradient (per image height, per image width).
    """
    rows, cols = shape
    y = np.linspace(0, 1, rows, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, cols, dtype=np.float32)[None, :]
    aspect = cols / rows
    r2 = (y - centre[0]) ** 2 + ((x - centre[1]) * aspect) ** 2
    r2 /= 1 + aspect**2
    return 1 - strength * r2 + tilt[0] * (y - 0.5) + tilt[1] * (x - 0.5)


def paper_texture(rng, shape, amount=0.02):
    """Fine paper grain: short fibres plus a faint cloudy formation."""
    fibres = ndi.gaussian_filter(rng.standard_normal(shape), (0.6, 1.6))
    fibres /= fibres.std()
    clouds = smooth_noise(rng, shape, 12, downsample=4)
    return (amount * (0.7 * fibres + 0.5 * clouds)).astype(np.float32)


def srgb_to_linear(value):
    """sRGB-encoded values (what a JPEG stores) to linear light, in place."""
    value = np.asarray(value, np.float32)
    np.clip(value, 0, None, out=value)
    low = value <= 0.04045
    out = value
    dark = value[low] / 12.92
    out += 0.055
    out /= 1.055
    np.power(out, 2.4, out=out)
    out[low] = dark
    return out


def linear_to_srgb(value):
    """Linear light to sRGB-encoded values, clipped to [0, 1], in place."""
    value = np.clip(np.asarray(value, np.float32), 0, 1, out=value)
    low = value <= 0.0031308
    dark = value[low] * 12.92
    np.power(value, 1 / 2.4, out=value)
    value *= 1.055
    value -= 0.055
    value[low] = dark
    return value


def camera(rng, scene, lens_sigma, full_well, read_noise, sharpen=0.0):
    """What a camera records of ``scene``: lens blur, then sensor noise in linear light.

    ``scene`` holds the sRGB values a perfect camera would record (above 1 where the
    exposure clips); the result is sRGB in [0, 1], ready for JPEG.  Working in linear
    light, as a sensor does:

    - shot noise: light arrives as photons, so a pixel that collects ``n`` electrons
      varies by about ``sqrt(n)`` (Poisson; drawn here as a Gaussian of that standard
      deviation, which is the same for all but the darkest pixels, and much faster);
      ``full_well`` is the number of electrons that makes a pixel white, so fewer
      electrons (a small phone sensor, a dim room, a high ISO) mean more noise;
    - read noise: the electronics add about ``read_noise`` electrons of Gaussian noise
      to every pixel, whatever the light, which matters most in the dark;
    - each colour channel gets its own noise (each is measured by its own photosites).

    Gamma encoding then stretches the dark values, so the noise is strongest, in the
    stored values, in the shadows.  Works in float32 to spare memory.
    """
    image = np.asarray(scene, np.float32)
    if image.ndim == 3:
        image = ndi.gaussian_filter(image, (lens_sigma, lens_sigma, 0))
    else:
        image = ndi.gaussian_filter(image, lens_sigma)
    electrons = srgb_to_linear(image)
    electrons *= full_well
    # standard deviation sqrt(n + read_noise**2) electrons, in linear units
    spread = np.clip(electrons, 0, None)
    spread += read_noise**2
    np.sqrt(spread, out=spread)
    spread *= rng.standard_normal(image.shape, dtype=np.float32)
    electrons += spread
    del spread
    electrons /= full_well
    image = linear_to_srgb(electrons)
    if sharpen:
        # the camera sharpens its JPEGs (an unsharp mask), which also sharpens the noise
        detail = image - ndi.gaussian_filter(image, (1.0, 1.0, 0)[: image.ndim])
        detail *= sharpen
        image += detail
    return np.clip(image, 0, 1, out=image)


def polygon_coverage(shape, polygons, supersample=3):
    """Anti-aliased coverage in [0, 1] of a list of polygons.

    Each polygon is an (N, 2) array of (row, column) vertices.  Returns one
    coverage array per polygon.
    """
    from skimage.draw import polygon as draw_polygon

    rows, cols = shape
    s = supersample
    out = []
    for poly in polygons:
        big = np.zeros((rows * s, cols * s), np.float32)
        rr, cc = draw_polygon((poly[:, 0] + 0.5) * s - 0.5, (poly[:, 1] + 0.5) * s - 0.5, big.shape)
        big[rr, cc] = 1
        out.append(big.reshape(rows, s, cols, s).mean(axis=(1, 3)))
    return out


def regular_polygon(centre, radius, n, angle):
    t = angle + np.arange(n) * 2 * np.pi / n
    return np.stack([centre[0] + radius * np.sin(t), centre[1] + radius * np.cos(t)], 1)


def star_polygon(centre, radius, points, angle, inner=0.45):
    t = angle + np.arange(2 * points) * np.pi / points
    r = np.where(np.arange(2 * points) % 2 == 0, radius, radius * inner)
    return np.stack([centre[0] + r * np.sin(t), centre[1] + r * np.cos(t)], 1)


def rectangle_polygon(centre, height, width, angle):
    corners = np.array([[-1, -1], [-1, 1], [1, 1], [1, -1]]) * [height / 2, width / 2]
    c, s = math.cos(angle), math.sin(angle)
    rot = corners @ np.array([[c, s], [-s, c]])
    return rot + centre


def ellipse_polygon(centre, ry, rx, angle, n=120):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pts = np.stack([ry * np.sin(t), rx * np.cos(t)], 1)
    c, s = math.cos(angle), math.sin(angle)
    return pts @ np.array([[c, s], [-s, c]]) + centre


def to_uint8(image):
    return np.clip(np.rint(np.asarray(image) * 255), 0, 255).astype(np.uint8)


def save_jpeg(path, image, quality=JPEG_QUALITY):
    Image.fromarray(to_uint8(image)).save(path, quality=quality, optimize=False)


def save_png(path, image):
    Image.fromarray(to_uint8(image)).save(path, optimize=False)


def save_mask(path, mask):
    Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(path)


def font(size):
    """Pillow's own bundled font, so no font file is needed."""
    return ImageFont.load_default(size=size)


def text_layer(shape, lines, size, origin, spacing, angle=0.0):
    """Anti-aliased text coverage in [0, 1], optionally rotated (degrees)."""
    layer = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(layer)
    f = font(size)
    y = origin[0]
    for line in lines:
        draw.text((origin[1], y), line, fill=255, font=f)
        y += spacing
    if angle:
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC)
    return np.asarray(layer, np.float32) / 255


# ---------------------------------------------------------------------------
# Paper shapes
# ---------------------------------------------------------------------------


def random_shapes(rng, shape, count, margin=30, size=(45, 85)):
    """Place ``count`` non-overlapping paper shapes; return their polygons."""
    kinds = [
        "circle",
        "triangle",
        "rectangle",
        "star",
        "square",
        "hexagon",
        "ellipse",
        "circle",
        "triangle",
        "star",
        "rectangle",
        "ellipse",
    ]
    placed = []
    polygons = []
    for kind in kinds[:count]:
        for _ in range(500):
            r = rng.uniform(*size)
            cy = rng.uniform(margin + r, shape[0] - margin - r)
            cx = rng.uniform(margin + r, shape[1] - margin - r)
            if all(math.hypot(cy - y, cx - x) > r + q + 18 for y, x, q in placed):
                break
        placed.append((cy, cx, r))
        a = rng.uniform(0, 2 * np.pi)
        c = (cy, cx)
        if kind == "circle":
            poly = regular_polygon(c, r, 160, a)
        elif kind == "triangle":
            poly = regular_polygon(c, r, 3, a)
        elif kind == "square":
            poly = regular_polygon(c, r, 4, a)
        elif kind == "hexagon":
            poly = regular_polygon(c, r, 6, a)
        elif kind == "star":
            poly = star_polygon(c, r, 5, a)
        elif kind == "ellipse":
            poly = ellipse_polygon(c, r * 0.6, r, a)
        else:
            poly = rectangle_polygon(c, r * 1.0, r * 1.8, a)
        polygons.append(poly)
    return polygons


def paper_shapes_scene(
    rng, shape, background_rgb, colours, background_grain, shadow_strength, light
):
    """Shared renderer for the two shapes pictures; returns (image, mask)."""
    polygons = random_shapes(rng, shape, len(colours))
    coverage = polygon_coverage(shape, polygons)
    total = np.clip(np.sum(coverage, axis=0), 0, 1)

    image = np.empty(shape + (3,), np.float32)
    grain = paper_texture(rng, shape, background_grain)
    for ch in range(3):
        image[..., ch] = background_rgb[ch] + grain
    # Soft shadow cast down and to the right by the slightly lifted paper.
    shadow = ndi.gaussian_filter(ndi.shift(total, (5, 6), order=1), 5.0)
    image *= (1 - shadow_strength * shadow)[..., None]

    for cov, colour in zip(coverage, colours, strict=True):
        tint = paper_texture(rng, shape, 0.018)
        # Cut edges catch a little light: a faint rim just inside the edge.
        rim = np.clip(cov - ndi.uniform_filter(cov, 3), 0, 1) * 0.25
        for ch in range(3):
            paper = colour[ch] * (1 + tint) + rim
            image[..., ch] = image[..., ch] * (1 - cov) + paper * cov
    image *= light[..., None]
    image = camera(rng, image, 0.7, **CAMERA)
    return image, total >= 0.5


def make_shapes_light(out_dir):
    """Coloured paper shapes on white paper: objects darker than background."""
    rng = np.random.default_rng(101)
    shape = (600, 800)
    colours = [
        (0.78, 0.16, 0.14),
        (0.13, 0.30, 0.66),
        (0.10, 0.48, 0.25),
        (0.42, 0.18, 0.55),
        (0.84, 0.38, 0.08),
        (0.10, 0.45, 0.55),
        (0.55, 0.10, 0.30),
        (0.20, 0.22, 0.28),
        (0.70, 0.20, 0.45),
        (0.30, 0.35, 0.10),
    ]
    light = lighting(shape, (0.25, 0.3), 0.22, tilt=(-0.04, -0.03))
    image, mask = paper_shapes_scene(rng, shape, (0.93, 0.92, 0.88), colours, 0.02, 0.4, light)
    return write_pair(out_dir, "shapes-light", ".jpg", image, mask)


def make_shapes_dark(out_dir):
    """Light paper shapes on dark card: objects brighter than background."""
    rng = np.random.default_rng(202)
    shape = (600, 800)
    colours = [
        (0.97, 0.90, 0.52),
        (0.97, 0.74, 0.78),
        (0.70, 0.84, 0.97),
        (0.94, 0.94, 0.92),
        (0.76, 0.94, 0.70),
        (0.98, 0.78, 0.55),
        (0.86, 0.80, 0.97),
        (0.95, 0.95, 0.80),
        (0.80, 0.93, 0.90),
        (0.98, 0.86, 0.68),
    ]
    light = lighting(shape, (0.3, 0.65), 0.25, tilt=(-0.03, 0.03))
    image, mask = paper_shapes_scene(rng, shape, (0.14, 0.13, 0.16), colours, 0.012, 0.5, light)
    return write_pair(out_dir, "shapes-dark", ".jpg", image, mask)


# ---------------------------------------------------------------------------
# Roots
# ---------------------------------------------------------------------------


def grow_path(rng, start, angle, length, step, wander, gravity):
    """Random-walk path: returns (N, 2) points (row, column).

    ``angle`` is the heading in radians (0 = right, pi/2 = down);
    ``wander`` the standard deviation of the heading change per step;
    ``gravity`` how strongly the heading is pulled towards straight down.
    """
    n = max(2, int(length / step))
    kicks = rng.normal(0, wander, n)
    # Smooth the kicks so the root curves rather than zig-zags.
    kicks = ndi.gaussian_filter1d(kicks, 2.0) * 2.0
    pts = np.empty((n, 2))
    pts[0] = start
    heading = angle
    for i in range(1, n):
        heading += kicks[i] + gravity * math.sin(math.pi / 2 - heading)
        pts[i, 0] = pts[i - 1, 0] + step * math.sin(heading)
        pts[i, 1] = pts[i - 1, 1] + step * math.cos(heading)
    return pts


def resample_path(pts, spacing=0.5):
    """Points every ``spacing`` pixels along a polyline, with arc length."""
    seg = np.hypot(*np.diff(pts, axis=0).T)
    s = np.concatenate([[0], np.cumsum(seg)])
    t = np.arange(0, s[-1], spacing)
    return np.stack([np.interp(t, s, pts[:, 0]), np.interp(t, s, pts[:, 1])], 1), t


class RootSystem:
    """A list of root segments sampled densely along their centre line.

    Each root is stored as points (row, col), radius, brightness and the
    local direction, so that it can be rendered and given root hairs.
    """

    def __init__(self):
        self.points, self.radius, self.bright, self.direction = [], [], [], []
        self.primary = []

    def add(self, rng, pts, r_base, r_tip, bright, primary=False):
        dense, s = resample_path(pts)
        if len(dense) < 4:
            return None
        frac = s / s[-1]
        radius = r_tip + (r_base - r_tip) * (1 - frac) ** 0.8
        radius *= 1 + 0.04 * np.clip(noise1d(rng, len(s), 30), -2, 2)
        # Brightness varies along the length (wet patches, soil, age) and the
        # thinnest roots are translucent, so darker.
        along = 1 + 0.12 * np.clip(noise1d(rng, len(s), 80), -2.5, 2.5)
        thin = 0.7 + 0.3 * np.clip(radius / 2.5, 0, 1)
        b = np.clip(bright * along * thin, 0.2, 1.0)
        d = np.gradient(dense, axis=0)
        d /= np.hypot(d[:, 0], d[:, 1])[:, None] + 1e-9
        self.points.append(dense)
        self.radius.append(radius)
        self.bright.append(b)
        self.direction.append(d)
        self.primary.append(primary)
        return dense, radius, s

    def arrays(self, which=None):
        if which is not None:
            keep = [k for k, p in enumerate(self.primary) if p == which]
            return (
                np.concatenate([self.points[k] for k in keep]),
                np.concatenate([self.radius[k] for k in keep]),
                np.concatenate([self.bright[k] for k in keep]),
                np.concatenate([self.direction[k] for k in keep]),
            )
        return (
            np.concatenate(self.points),
            np.concatenate(self.radius),
            np.concatenate(self.bright),
            np.concatenate(self.direction),
        )


def grow_root_system(
    rng,
    crown,
    n_primary,
    primary_length,
    primary_radius,
    lateral_spacing,
    lateral_length,
    scale=1.0,
    spread=(0.25, 2.9),
):
    """Maize-like root system: primaries from a crown, laterals, sub-laterals."""
    system = RootSystem()
    angles = np.sort(rng.uniform(*spread, n_primary))
    for a in angles:
        length = primary_length * rng.uniform(0.65, 1.0)
        start = (
            crown[0] + rng.normal(0, 6 * scale),
            crown[1] + rng.normal(0, 10 * scale),
        )
        pts = grow_path(rng, start, a, length, 4 * scale, 0.035, 0.02)
        r0 = primary_radius * rng.uniform(0.8, 1.15)
        got = system.add(rng, pts, r0, r0 * 0.38, rng.uniform(0.8, 1.0), primary=True)
        if got is None:
            continue
        dense, radius, s = got
        heading = np.arctan2(*np.gradient(dense, axis=0).T)
        pos = rng.uniform(0.05, 0.2) * s[-1]
        side = 1 if rng.random() < 0.5 else -1
        while pos < 0.9 * s[-1]:
            i = int(np.searchsorted(s, pos))
            young = 1 - pos / s[-1]  # laterals near the base are older, longer
            llen = lateral_length * rng.uniform(0.3, 1.0) * (0.35 + 0.65 * young)
            la = heading[i] + side * rng.uniform(0.9, 1.4)
            side = -side if rng.random() < 0.8 else side
            lpts = grow_path(rng, dense[i], la, llen, 3 * scale, 0.06, 0.012)
            lr = max(0.7, radius[i] * rng.uniform(0.25, 0.38))
            lgot = system.add(rng, lpts, lr, 0.5 * scale, rng.uniform(0.7, 0.95))
            if lgot is not None and llen > 160 * scale:
                ld, lrad, ls = lgot
                lhead = np.arctan2(*np.gradient(ld, axis=0).T)
                p2 = rng.uniform(20, 50) * scale
                while p2 < 0.8 * ls[-1]:
                    j = int(np.searchsorted(ls, p2))
                    a2 = lhead[j] + rng.choice([-1, 1]) * rng.uniform(0.8, 1.4)
                    spts = grow_path(
                        rng, ld[j], a2, rng.uniform(12, 60) * scale, 2 * scale, 0.1, 0.0
                    )
                    system.add(rng, spts, max(0.55, lrad[j] * 0.5), 0.45, rng.uniform(0.6, 0.9))
                    p2 += rng.exponential(40 * scale) + 8 * scale
            pos += rng.exponential(lateral_spacing) + 0.3 * lateral_spacing
    return system


def upsample2(a):
    """Enlarge 2x with linear interpolation (pixel centres at 2i + 0.5)."""

    def along(a, axis):
        a = np.moveaxis(a, axis, 0)
        prev = np.concatenate([a[:1], a[:-1]])
        nxt = np.concatenate([a[1:], a[-1:]])
        out = np.empty((2 * a.shape[0],) + a.shape[1:], a.dtype)
        out[0::2] = 0.75 * a + 0.25 * prev
        out[1::2] = 0.75 * a + 0.25 * nxt
        return np.moveaxis(out, 0, axis)

    return along(along(a, 0), 1)


def draw_tube(shape, pts, radius, bright, scale=1):
    """Distance-transform drawing of one group of centre-line points.

    Returns the bounding box (r0, r1, c0, c1) and, inside it, the coverage
    (anti-aliased, in [0, 1]) and the brightness with a rounded profile.
    With ``scale=2`` (the only other choice) the group is drawn at half
    resolution and enlarged: four times faster, and fine for thick roots.
    """
    rows, cols = shape
    pad = math.ceil(radius.max()) + 3
    iy0, iy1 = int(pts[:, 0].min()) - pad, int(pts[:, 0].max()) + pad + 1
    ix0, ix1 = int(pts[:, 1].min()) - pad, int(pts[:, 1].max()) + pad + 1
    r0, r1 = max(0, iy0 - iy0 % scale), min(rows, iy1 + (-iy1) % scale)
    c0, c1 = max(0, ix0 - ix0 % scale), min(cols, ix1 + (-ix1) % scale)
    if r1 <= r0 or c1 <= c0:
        return None
    h, w = -(-(r1 - r0) // scale), -(-(c1 - c0) // scale)
    # centre of small pixel i is at big coordinate scale * i + (scale - 1) / 2
    py = (pts[:, 0] - r0 - (scale - 1) / 2) / scale
    px = (pts[:, 1] - c0 - (scale - 1) / 2) / scale
    iy, ix = np.rint(py).astype(np.intp), np.rint(px).astype(np.intp)
    ok = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
    if not ok.any():
        return None
    flat = iy[ok] * w + ix[ok]
    rmap = np.zeros(h * w, np.float32)
    bmap = np.zeros(h * w, np.float32)
    np.maximum.at(rmap, flat, radius[ok] / scale)
    np.maximum.at(bmap, flat, bright[ok])
    seed = np.ones((h, w), bool)
    seed.flat[flat] = False
    dist, (ny, nx) = ndi.distance_transform_edt(seed, return_indices=True)
    near = ny * w + nx
    r = rmap[near]
    if scale > 1:
        # signed distance to the edge, in big pixels, enlarged smoothly
        edge = upsample2(((r - dist) * scale).astype(np.float32))
        # radius and brightness change slowly: repeating pixels is enough
        big_r, b = (
            np.repeat(np.repeat(a.reshape(h, w), scale, 0), scale, 1)
            for a in (r * scale, bmap[near])
        )
        edge, big_r, b = (a[: r1 - r0, : c1 - c0] for a in (edge, big_r, b))
        rel = np.clip((big_r - edge) / (big_r + 0.5), 0, 1)
    else:
        edge, rel, b = r - dist, dist / (r + 0.5), bmap[near]
    cov = np.clip(edge + 0.5, 0, 1).astype(np.float32)
    val = b * (0.72 + 0.28 * np.sqrt(np.clip(1 - rel**2, 0, 1)))
    return (r0, r1, c0, c1), cov, val.astype(np.float32)


def render_roots(shape, system, classes=(0.0, 1.6)):
    """Rasterise a root system: returns (alpha, value, mask).

    ``alpha`` is the anti-aliased coverage, ``value`` the root brightness
    (with a rounded profile across each root) and ``mask`` the ground truth
    (coverage of at least one half).  Laterals are grouped by radius; each
    primary root is a group of its own, drawn on top.
    """
    alpha = np.zeros(shape, np.float32)
    value = np.zeros(shape, np.float32)
    mask = np.zeros(shape, bool)
    groups = []
    pts, radius, bright, _ = system.arrays(which=False)
    bounds = list(classes) + [np.inf]
    for lo, hi in itertools.pairwise(bounds):
        sel = (radius >= lo) & (radius < hi)
        if sel.any():
            groups.append((pts[sel], radius[sel], bright[sel], 1))
    for k, primary in enumerate(system.primary):
        if primary:
            groups.append((system.points[k], system.radius[k], system.bright[k], 2))
    for pts, radius, bright, scale in groups:
        drawn = draw_tube(shape, pts, radius, bright, scale)
        if drawn is None:
            continue
        (r0, r1, c0, c1), cov, val = drawn
        a = alpha[r0:r1, c0:c1]
        v = value[r0:r1, c0:c1]
        # "over" compositing of this group onto what is already drawn
        new_a = cov + a * (1 - cov)
        v[...] = (val * cov + v * a * (1 - cov)) / np.maximum(new_a, 1e-6)
        a[...] = new_a
        mask[r0:r1, c0:c1] |= cov >= 0.5
    return alpha, value, mask


def splat_lines(shape, start, direction, length, value, curl=None, spacing=0.6):
    """Add many short straight (or slightly curled) lines into an image.

    ``start`` and ``direction`` are (N, 2) arrays (row, column), ``length``
    and ``value`` (N,) arrays.  Overlapping lines add up.  Returns the sum
    image, softened by a small Gaussian blur so each line is about 1 px wide.
    """
    n = len(start)
    t = np.arange(0, length.max() + spacing, spacing)[None, :] * np.ones((n, 1))
    keep = t <= length[:, None]
    bend = 0 if curl is None else curl[:, None] * t**2
    normal = np.stack([direction[:, 1], -direction[:, 0]], 1)
    yy = start[:, 0, None] + direction[:, 0, None] * t + normal[:, 0, None] * bend
    xx = start[:, 1, None] + direction[:, 1, None] * t + normal[:, 1, None] * bend
    val = np.broadcast_to(value[:, None], t.shape)
    yy, xx, val = yy[keep], xx[keep], val[keep]
    iy, ix = np.rint(yy).astype(np.intp), np.rint(xx).astype(np.intp)
    inside = (iy >= 0) & (iy < shape[0]) & (ix >= 0) & (ix < shape[1])
    flat = iy[inside] * shape[1] + ix[inside]
    acc = np.bincount(flat, weights=val[inside] * spacing, minlength=shape[0] * shape[1])
    return ndi.gaussian_filter(acc.reshape(shape).astype(np.float32), 0.55)


def render_root_hairs(rng, shape, system, density=0.22, length=(2.5, 11), max_radius=3.0):
    """Faint root hairs: a fuzz of short fine lines around the thinner roots.

    Returns an opacity in [0, 1]; hairs are not part of the ground truth.
    """
    pts, radius, bright, direction = system.arrays()
    ok = radius < max_radius
    pick = np.flatnonzero(ok & (rng.random(len(pts)) < density))
    n = len(pick)
    side = rng.choice([-1.0, 1.0], n)
    normal = np.stack([direction[pick, 1], -direction[pick, 0]], 1) * side[:, None]
    tilt = direction[pick] * rng.uniform(-0.2, 0.9, n)[:, None]  # mostly towards the tip
    d = normal + tilt
    d /= np.hypot(d[:, 0], d[:, 1])[:, None]
    start = pts[pick] + normal * (radius[pick, None] - 0.3)
    hair_len = rng.uniform(*length, n)
    value = bright[pick] * rng.uniform(0.25, 0.6, n)
    hairs = splat_lines(shape, start, d, hair_len, value, curl=rng.normal(0, 0.02, n))
    return np.clip(hairs * 1.6, 0, 0.9)


# Creamy white; its gray value (skimage's rgb2gray weights) is about 0.86, so the
# roots, blurred, stay below about 0.87, while the white paper of the label and marker
# spreads from about 0.9 to 1 (see paper_brightness).
ROOT_RGB = np.array([0.90, 0.86, 0.74], np.float32)


# Washed roots carry grains of sand and soil onto the cloth: light specks of a pixel or
# two, which a threshold without blur takes for roots.
SAND_RGB = np.array([0.80, 0.76, 0.66], np.float32)
GRAINS_PER_MEGAPIXEL = 3000


def dark_cloth(rng, shape, base=(0.085, 0.08, 0.075), grains_per_megapixel=GRAINS_PER_MEGAPIXEL):
    """Dark, slightly blotchy background with a fine woven/soil texture."""
    rows, cols = shape
    grain = ndi.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), 0.8)
    grain /= grain.std()
    y = np.arange(rows, dtype=np.float32)[:, None]
    x = np.arange(cols, dtype=np.float32)[None, :]
    weave = np.sin(2 * np.pi * y / 5.7) * np.sin(2 * np.pi * x / 5.3)
    blotch = smooth_noise(rng, shape, 60, downsample=8)
    crumbs = smooth_noise(rng, shape, 2.5, downsample=2)
    crumbs = np.clip(crumbs - 2.2, 0, None)  # scattered soil crumbs
    # loose lint fibres lying on the cloth: short, curly, dim
    n = int(rows * cols / 6000)
    angle = rng.uniform(0, 2 * np.pi, n)
    lint = splat_lines(
        shape,
        rng.uniform(0, 1, (n, 2)) * [rows, cols],
        np.stack([np.sin(angle), np.cos(angle)], 1),
        rng.uniform(8, 45, n),
        rng.uniform(0.6, 1.6, n),
        curl=rng.normal(0, 0.012, n),
    )
    lum = 1 + 0.16 * grain + 0.2 * weave + 0.18 * blotch + 0.9 * crumbs + lint
    cloth = np.clip(lum[..., None] * np.asarray(base, np.float32), 0, 1)
    grains = sand_grains(rng, shape, grains_per_megapixel)
    for ch in range(3):  # light grains lying on the cloth: "over" compositing
        cloth[..., ch] += (SAND_RGB[ch] - cloth[..., ch]) * grains
    return cloth


def sand_grains(rng, shape, per_megapixel, radius=(0.5, 1.6)):
    """Opacity in [0, 1] of small round grains scattered at random over ``shape``.

    Each grain is a soft disc of a random radius (pixels) and opacity; they are not
    roots, so no mask includes them.
    """
    rows, cols = shape
    n = int(per_megapixel * rows * cols / 1e6)
    centre = rng.uniform(0, 1, (n, 2)) * [rows, cols]
    r = rng.uniform(*radius, n)
    strength = rng.uniform(0.3, 1.0, n)
    opacity = np.zeros(shape, np.float32)
    pad = math.ceil(radius[1]) + 2
    offsets = np.arange(-pad, pad + 1)
    for (cy, cx), ri, si in zip(centre, r, strength, strict=True):
        iy, ix = int(cy), int(cx)
        ys = np.clip(iy + offsets, 0, rows - 1)
        xs = np.clip(ix + offsets, 0, cols - 1)
        d = np.hypot(ys[:, None] + 0.5 - cy, xs[None, :] + 0.5 - cx)
        disc = np.clip(ri - d + 0.5, 0, 1) * si
        patch = opacity[np.ix_(ys, xs)]
        opacity[np.ix_(ys, xs)] = np.maximum(patch, disc)
    return opacity


ROOT_TEXTURE = 0.15
HAIR_OPACITY = 0.6


def composite_roots(rng, shape, system, background, light, hairs=True):
    alpha, value, mask = render_roots(shape, system)
    image = background
    image *= light[..., None]
    lit = light * 0.9 + 0.1  # roots catch a little more light than the cloth
    lit *= value
    # fine texture of the root surface: cell files, specks of soil, water films
    lit *= 1 + ROOT_TEXTURE * smooth_noise(rng, shape, 1.0)
    h = render_root_hairs(rng, shape, system) * HAIR_OPACITY if hairs else None
    for ch in range(3):  # channel by channel: "over" compositing, in place
        c = image[..., ch]
        c += (lit * ROOT_RGB[ch] - c) * alpha
        if hairs:
            c += (ROOT_RGB[ch] * 0.8 - c) * h
    return image, mask


MAIZE_SHAPE = (600, 800)
MAIZE_LIGHT = ((0.3, 0.4), 0.3)  # brightest spot (fractions of rows, columns), fall-off


def make_maize_roots(out_dir):
    """A close-up of a bundle of maize roots, for Otsu's method."""
    rng = np.random.default_rng(303)
    shape = MAIZE_SHAPE
    system = grow_root_system(
        rng,
        crown=(-40, 250),
        n_primary=14,
        primary_length=1100,
        primary_radius=9.0,
        lateral_spacing=35,
        lateral_length=180,
        scale=1.0,
        spread=(0.35, 1.6),
    )
    background = dark_cloth(rng, shape)
    light = lighting(shape, *MAIZE_LIGHT)
    image, mask = composite_roots(rng, shape, system, background, light)
    image = camera(rng, image, 0.8, **CLOSE_UP_CAMERA)
    return write_pair(out_dir, "maize-roots", ".jpg", image, mask)


# ---------------------------------------------------------------------------
# Root-system trial photographs
# ---------------------------------------------------------------------------

TRIALS = {
    # seed, number of primary roots, their length and base radius (pixels), mean
    # spacing and length of laterals (pixels), date printed on the label
    "trial-016": {
        "seed": 16,
        "n_primary": 6,
        "primary_length": 2000,
        "primary_radius": 6.5,
        "lateral_spacing": 55,
        "lateral_length": 260,
        "date": "2026-03-02",
    },
    "trial-020": {
        "seed": 20,
        "n_primary": 9,
        "primary_length": 2400,
        "primary_radius": 7.5,
        "lateral_spacing": 42,
        "lateral_length": 340,
        "date": "2026-03-02",
    },
    "trial-216": {
        "seed": 216,
        "n_primary": 12,
        "primary_length": 2600,
        "primary_radius": 8.5,
        "lateral_spacing": 34,
        "lateral_length": 420,
        "date": "2026-03-16",
    },
    "trial-293": {
        "seed": 293,
        "n_primary": 16,
        "primary_length": 2750,
        "primary_radius": 9.5,
        "lateral_spacing": 28,
        "lateral_length": 480,
        "date": "2026-03-23",
    },
}


LABEL_FONT = (48, 36, 28)


def label_and_marker(rng, shape, trial_id, date):
    """White paper label with printed text, and a round white marker.

    Returns (paper, ink, shadow): coverage of the white paper (label and
    marker), coverage of the printed ink, and a soft shadow around them.
    """
    rows, cols = shape
    lh, lw = 330, 720
    label = Image.new("L", (lw, lh), 255)
    draw = ImageDraw.Draw(label)
    draw.text((40, 40), f"TRIAL {trial_id}", fill=0, font=font(LABEL_FONT[0]))
    draw.text((40, 150), date, fill=0, font=font(LABEL_FONT[1]))
    draw.text((40, 235), "maize  |  21 DAS  |  tray B", fill=0, font=font(LABEL_FONT[2]))
    angle = rng.uniform(-4, 4)
    big = Image.new("L", (cols, rows), 0)
    ink_big = Image.new("L", (cols, rows), 0)
    paper_tile = Image.new("L", (lw, lh), 255)
    top = int(rows - lh - 140 + rng.integers(-30, 30))
    left = int(90 + rng.integers(-30, 30))
    big.paste(
        paper_tile.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True),
        (left, top),
    )
    ink_tile = Image.eval(label, lambda v: 255 - v)
    ink_big.paste(
        ink_tile.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True),
        (left, top),
    )
    paper = np.asarray(big, np.float32) / 255
    ink = np.asarray(ink_big, np.float32) / 255
    # round white marker (a reference sticker), top right
    cy, cx, r = 230 + rng.integers(-20, 20), cols - 230 + rng.integers(-20, 20), 95
    yy, xx = np.ogrid[:rows, :cols]
    d = np.hypot(yy - cy, xx - cx)
    paper = np.maximum(paper, np.clip(r - d + 0.5, 0, 1))
    # soft shadow down and to the right, computed only around each paper
    shadow = np.zeros_like(paper)
    for found in ndi.find_objects(ndi.label(paper > 0)[0]):
        box = tuple(
            slice(max(0, sl.start - 60), min(n, sl.stop + 60))
            for sl, n in zip(found, shape, strict=True)
        )
        shadow[box] = np.maximum(
            shadow[box], ndi.gaussian_filter(ndi.shift(paper[box], (10, 8), order=0), 9)
        )
    return paper, ink, shadow


# White paper under the lamp: the brightest parts clip at 255, but the light falls off,
# the paper is not quite flat (it curls, so one side gets less light) and it has a grain.
PAPER_WHITE = 1.12
PAPER_CURL = 0.08


def paper_brightness(rng, shape, light):
    """Brightness of white paper (label or marker) under ``light``, same shape.

    The lamp's light, a shading that falls by ``PAPER_CURL`` from one side of the paper
    to the other (in a random direction), and paper grain.
    """
    rows, cols = shape
    angle = rng.uniform(0, 2 * np.pi)
    y = np.linspace(-0.5, 0.5, rows, dtype=np.float32)[:, None]
    x = np.linspace(-0.5, 0.5, cols, dtype=np.float32)[None, :]
    ramp = math.sin(angle) * y + math.cos(angle) * x  # -0.5 .. 0.5 along the direction
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    grain = paper_texture(rng, shape, 0.02)
    return PAPER_WHITE * light * (1 - PAPER_CURL * ramp) * (1 + grain)


def make_trial(out_dir, name):
    """A whole root system on dark cloth, with label and marker."""
    p = TRIALS[name]
    rng = np.random.default_rng(p["seed"])
    shape = TRIAL_SHAPE
    cols = shape[1]
    crown = (rng.uniform(150, 260), cols / 2 + rng.uniform(-150, 150))
    system = grow_root_system(
        rng,
        crown,
        p["n_primary"],
        p["primary_length"],
        p["primary_radius"],
        p["lateral_spacing"],
        p["lateral_length"],
    )
    background = dark_cloth(rng, shape)
    light = lighting(
        shape,
        (rng.uniform(0.3, 0.5), rng.uniform(0.35, 0.65)),
        0.35,
        tilt=(rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06)),
    )
    image, mask = composite_roots(rng, shape, system, background, light)
    paper, ink, shadow = label_and_marker(rng, shape, name.split("-")[1], p["date"])
    for box in ndi.find_objects(ndi.label(shadow > 0)[0]):  # around label, marker
        sh, pa, ink_box = shadow[box], paper[box], ink[box]
        image[box] *= (1 - 0.5 * sh * (1 - pa))[..., None]
        white = paper_brightness(rng, pa.shape, light[box])
        for ch, darkness in enumerate((0.82, 0.82, 0.78)):
            c = image[box + (ch,)]
            c += (white * (1 - darkness * ink_box) - c) * pa
    mask &= paper < 0.5
    image = camera(rng, image, 0.7, **ROOT_CAMERA)
    return write_pair(out_dir, name, ".jpg", image, mask, quality=TRIAL_JPEG_QUALITY)


# ---------------------------------------------------------------------------
# Text under uneven light
# ---------------------------------------------------------------------------

UNEVEN_TEXT = [
    "Thresholding turns a grey image into a mask: every pixel",
    "is either foreground or background. A single global",
    "threshold assumes that the light is the same everywhere.",
    "Here it is not: one corner is bright, the opposite corner",
    "is in deep shadow, and a dark band crosses the page.",
    "Paper in the shadow is darker than ink in the light, so",
    "no single number can separate the two of them at once.",
    "A local threshold compares each pixel with the mean of",
    "its neighbours instead, and so it finds the ink anywhere.",
    "Block size, offset and direction all matter. Try it out!",
    "0123456789  + - * / =  (a, b)  [c; d]  {e: f}  x < y > z",
]


def make_uneven_text(out_dir):
    """Printed text under a strong light gradient and vignette."""
    rng = np.random.default_rng(404)
    shape = (640, 900)
    ink = text_layer(shape, UNEVEN_TEXT, 29, (40, 40), 50, angle=-1.2)
    paper = 0.86 + paper_texture(rng, shape, 0.015)
    reflect = paper * (1 - 0.88 * ink)
    y = np.linspace(0, 1, shape[0], dtype=np.float32)[:, None]
    x = np.linspace(0, 1, shape[1], dtype=np.float32)[None, :]
    # A lamp near the top-left corner and a soft diagonal shadow band.
    light = np.exp(-((y + 0.1) ** 2 + (x + 0.05) ** 2) / 0.55)
    band = 1 - 0.45 / (1 + np.exp(-(x * 0.9 + y * 0.6 - 0.95) * 14))
    light = 0.1 + 0.95 * light * band
    image = camera(rng, reflect * light, 0.6, **PAGE_CAMERA)
    return write_pair(out_dir, "uneven-text", ".png", image, ink >= 0.5)


# ---------------------------------------------------------------------------
# Petri dish with colonies
# ---------------------------------------------------------------------------


DISH_CENTRE = (400.0, 400.0)  # row, column of the Petri dish in colonies.jpg
DISH_RADIUS = 340.0  # outer radius of the dish wall
AGAR_RADIUS = DISH_RADIUS - 14


def colony_layout(seed=505, centre=DISH_CENTRE, radius=AGAR_RADIUS - 10):
    """Centres and radii of the colonies: singles, touching pairs, a triple.

    Returns an (N, 3) array of (row, column, radius), one row per colony.
    """
    rng = np.random.default_rng(seed)
    colonies = []

    def free(y, x, r, gap):
        if math.hypot(y - centre[0], x - centre[1]) > radius - r - 8:
            return False
        return all(math.hypot(y - a, x - b) > r + c + gap for a, b, c in colonies)

    def place(r, gap=6):
        for _ in range(2000):
            y = rng.uniform(centre[0] - radius, centre[0] + radius)
            x = rng.uniform(centre[1] - radius, centre[1] + radius)
            if free(y, x, r, gap):
                colonies.append((y, x, r))
                return len(colonies) - 1
        return None

    def neighbour(i, r):
        y0, x0, r0 = colonies[i]
        for _ in range(200):
            a = rng.uniform(0, 2 * np.pi)
            dist = (r0 + r) * rng.uniform(0.86, 0.97)
            y, x = y0 + dist * math.sin(a), x0 + dist * math.cos(a)
            others = [c for k, c in enumerate(colonies) if k != i]
            if math.hypot(y - centre[0], x - centre[1]) < radius - r - 8 and all(
                math.hypot(y - a2, x - b2) > r + c2 + 6 for a2, b2, c2 in others
            ):
                colonies.append((y, x, r))
                return len(colonies) - 1
        return None

    # a few large colonies, then touching groups, then many small singles
    for r in rng.uniform(18, 28, 5):
        place(r, gap=10)
    for _ in range(7):  # touching pairs
        i = place(rng.uniform(9, 17), gap=30)
        if i is not None:
            neighbour(i, rng.uniform(8, 15))
    i = place(16, gap=45)  # one chain of three
    if i is not None:
        j = neighbour(i, 13)
        if j is not None:
            neighbour(j, 11)
    for r in rng.uniform(4, 12, 45):
        place(r, gap=6)
    return np.array(colonies)


def draw_colonies(rng, image, yy, xx, layout):
    """Draw creamy domes with slightly wavy edges into ``image``, in place.

    Returns the mask of the colonies and an image of their numbers (1, 2, ...).
    """
    mask = np.zeros(image.shape[:2], bool)
    ids = np.zeros(image.shape[:2], np.int32)
    colony_rgb = np.array([0.93, 0.88, 0.74], np.float32)
    for k, (cy, cx, r) in enumerate(layout, start=1):
        pad = int(r * 1.2) + 4
        r0, r1 = int(cy) - pad, int(cy) + pad + 1
        c0, c1 = int(cx) - pad, int(cx) + pad + 1
        py, px = yy[r0:r1, c0:c1] - cy, xx[r0:r1, c0:c1] - cx
        dd = np.hypot(py, px)
        ang = np.arctan2(py, px)
        # slightly irregular outline: a few random low harmonics
        wob = 1 + sum(
            rng.normal(0, 0.022 / math.sqrt(k)) * np.sin(k * ang + rng.uniform(0, 6.3))
            for k in range(2, 8)
        )
        edge = r * wob
        # opaque in the middle, a little translucent at the rim
        cov = np.clip(edge - dd + 0.5, 0, 1) * (0.8 + 0.2 * np.clip((edge - dd) / (0.3 * r), 0, 1))
        dome = 0.8 + 0.2 * np.sqrt(np.clip(1 - (dd / edge) ** 2, 0, 1))
        glint = np.exp(-((py + 0.35 * r) ** 2 + (px + 0.35 * r) ** 2) / (0.06 * r * r + 1))
        shade = rng.uniform(0.85, 1.0)
        col = colony_rgb * (dome * shade)[..., None] + 0.12 * glint[..., None]
        patch = image[r0:r1, c0:c1]
        patch[...] = patch * (1 - cov[..., None]) + col * cov[..., None]
        inside = dd <= edge
        mask[r0:r1, c0:c1] |= inside
        ids[r0:r1, c0:c1][inside] = k
    return mask, ids


def make_colonies(out_dir):
    """Bacterial colonies on agar in a Petri dish, seen from above."""
    rng = np.random.default_rng(506)
    rows = cols = 800
    centre, dish_r = DISH_CENTRE, DISH_RADIUS
    yy, xx = np.mgrid[:rows, :cols].astype(np.float32)
    d = np.hypot(yy - centre[0], xx - centre[1])
    # black velvet under the dish
    image = np.empty((rows, cols, 3), np.float32)
    image[:] = np.array([0.06, 0.06, 0.07], np.float32)
    image *= (1 + 0.15 * smooth_noise(rng, (rows, cols), 1.0))[..., None]
    # agar: translucent amber, a little brighter in the middle
    agar_r = AGAR_RADIUS
    agar = np.clip(agar_r - d + 0.5, 0, 1)
    agar_rgb = np.array([0.62, 0.47, 0.24], np.float32)
    agar_lum = 0.9 + 0.1 * (1 - (d / agar_r) ** 2) + 0.012 * smooth_noise(rng, (rows, cols), 25, 4)
    image = image * (1 - agar[..., None]) + (agar_lum[..., None] * agar_rgb) * agar[..., None]
    # plastic wall of the dish: a thin bright ring with a highlight arc
    theta = np.arctan2(yy - centre[0], xx - centre[1])
    ring = np.exp(-(((d - (dish_r - 6)) / 3.0) ** 2)) + 0.6 * np.exp(-(((d - dish_r) / 1.5) ** 2))
    glint = 0.35 + 0.65 * np.clip(np.cos(theta + 2.3), 0, 1) ** 3
    image += (ring * glint * 0.75)[..., None] * np.array([0.95, 0.95, 1.0], np.float32)
    # colonies: creamy domes with slightly wavy edges
    layout = colony_layout()  # the defaults are this dish
    mask, ids = draw_colonies(rng, image, yy, xx, layout)
    light = lighting((rows, cols), (0.35, 0.4), 0.25)
    image *= light[..., None]
    image = camera(rng, image, 0.8, **CAMERA)
    files = write_pair(out_dir, "colonies", ".jpg", image, mask)
    drawn = len(np.unique(ids[ids > 0]))
    components = int(ndi.label(mask)[1])
    return files, {
        "colonies": len(layout),
        "colonies_visible": drawn,
        "mask_components": components,
        "agar": {"row": centre[0], "column": centre[1], "radius": agar_r},
    }


# ---------------------------------------------------------------------------
# Granular cells: objects that differ from the background in texture only
# ---------------------------------------------------------------------------

CELLS_SHAPE = (512, 512)
CELLS = {"granular-cells": 707, "granular-cells-2": 708}  # name: seed
CELL_COUNT = 14
CELL_GRAIN = 0.16  # standard deviation of the cells' granular texture
BACKGROUND_GRAIN = 0.04  # and of the background's smooth, low texture
CELLS_TILT = (0.25, 0.4)  # uneven light: brighter to the right and to the bottom
STROKE_WIDTH = 3  # pixels, a thin brush
STROKES_SEED = 7
# A microscope's camera: brightly lit, low noise, and it does not sharpen.
MICROSCOPE_CAMERA = {"full_well": 2000.0, "read_noise": 3.0, "sharpen": 0.0}


def cell_layout(rng, shape, count, radius=(16, 40), margin=12, gap=10):
    """``count`` ellipses that do not touch: (row, column, radius, ry, rx, angle) each."""
    cells = []
    while len(cells) < count:
        ry, rx = rng.uniform(*radius, 2)
        r = max(ry, rx)
        cy = rng.uniform(margin + r, shape[0] - margin - r)
        cx = rng.uniform(margin + r, shape[1] - margin - r)
        if all(math.hypot(cy - c[0], cx - c[1]) > r + c[2] + gap for c in cells):
            cells.append((cy, cx, r, ry, rx, rng.uniform(0, np.pi)))
    return cells


def granular_cells(seed, shape=CELLS_SHAPE, count=CELL_COUNT):
    """Grainy cells on a smooth background of the same mean brightness, under uneven light.

    Returns the image in [0, 1], the mask and the cells' layout.
    """
    rng = np.random.default_rng(seed)
    cells = cell_layout(rng, shape, count)
    outlines = [ellipse_polygon((c[0], c[1]), c[3], c[4], c[5]) for c in cells]
    coverage = np.clip(np.sum(polygon_coverage(shape, outlines), axis=0), 0, 1)
    background = 0.5 + BACKGROUND_GRAIN * smooth_noise(rng, shape, 4)
    grain = 0.5 + CELL_GRAIN * smooth_noise(rng, shape, 1.0)
    soft = ndi.gaussian_filter(coverage, 1.5)  # a cell's edge fades into the background
    scene = background * (1 - soft) + grain * soft
    scene *= lighting(shape, (0.5, 0.5), 0.0, tilt=CELLS_TILT)
    image = camera(rng, scene, 0.5, **MICROSCOPE_CAMERA)
    return image, coverage >= 0.5, cells


def hand_stroke(rng, centre, angle, length, wobble=1.5, points=12):
    """A short line as a hand draws it: (x, y) points along ``angle``, wobbling sideways."""
    along = np.linspace(-length / 2, length / 2, points)
    aside = noise1d(rng, points, 4)[:points] * wobble
    c, s = math.cos(angle), math.sin(angle)
    return [
        (centre[1] + a * c - b * s, centre[0] + a * s + b * c)
        for a, b in zip(along, aside, strict=True)
    ]


def stroke_pixels(shape, points, width):
    """The pixels a brush ``width`` pixels wide covers along ``points`` (x, y)."""
    layer = Image.new("L", (shape[1], shape[0]), 0)
    ImageDraw.Draw(layer).line(points, fill=1, width=width, joint="curve")
    return np.asarray(layer) > 0


def quarters(cells, shape):
    """The cells of each quarter of the image: top left, top right, bottom left, bottom right."""
    rows, cols = shape
    return [
        [c for c in cells if (c[0] >= rows / 2, c[1] >= cols / 2) == (bottom, right)]
        for bottom, right in itertools.product((False, True), repeat=2)
    ]


def across_cell(rng, shape, cell, width):
    """The pixels of a stroke drawn across the middle of ``cell``, as a hand draws it."""
    cy, cx, _, ry, rx, _ = cell
    points = hand_stroke(rng, (cy, cx), rng.uniform(0, np.pi), 1.2 * min(ry, rx))
    return stroke_pixels(shape, points, width)


def training_strokes(rng, mask, cells, width=STROKE_WIDTH, regions=(2, 3)):
    """Strokes as a careful person would draw them: 0 unlabelled, 1 background, 2 cell.

    One stroke across the middle of a cell in each quarter of the image, and one
    background stroke in each of ``regions`` (rows, columns) parts of it, at least a few
    pixels from any cell: cells and background in the dim and in the bright light.
    """
    rows, cols = mask.shape
    labels = np.zeros(mask.shape, np.uint8)
    for quarter in quarters(cells, mask.shape):
        labels[across_cell(rng, mask.shape, quarter[rng.integers(len(quarter))], width)] = 2
    distance = ndi.distance_transform_edt(~mask)
    height, length = rows / regions[0], cols / regions[1]
    for row, col in itertools.product(range(regions[0]), range(regions[1])):
        while True:
            cy = rng.uniform(row * height + 20, (row + 1) * height - 20)
            cx = rng.uniform(col * length + 20, (col + 1) * length - 20)
            points = hand_stroke(rng, (cy, cx), rng.uniform(0, np.pi), rng.uniform(40, 70))
            if distance[stroke_pixels(mask.shape, points, width + 6)].min() > 0:
                labels[stroke_pixels(mask.shape, points, width)] = 1
                break
    return labels


def make_granular_cells(out_dir, name):
    """One of the two granular-cells images; the first also gets its training strokes."""
    image, mask, cells = granular_cells(CELLS[name])
    files = write_pair(out_dir, name, ".png", image, mask)
    extra = {"cells": len(cells)}
    if name == "granular-cells":
        strokes = training_strokes(np.random.default_rng(STROKES_SEED), mask, cells)
        path = Path(out_dir) / f"{name}-strokes.png"
        Image.fromarray(strokes).save(path, optimize=False)
        files.append(path)
        extra["strokes"] = path.name
        extra["strokes_by"] = "training_strokes"
    return files, extra


# ---------------------------------------------------------------------------
# Mixed tissue: cells that only a combination of features finds
# ---------------------------------------------------------------------------

TISSUE = {"mixed-tissue": 801, "mixed-tissue-2": 802}  # name: seed
TISSUE_DARK, TISSUE_BRIGHT = 0.32, 0.6  # mean brightness of dark and of bright tissue
TISSUE_GRAIN = 0.14  # standard deviation of the grain, in the cells and in grainy patches
TISSUE_PATCHES = 0.7  # a patch where smooth noise (sigma 28) is above this, or below minus it
TISSUE_STROKES_SEED = 7


def mixed_tissue(seed, shape=CELLS_SHAPE, count=CELL_COUNT):
    """Dark, grainy cells on tissue with smooth dark patches and grainy bright patches.

    A cell is dark *and* grainy; the background is bright and smooth, dark and smooth (in
    one kind of patch) or bright and grainy (in the other). So neither brightness nor
    texture alone separates cells from background; both together do. Returns the image in
    [0, 1], the mask, the cells' layout and the two kinds of patch (boolean masks).
    """
    rng = np.random.default_rng(seed)
    cells = cell_layout(rng, shape, count)
    outlines = [ellipse_polygon((c[0], c[1]), c[3], c[4], c[5]) for c in cells]
    coverage = np.clip(np.sum(polygon_coverage(shape, outlines), axis=0), 0, 1)
    field = smooth_noise(rng, shape, 28)  # one field, so the two kinds of patch never touch
    dark = ndi.gaussian_filter((field > TISSUE_PATCHES).astype(np.float32), 6)
    grainy = ndi.gaussian_filter((field < -TISSUE_PATCHES).astype(np.float32), 6)
    fine = smooth_noise(rng, shape, 1.0)
    background = TISSUE_BRIGHT + (TISSUE_DARK - TISSUE_BRIGHT) * dark
    background += 0.03 * smooth_noise(rng, shape, 4) + TISSUE_GRAIN * fine * grainy
    cell = TISSUE_DARK + TISSUE_GRAIN * fine
    soft = ndi.gaussian_filter(coverage, 1.5)  # a cell's edge fades into the background
    scene = background * (1 - soft) + cell * soft
    image = camera(rng, scene, 0.5, **MICROSCOPE_CAMERA)
    return image, coverage >= 0.5, cells, dark > 0.5, grainy > 0.5


def tissue_strokes(rng, mask, cells, kinds, width=STROKE_WIDTH, per_kind=3):
    """Strokes for mixed-tissue: 0 unlabelled, 1 background, 2 cell.

    Two strokes across cells in each quarter of the image, and ``per_kind`` background
    strokes inside each kind of background (boolean masks ``kinds``), at least a few pixels
    from any cell and from the kind's edge.
    """
    rows, cols = mask.shape
    labels = np.zeros(mask.shape, np.uint8)
    for quarter in quarters(cells, mask.shape):
        for k in rng.choice(len(quarter), 2, replace=False):
            labels[across_cell(rng, mask.shape, quarter[k], width)] = 2
    for kind in kinds:
        inside = ndi.distance_transform_edt(kind & ~mask) > 3
        for _ in range(per_kind):
            while True:
                cy, cx = rng.uniform(20, rows - 20), rng.uniform(20, cols - 20)
                points = hand_stroke(rng, (cy, cx), rng.uniform(0, np.pi), rng.uniform(30, 50))
                pixels = stroke_pixels(mask.shape, points, width)
                if inside[pixels].all():
                    labels[pixels] = 1
                    break
    return labels


def make_mixed_tissue(out_dir, name):
    """One of the two mixed-tissue images; the first also gets its training strokes."""
    image, mask, cells, dark, grainy = mixed_tissue(TISSUE[name])
    files = write_pair(out_dir, name, ".png", image, mask)
    extra = {"cells": len(cells)}
    if name == "mixed-tissue":
        kinds = [~dark & ~grainy, dark, grainy]  # smooth bright, smooth dark, grainy bright
        strokes = tissue_strokes(np.random.default_rng(TISSUE_STROKES_SEED), mask, cells, kinds)
        path = Path(out_dir) / f"{name}-strokes.png"
        Image.fromarray(strokes).save(path, optimize=False)
        files.append(path)
        extra["strokes"] = path.name
        extra["strokes_by"] = "tissue_strokes"
    return files, extra


# ---------------------------------------------------------------------------
# Writing, manifest and README
# ---------------------------------------------------------------------------


def write_pair(out_dir, name, ext, image, mask, quality=JPEG_QUALITY):
    """Write ``<name><ext>`` and ``<name>-mask.png``; return both paths."""
    out_dir = Path(out_dir)
    image_path = out_dir / f"{name}{ext}"
    if ext == ".jpg":
        save_jpeg(image_path, image, quality)
    else:
        save_png(image_path, image)
    mask_path = out_dir / f"{name}-mask.png"
    save_mask(mask_path, mask)
    return [image_path, mask_path]


PHOTO = (
    "lens blur, shot and read noise added in linear light (camera(), {camera}), the "
    "camera's sharpening, and saved as JPEG (quality {q})"
)

# For each image: what it shows, what it teaches, the function that makes it,
# and how it is made.
DESCRIPTIONS = {
    "shapes-light": {
        "description": (
            "Shapes cut from coloured paper lying on white paper, under slightly uneven light."
        ),
        "teaches": (
            "A fixed-level threshold with `<`: the objects are darker than the background."
        ),
        "function": "make_shapes_light",
        "made": (
            "Ten polygons (circles, triangles, rectangles, stars...) drawn at 3x and "
            "averaged for smooth edges; fibrous paper grain on both papers, a soft shadow, "
            "lamp fall-off, " + PHOTO.format(camera="well lit", q=JPEG_QUALITY) + "."
        ),
    },
    "shapes-dark": {
        "description": "Shapes cut from light paper lying on dark card.",
        "teaches": (
            "A fixed-level threshold with `>`: the objects are brighter than the background."
        ),
        "function": "make_shapes_dark",
        "made": (
            "Same renderer as shapes-light (paper_shapes_scene), other seed and colours: "
            "pale papers on dark card, soft shadow, lamp fall-off, "
            + PHOTO.format(camera="well lit", q=JPEG_QUALITY)
            + "."
        ),
    },
    "maize-roots": {
        "description": (
            "Close-up of a bundle of bright maize roots on dark cloth, with grains of sand, "
            "in dim light: a noisy picture."
        ),
        "teaches": (
            "Otsu's method: the histogram has two clear peaks, roots and background; "
            "a blur of sigma 1 removes the noise and the grains before thresholding."
        ),
        "function": "make_maize_roots",
        "made": (
            "Random-walk roots with laterals and root hairs (grow_root_system, "
            "render_roots) on a woven cloth texture with grains of sand (sand_grains); "
            "a lamp whose light falls off by "
            f"{1 - lighting(MAIZE_SHAPE, *MAIZE_LIGHT).min():.0%} from the brightest spot to "
            "the far corner (mildly uneven: one global threshold still works); "
            + PHOTO.format(camera="dim light, the noisiest", q=JPEG_QUALITY)
            + "."
        ),
    },
    "uneven-text": {
        "description": (
            "Printed text lit by a lamp from one corner, with a shadow band (grayscale)."
        ),
        "teaches": ("Adaptive (local) thresholding: every global threshold fails on this image."),
        "function": "make_uneven_text",
        "made": (
            "Text drawn with Pillow's bundled font on grainy paper, multiplied by a strong "
            "light fall-off and a soft shadow band, "
            + PHOTO.format(camera="well lit", q=0).split(", and saved")[0]
            + "; saved as 8-bit grayscale PNG."
        ),
    },
    "colonies": {
        "description": (
            "Bacterial colonies of different sizes on agar in a Petri dish; some touch."
        ),
        "teaches": (
            "Thresholding and counting objects. Otsu's threshold separates the dish from "
            "the black velvet, not the colonies from the agar; multi-Otsu with three "
            "classes (`ski.filters.threshold_multiotsu`) finds the colonies. Touching "
            "colonies merge into one object of the mask."
        ),
        "function": "make_colonies",
        "made": (
            "Colonies placed by colony_layout (singles, touching pairs and a chain of "
            "three), drawn as domes with wavy edges on amber agar, inside a dish wall "
            "with a glint, on black velvet; uneven light, "
            + PHOTO.format(camera="well lit", q=JPEG_QUALITY)
            + "."
        ),
    },
}
CELLS_MADE = (
    f"{CELL_COUNT} ellipses that do not touch (cell_layout), filled with a fine granular "
    f"texture (standard deviation {CELL_GRAIN}) whose mean is the background's, on a "
    f"background with a smooth, faint texture (standard deviation {BACKGROUND_GRAIN}); the "
    "edges blended with a blurred mask; uneven light, brighter to the right and the bottom; "
    "lens blur, shot and read noise added in linear light (camera(), a microscope's camera "
    "that does not sharpen); saved as 8-bit grayscale PNG, so that no JPEG smears the texture."
)
DESCRIPTIONS["granular-cells"] = {
    "description": (
        "Generated micrograph of grainy cells on a smooth background of the same mean "
        "brightness, under uneven light (grayscale)."
    ),
    "teaches": (
        "Filter, then threshold: the cells differ from the background in texture, not in "
        "brightness, so every global and every local threshold on brightness fails, and "
        "Otsu's threshold of the local standard deviation finds them; a pixel classifier "
        "trained from a few strokes (`granular-cells-strokes.png`) finds them too."
    ),
    "function": 'make_granular_cells(out_dir, "granular-cells")',
    "made": CELLS_MADE,
}
DESCRIPTIONS["granular-cells-2"] = {
    "description": "Another micrograph like granular-cells, from another seed.",
    "teaches": (
        "The same filter and threshold on a second image, and a pixel classifier trained on "
        "granular-cells' strokes measured on an image it never saw."
    ),
    "function": 'make_granular_cells(out_dir, "granular-cells-2")',
    "made": CELLS_MADE,
}
TISSUE_MADE = (
    f"{CELL_COUNT} ellipses that do not touch (cell_layout), dark (mean {TISSUE_DARK}) and "
    f"grainy (standard deviation {TISSUE_GRAIN}), on bright tissue (mean {TISSUE_BRIGHT}) "
    "with large smooth dark patches and large grainy bright patches (where one smooth noise "
    "field is high, or low); the edges blended with a blurred mask; lens blur, shot and "
    "read noise added in linear light (camera(), a microscope's camera that does not "
    "sharpen); saved as 8-bit grayscale PNG."
)
DESCRIPTIONS["mixed-tissue"] = {
    "description": (
        "Generated micrograph of dark, grainy cells on bright tissue with smooth dark "
        "patches and grainy bright patches (grayscale)."
    ),
    "teaches": (
        "When one filtered feature is not enough: brightness alone takes the dark patches "
        "for cells, texture alone the grainy ones; a pixel classifier trained from a few "
        "strokes (`mixed-tissue-strokes.png`) combines the two."
    ),
    "function": 'make_mixed_tissue(out_dir, "mixed-tissue")',
    "made": TISSUE_MADE,
}
DESCRIPTIONS["mixed-tissue-2"] = {
    "description": "Another micrograph like mixed-tissue, from another seed.",
    "teaches": (
        "Measuring a pixel classifier on an image it never saw: the classifier trained on "
        "mixed-tissue's strokes is scored here."
    ),
    "function": 'make_mixed_tissue(out_dir, "mixed-tissue-2")',
    "made": TISSUE_MADE,
}
for _name in TRIALS:
    DESCRIPTIONS[_name] = {
        "description": (
            f"Generated photograph of a whole maize root system ({_name}) on dark cloth, "
            "with grains of sand, a white paper label and a round white marker."
        ),
        "teaches": (
            "Measuring root mass with Otsu's method after a blur (sigma 1 is best against "
            "the ground truth), and leaving out the label and marker, which plain Otsu "
            "counts as root: the paper is shaded and grainy, from about 0.9 to 1 in "
            "grayscale, so the cut-off is a choice (0.9 is best against the truth)."
        ),
        "function": f'make_trial(out_dir, "{_name}")',
        "made": (
            "Primary roots grown as random walks from a crown, with tapering laterals "
            "and sub-laterals, brightness varying along each root and a fine surface "
            "texture, root hairs; dark cloth with weave, blotches, lint and grains of "
            "sand; a label with printed text and a marker, white paper under the same "
            "lamp, curled so that one side is darker, with paper grain, clipping at 255 "
            "only where brightest; uneven light, "
            + PHOTO.format(camera="dim light", q=TRIAL_JPEG_QUALITY)
            + ". The label and marker hide any "
            "root under them, so the mask is roots only."
        ),
    }


def describe(path, mask_path, name, extra):
    with Image.open(path) as im:
        width, height = im.size
    entry = {
        "file": path.name,
        "mask": mask_path.name,
        "width": width,
        "height": height,
    }
    entry.update(DESCRIPTIONS[name])
    entry.update(extra)
    return entry


README_HEAD = [
    "# Images for the thresholding lesson",
    "",
    "Every image here is generated, not photographed: `generate.py` draws it, from",
    "fixed random seeds, to look like a photograph (paper texture, soft shadows, uneven",
    "light, a camera's shot and read noise added in linear light, sharpening, JPEG",
    "compression for `.jpg`). None shows a real plant, dish, page or cell. Generating them",
    "gives an exact ground truth for every pixel, a free licence, and files that need",
    "no download. Real photographs differ: real roots, hairs and debris vary more, a",
    "camera's noise reduction and lens are more complex, and a hand-drawn ground truth",
    "is itself uncertain at the edges. Each image `<name>.<ext>` comes with its",
    "exact ground truth `<name>-mask.png`: a single-channel 8-bit PNG of the same",
    "height and width, 0 = background and 255 = foreground. `granular-cells` and",
    "`mixed-tissue` also come with the strokes that train a pixel classifier,",
    "`granular-cells-strokes.png` and `mixed-tissue-strokes.png`.",
    "",
    "Licence: CC-BY-4.0, made by the authors of this lesson. No third-party images,",
    "fonts or text are used (text is drawn with Pillow's own bundled default font).",
    "",
    "`manifest.json` lists the same facts in machine-readable form, including the",
    "true number of colonies and the true root fraction of each trial.",
    "",
    "## Regenerate",
    "",
    "    make data            # or: python data/generate.py [--out DIR]",
    "",
    "With the lesson's pinned numpy, scipy, scikit-image and Pillow this gives",
    "exactly the same pixels (`tests/test_data.py` checks it). `python data/report.py`",
    "prints the measurements the lesson relies on.",
    "",
    "## Files",
    "",
    "| image | pixels (w x h) | image size | mask size |",
    "|---|---|---|---|",
]


def readme_entry(out_dir, e):
    """The README's section on one image of the manifest: a list of lines."""
    lines = [
        f"### `{e['file']}`",
        "",
        f"- Shows: {e['description']}",
        f"- Teaches: {e['teaches']}",
        f"- Made by: `{e['function'] if '(' in e['function'] else e['function'] + '()'}`"
        " in `generate.py`: " + e["made"],
        f"- Mask: `{e['mask']}`",
        f"- Pixels: {e['width']} wide x {e['height']} tall",
    ]
    if "objects" in e:
        lines.append(f"- Number of shapes (none touch): {e['objects']}")
    if "root_fraction" in e:
        lines.append(f"- True root fraction (mask pixels / all pixels): {e['root_fraction']:.4f}")
    if "colonies" in e:
        lines.append(
            f"- True number of colonies: {e['colonies']} (the mask has "
            f"{e['mask_components']} connected components, because some "
            "colonies touch)"
        )
    if "cells" in e:
        lines.append(f"- Number of cells (none touch): {e['cells']}")
    if "strokes" in e:
        size = (out_dir / e["strokes"]).stat().st_size
        lines.append(
            f"- Training strokes: `{e['strokes']}` ({size:,} bytes), drawn by "
            f"`{e['strokes_by']}()` as a person would with a thin brush: an 8-bit PNG of "
            "the same height and width, 0 = unlabelled, 1 = background, 2 = cell"
        )
    lines.append(f"- Licence: {LICENSE}, made by this project")
    lines.append("")
    return lines


def write_readme(out_dir, manifest):
    out_dir = Path(out_dir)
    lines = list(README_HEAD)
    for e in manifest["images"].values():
        isize = (out_dir / e["file"]).stat().st_size
        msize = (out_dir / e["mask"]).stat().st_size
        lines.append(
            f"| `{e['file']}` | {e['width']} x {e['height']} | "
            f"{isize / 1e3:,.0f} kB ({isize:,} bytes) | "
            f"{msize / 1e3:,.0f} kB ({msize:,} bytes) |"
        )
    total = sum(
        (out_dir / e[k]).stat().st_size
        for e in manifest["images"].values()
        for k in ("file", "mask", "strokes")
        if k in e
    )
    lines += [
        "",
        f"Images, masks and strokes together: {total / 1e6:.1f} MB.",
        "",
        "## Images",
        "",
    ]
    for e in manifest["images"].values():
        lines += readme_entry(out_dir, e)
    (out_dir / "README.md").write_text("\n".join(lines))
    return out_dir / "README.md"


def generate_all(out_dir=HERE):
    """Write every image, mask, ``manifest.json`` and ``README.md``.

    Returns the list of paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    images = {}

    def add(name, files, extra=None):
        written.extend(files)
        images[name] = describe(files[0], files[1], name, extra or {})

    for name, make in (
        ("shapes-light", make_shapes_light),
        ("shapes-dark", make_shapes_dark),
    ):
        files = make(out_dir)
        with Image.open(files[1]) as m:
            objects = int(ndi.label(np.asarray(m) > 0)[1])
        add(name, files, {"objects": objects})
    add("maize-roots", make_maize_roots(out_dir))
    for name in TRIALS:
        files = make_trial(out_dir, name)
        with Image.open(files[1]) as m:
            fraction = np.count_nonzero(np.asarray(m)) / (m.size[0] * m.size[1])
        add(name, files, {"root_fraction": round(float(fraction), 6)})
    add("uneven-text", make_uneven_text(out_dir))
    files, counts = make_colonies(out_dir)
    add("colonies", files, counts)
    for name in CELLS:
        files, extra = make_granular_cells(out_dir, name)
        add(name, files, extra)
    for name in TISSUE:
        files, extra = make_mixed_tissue(out_dir, name)
        add(name, files, extra)

    manifest = {
        "license": LICENSE,
        "generator": "data/generate.py",
        "mask_convention": "single-channel 8-bit PNG, 0 = background, "
        "255 = foreground, same height and width as the image",
        "images": images,
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    written.append(path)
    written.append(write_readme(out_dir, manifest))
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="folder to write into (default: the folder of this script)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written = generate_all(args.out)
    for path in written:
        print(path)
    print(f"{len(written)} files in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
