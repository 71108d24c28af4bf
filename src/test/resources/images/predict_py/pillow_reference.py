#!/usr/bin/env python3
"""Independent numpy re-implementation of the quickstart's preprocessing, used to produce the
expected bytes in this folder (Pillow itself is not installed where the tests are written).

    Image.open(p).resize((28, 28)).convert('L')      then  (255 - L) / 255.0

It follows Pillow's C sources line by line (src/libImaging/Resample.c, Geometry.c, Convert.c and
Image.resize in src/PIL/Image.py):
  * default filter BICUBIC (a = -0.5, support 2 scaled by the downscale factor), NEAREST for
    modes '1' and 'P' (ImagingScaleAffine with an accumulated double position and COORD());
  * precompute_coeffs: center = (xx + 0.5) * scale, xmin/xmax rounded with a C (int) cast,
    weights normalised by their sum;
  * 8-bit images: coefficients to 22-bit fixed point (round half away from zero), accumulator
    starts at 1 << 21, result >> 22 clipped to 0..255, horizontal pass first, 8-bit in between;
  * I;16: double accumulation, ROUND_UP, stored as CLIP8(v % 256) | CLIP8(v >> 8) << 8;
  * RGBA / LA resize through premultiplied RGBa / La (MULDIV255 in, 255 * c / a out);
  * convert('L'): L24 = R*19595 + G*38470 + B*7471 + 0x8000 >> 16 (alpha ignored), P via the
    palette, CMYK via cmyk2rgb, I;16 clipped at 255, '1' as 0/255.
Run it from this folder: it rewrites the *.png inputs and the expected_*.txt files.
"""
import math
import struct
import zlib

import numpy as np

PRECISION_BITS = 32 - 8 - 2


def c_int(v):
    """C's (int) cast of a double: truncation toward zero."""
    return int(math.trunc(v))


def bicubic(x):
    a = -0.5
    if x < 0.0:
        x = -x
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def precompute_coeffs(in_size, out_size):
    scale = float(in_size) / out_size
    filterscale = max(scale, 1.0)
    support = 2.0 * filterscale
    bounds, kk = [], []
    for xx in range(out_size):
        center = 0.0 + (xx + 0.5) * scale
        ss = 1.0 / filterscale
        xmin = max(c_int(center - support + 0.5), 0)
        xmax = min(c_int(center + support + 0.5), in_size) - xmin
        k = [bicubic((x + xmin - center + 0.5) * ss) for x in range(xmax)]
        ww = 0.0
        for w in k:
            ww += w
        if ww != 0.0:
            k = [w / ww for w in k]
        bounds.append((xmin, xmax))
        kk.append(k)
    return bounds, kk


def fixed(k):
    return [c_int(-0.5 + w * (1 << PRECISION_BITS)) if w < 0 else c_int(0.5 + w * (1 << PRECISION_BITS)) for w in k]


def clip8_fixed(ss):
    return min(max(ss >> PRECISION_BITS, 0), 255)


def resample_8bpc(band, out_w, out_h):
    """band: int array [h, w] of 0..255. Horizontal pass then vertical pass."""
    h, w = band.shape
    if out_w != w:
        bounds, kk = precompute_coeffs(w, out_w)
        tmp = np.zeros((h, out_w), dtype=np.int64)
        for xx in range(out_w):
            xmin, xmax = bounds[xx]
            k = fixed(kk[xx])
            for y in range(h):
                ss = 1 << (PRECISION_BITS - 1)
                for x in range(xmax):
                    ss += int(band[y, x + xmin]) * k[x]
                tmp[y, xx] = clip8_fixed(ss)
        band = tmp
    if out_h != h:
        bounds, kk = precompute_coeffs(h, out_h)
        out = np.zeros((out_h, band.shape[1]), dtype=np.int64)
        for yy in range(out_h):
            ymin, ymax = bounds[yy]
            k = fixed(kk[yy])
            for x in range(band.shape[1]):
                ss = 1 << (PRECISION_BITS - 1)
                for y in range(ymax):
                    ss += int(band[y + ymin, x]) * k[y]
                out[yy, x] = clip8_fixed(ss)
        band = out
    return band


def clip8(v):
    return 0 if v <= 0 else (v if v < 255 else 255)


def round_up(f):
    return c_int(f + 0.5) if f >= 0.0 else c_int(f - 0.5)


def store_i16(v):
    # C: low = CLIP8(v % 256), high = CLIP8(v >> 8); C's % truncates toward zero.
    low = clip8(int(math.fmod(v, 256)))
    high = clip8(v >> 8)
    return low | (high << 8)


def resample_16bpc(band, out_w, out_h):
    h, w = band.shape
    if out_w != w:
        bounds, kk = precompute_coeffs(w, out_w)
        tmp = np.zeros((h, out_w), dtype=np.int64)
        for xx in range(out_w):
            xmin, xmax = bounds[xx]
            for y in range(h):
                ss = 0.0
                for x in range(xmax):
                    ss += int(band[y, x + xmin]) * kk[xx][x]
                tmp[y, xx] = store_i16(round_up(ss))
        band = tmp
    if out_h != h:
        bounds, kk = precompute_coeffs(h, out_h)
        out = np.zeros((out_h, band.shape[1]), dtype=np.int64)
        for yy in range(out_h):
            ymin, ymax = bounds[yy]
            for x in range(band.shape[1]):
                ss = 0.0
                for y in range(ymax):
                    ss += int(band[y + ymin, x]) * kk[yy][y]
                out[yy, x] = store_i16(round_up(ss))
        band = out
    return band


def nearest(band, out_w, out_h):
    h, w = band.shape
    a0 = float(w) / out_w
    a4 = float(h) / out_h
    xo = 0.0 + a0 * 0.5
    xs = []
    for _ in range(out_w):
        xs.append(-1 if xo < 0.0 else c_int(xo))
        xo += a0
    yo = 0.0 + a4 * 0.5
    out = np.zeros((out_h, out_w), dtype=np.int64)
    for y in range(out_h):
        yi = -1 if yo < 0.0 else c_int(yo)
        for x in range(out_w):
            out[y, x] = band[yi, xs[x]]
        yo += a4
    return out


def muldiv255(a, b):
    tmp = a * b + 128
    return ((tmp >> 8) + tmp) >> 8


def l24(r, g, b):
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16


def seed_l(mode, bands, palette=None, size=(28, 28)):
    """bands: list of int arrays [h, w]; returns the 28x28 'L' array."""
    ow, oh = size
    h, w = bands[0].shape
    same = (w, h) == (ow, oh)
    if mode in ("1", "P"):
        idx = bands[0] if same else nearest(bands[0], ow, oh)
        if mode == "1":
            return np.where(idx != 0, 255, 0)
        lut = np.array([l24(*palette[i]) for i in range(len(palette))])
        return lut[idx]
    if mode == "I;16":
        v = bands[0] if same else resample_16bpc(bands[0], ow, oh)
        return np.where(v >> 8 != 0, 255, v & 0xFF)
    if mode in ("RGBA", "LA") and not same:
        a = bands[-1]
        pre = [np.vectorize(muldiv255)(b, a) for b in bands[:-1]] + [a]
        res = [resample_8bpc(b, ow, oh) for b in pre]
        a2 = res[-1]
        un = []
        for b in res[:-1]:
            safe = np.where(a2 == 0, 1, a2)
            un.append(np.where((a2 == 255) | (a2 == 0), b, np.clip((255 * b) // safe, 0, 255)))
        bands = un + [a2]
    elif not same:
        bands = [resample_8bpc(b, ow, oh) for b in bands]
    if mode in ("L", "LA"):
        return bands[0]
    if mode == "CMYK":
        c, m, y, k = bands
        nk = 255 - k
        r, g, b = (np.clip(nk - np.vectorize(muldiv255)(ch, nk), 0, 255) for ch in (c, m, y))
        return l24(r, g, b)
    r, g, b = bands[:3]
    return l24(r, g, b)


# ---------------------------------------------------------------- PNG writing (no Pillow)

def png_bytes(width, height, color_type, bit_depth, rows, palette=None):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def write_case(name, mode, bands, color_type, bit_depth, palette=None):
    h, w = bands[0].shape
    if bit_depth == 16:
        rows = [b"".join(struct.pack(">H", int(bands[0][y, x])) for x in range(w)) for y in range(h)]
    else:
        rows = [bytes(int(b[y, x]) for x in range(w) for b in bands) for y in range(h)]
    with open(name + ".png", "wb") as f:
        f.write(png_bytes(w, h, color_type, bit_depth, rows, palette))
    expected = seed_l(mode, bands, palette)
    with open("expected_" + name + ".txt", "w") as f:
        for row in expected:
            f.write(" ".join(str(int(v)) for v in row) + "\n")
    return expected


def main():
    rng = np.random.default_rng(20240601)
    # 1. 56x56 gray step edge: hand-checkable (see PredictPyPreprocessingTest).
    step = np.zeros((56, 56), dtype=np.int64)
    step[:, 28:] = 255
    write_case("step56_gray", "L", [step], 0, 8)
    # 2. 84x84 RGB made of 3x3 blocks of a 28x28 colour pattern.
    pat = rng.integers(0, 256, size=(3, 28, 28))
    pat[:, 8:20, 12:16] = 0  # a dark bar
    blocks = [np.kron(p, np.ones((3, 3), dtype=np.int64)) for p in pat]
    write_case("blocks84_rgb", "RGB", blocks, 2, 8)
    # 3. 100x70 RGB noise: non-integer scales on both axes.
    write_case("noise100x70_rgb", "RGB", list(rng.integers(0, 256, size=(3, 70, 100))), 2, 8)
    # 4. 20x14 gray: upscaling (filterscale 1, support 2) on both axes.
    write_case("up20x14_gray", "L", [rng.integers(0, 256, size=(14, 20))], 0, 8)
    # 5. 60x45 RGBA with transparent, opaque and partial alpha: premultiplied path.
    rgba = list(rng.integers(0, 256, size=(4, 45, 60)))
    rgba[3][:, :15] = 0
    rgba[3][:, 15:30] = 255
    write_case("alpha60x45_rgba", "RGBA", rgba, 6, 8)
    # 6. 50x50 gray+alpha.
    write_case("la50_la", "LA", list(rng.integers(0, 256, size=(2, 50, 50))), 4, 8)
    # 7. 56x56 palette: NEAREST picks the odd rows/columns (hand-checkable).
    pal = [tuple(int(c) for c in rng.integers(0, 256, size=3)) for _ in range(16)]
    write_case("palette56_p", "P", [rng.integers(0, 16, size=(56, 56))], 3, 8, pal)
    # 8. 45x33 16-bit gray: I;16 resize and the clip at 255 in convert('L').
    g16 = rng.integers(0, 400, size=(33, 45))
    g16[:, :10] = rng.integers(0, 65536, size=(33, 10))
    write_case("gray16_45x33_i16", "I;16", [g16], 0, 16)


if __name__ == "__main__":
    main()
