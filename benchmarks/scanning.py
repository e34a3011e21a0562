"""Scanning figures: reading a QR code from a camera frame, and signing + verifying tokens.

* ``qr_decode_frame``: synthetic 1080p grayscale camera frames (what the kiosk hands over
  after converting a Qt camera frame), each holding an appointment token's QR code on a
  sheet of paper near the middle of the picture: 5-15 degrees of rotation either way, a
  slight perspective tilt, scale variation, Gaussian blur, low contrast, uneven light and
  sensor noise. Each sample is :func:`printing.qr_decode.decode_frame` on the raw bytes,
  exactly as the kiosk calls it (guide crop, passes and all). Every frame must decode
  to its token: a miss fails the benchmark rather than flattering the figure.
* ``qr_decode_empty_frame``: the same pipeline on frames without a code (all passes run).
* ``token_sign_verify_per_s``: sign an appointment token and verify it against a
  three-key ring, as many times as fit in a fixed time; the median of several runs.

No database: this group runs without the big cached one. :func:`camera_frame` is also
what tests/printing/test_qr_decode.py builds its frames with.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from benchmarks import harness
from benchmarks.harness import Context, Target, timing_from_ns
from core.tokens import AppointmentToken, KeyRing, Result, Signer, verify
from printing.qr_decode import decode_frame
from printing.qr_image import qr_image

TARGETS = {
    "qr_decode_frame_p95_ms": Target(40, "<"),
}
SAMPLES = {  # per scale: frames decoded, empty frames, sign+verify runs and seconds per run
    "full": {"frames": 150, "empty": 30, "runs": 7, "seconds": 1.0, "warmup": 5},
    "small": {"frames": 100, "empty": 10, "runs": 3, "seconds": 0.3, "warmup": 3},
    "tiny": {"frames": 8, "empty": 2, "runs": 1, "seconds": 0.05, "warmup": 1},  # tests only
}
FRAME_SIZE = (1920, 1080)
OFFICE = "00004"


# --- synthetic camera frames -------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """How a code sits in front of the camera."""

    angle: float = 10.0  # degrees, counter-clockwise
    blur: float = 1.2  # Gaussian blur radius, px (focus, motion)
    code_px: int = 330  # side of the code with its quiet zone, px, before rotation
    tilt: float = 0.0  # perspective: how much narrower one edge is (0 = none, 0.1 = 10 %)
    dark: int = 70  # the code's dark modules under the office light (0-255)
    light: int = 190  # the paper
    noise: float = 10.0  # sensor noise, standard deviation in grey levels
    dx: int = 0  # the code's centre, px from the frame's centre
    dy: int = 0
    gradient: int = 40  # uneven light across the frame, grey levels


def random_shot(rng: random.Random, **fixed) -> Shot:
    """A citizen holding a code at the guide: the ranges the issue names, varied."""
    values = dict(
        angle=rng.uniform(5, 15) * rng.choice((-1, 1)),
        blur=rng.uniform(0.6, 1.8),
        code_px=rng.randint(260, 400),
        tilt=rng.uniform(0.0, 0.08),
        dark=rng.randint(40, 90),
        light=rng.randint(165, 215),
        noise=rng.uniform(4, 12),
        dx=rng.randint(-25, 25),
        dy=rng.randint(-25, 25),
        gradient=rng.randint(0, 60),
    )
    values.update(fixed)
    return Shot(**values)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (8x8: no numpy needed)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """PIL's PERSPECTIVE data mapping output points ``dst`` to input points ``src``."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    return _solve(a, b)


def _background(rng: random.Random, size: tuple[int, int], gradient: int) -> Image.Image:
    """A dim room: a left-to-right light gradient with a few soft shapes (drawn at 1/8 scale,
    blurred and scaled up: the same look at a fraction of the cost)."""
    w, h = size
    sw, sh = max(1, w // 8), max(1, h // 8)
    ramp = Image.linear_gradient("L").rotate(90).resize((sw, sh))  # 255 on the left, 0 on the right
    bg = ramp.point(lambda v: 70 + v * gradient // 255)
    draw = ImageDraw.Draw(bg)
    for _ in range(6):
        x, y = rng.randrange(sw), rng.randrange(sh)
        rw, rh = rng.randint(10, 60), rng.randint(10, 50)
        draw.rectangle((x, y, x + rw, y + rh), fill=rng.randint(40, 150))
    return bg.filter(ImageFilter.GaussianBlur(0.75)).resize(size, Image.BILINEAR)


def camera_frame(text: str | Image.Image, shot: Shot | None = None, *, rng: random.Random | None = None,
                 size: tuple[int, int] = FRAME_SIZE) -> Image.Image:
    """A grayscale camera-like frame with a QR code on a sheet of paper placed as ``shot``
    says: ``text``'s code as we print it (printing.qr_image), or ``text`` may be the code's
    image itself (one pixel a module, quiet zone included: an ID card's QR, say), or ""
    for a frame without a code."""
    rng = rng or random.Random(0)
    shot = shot or Shot()
    w, h = size
    frame = _background(rng, size, shot.gradient)
    if isinstance(text, Image.Image) or text:
        modules = text if isinstance(text, Image.Image) else qr_image(text, module_px=1)
        code = modules.convert("L").resize((shot.code_px, shot.code_px), Image.NEAREST)
        code = code.point(lambda v: shot.dark if v < 128 else shot.light)
        margin = shot.code_px // 6  # the ticket paper around the quiet zone
        paper = Image.new("L", (shot.code_px + 2 * margin, shot.code_px + 2 * margin), shot.light)
        paper.paste(code, (margin, margin))
        if shot.tilt:
            pw, ph = paper.size
            squeeze = shot.tilt * ph / 2
            dst = [(0, squeeze), (pw, 0), (pw, ph), (0, ph - squeeze)]  # the left edge is farther away
            src = [(0, 0), (pw, 0), (pw, ph), (0, ph)]
            paper = paper.transform(paper.size, Image.PERSPECTIVE, _perspective_coeffs(dst, src),
                                    Image.BICUBIC, fillcolor=0)
            mask = Image.new("L", paper.size, 255).transform(
                paper.size, Image.PERSPECTIVE, _perspective_coeffs(dst, src), Image.BILINEAR, fillcolor=0)
        else:
            mask = Image.new("L", paper.size, 255)
        paper = paper.rotate(shot.angle, resample=Image.BICUBIC, expand=True, fillcolor=0)
        mask = mask.rotate(shot.angle, resample=Image.BILINEAR, expand=True, fillcolor=0)
        frame.paste(paper, ((w - paper.width) // 2 + shot.dx, (h - paper.height) // 2 + shot.dy), mask)
    if shot.blur:
        frame = frame.filter(ImageFilter.GaussianBlur(shot.blur))
    if shot.noise:
        frame = ImageChops.add(frame, _noise(rng, size, shot.noise), scale=1.0, offset=-128)
    return frame


_NOISE_SIGMA = 16.0


@lru_cache(maxsize=1)
def _noise_field() -> Image.Image:
    """Gaussian noise around 128 (effect_noise is slow: made once, then cropped and scaled)."""
    return Image.effect_noise((FRAME_SIZE[0] + 128, FRAME_SIZE[1] + 128), _NOISE_SIGMA)


def _noise(rng: random.Random, size: tuple[int, int], sigma: float) -> Image.Image:
    field = _noise_field()
    if size[0] > field.width or size[1] > field.height:
        noise = Image.effect_noise(size, sigma)
    else:
        x, y = rng.randrange(field.width - size[0] + 1), rng.randrange(field.height - size[1] + 1)
        factor = sigma / _NOISE_SIGMA
        noise = field.crop((x, y, x + size[0], y + size[1])).point(
            lambda v: max(0, min(255, round(128 + (v - 128) * factor))))
    return noise


def appointment_token(signer: Signer, i: int = 0) -> tuple[AppointmentToken, str]:
    start = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc) + timedelta(minutes=15 * (i % 32))
    token = AppointmentToken(
        entity_id=uuid.UUID(int=(0x0193A0B1_2C3D_7E4F_8A5B_000000000000 + i)),
        office_code=OFFICE,
        issued_at=start - timedelta(days=2),
        service_code="HT",
        window_start=start,
        window_end=start + timedelta(minutes=15),
        masked_name="N. T. Mai",
    )
    return token, signer.sign(token)


# --- the measurements -----------------------------------------------------------------------


def bench_decode(n: int, warmup: int, *, seed: int = 2026, log=lambda _m: None) -> tuple[harness.Timing, int]:
    """p50/p95 over ``n`` frames with varied shots; the number of frames that did not decode."""
    rng = random.Random(seed)
    signer = Signer(bytes(range(32)))
    frames: list[tuple[bytes, str]] = []
    for i in range(n):
        _token, text = appointment_token(signer, i)
        frame = camera_frame(text, random_shot(rng), rng=rng)
        frames.append((frame.tobytes(), text))
    log(f"qr_decode_frame: {n} frames built")
    w, h = FRAME_SIZE
    for data, _text in frames[:warmup]:
        decode_frame(data, w, h)
    samples, misses = [], 0
    clock = time.perf_counter_ns
    for data, text in frames:
        start = clock()
        got = decode_frame(data, w, h)
        samples.append(clock() - start)
        misses += got != text
    return timing_from_ns(samples), misses


def bench_empty(n: int, *, seed: int = 7) -> harness.Timing:
    rng = random.Random(seed)
    frames = [camera_frame("", random_shot(rng), rng=rng).tobytes() for _ in range(n)]
    w, h = FRAME_SIZE
    samples = []
    for data in frames:
        start = time.perf_counter_ns()
        assert decode_frame(data, w, h) is None
        samples.append(time.perf_counter_ns() - start)
    return timing_from_ns(samples)


def bench_sign_verify(runs: int, seconds: float) -> float:
    """Sign + verify of appointment tokens per second: the median of ``runs`` timed runs."""
    device, other, centre = Signer(bytes(range(32))), Signer(bytes(range(1, 33))), Signer(bytes([7] * 32))
    ring = KeyRing.from_public_keys([device.public_key, other.public_key, centre.public_key])
    tokens = [appointment_token(device, i)[0] for i in range(64)]
    now = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)  # before every window ends
    rates = []
    for _ in range(runs):
        done = 0
        start = time.perf_counter()
        deadline = start + seconds
        while time.perf_counter() < deadline:
            for token in tokens:
                v = verify(device.sign(token), ring, office_code=OFFICE, now=now)
                if v.result is not Result.VALID:
                    raise AssertionError(f"sign+verify gave {v.result}")
            done += len(tokens)
        rates.append(done / (time.perf_counter() - start))
    return statistics.median(rates)


def run_scanning(ctx: Context) -> dict[str, float]:
    counts = SAMPLES.get(ctx.scale, SAMPLES["small"])
    ctx.log(f"qr_decode_frame: {counts['frames']} frames of {FRAME_SIZE[0]}x{FRAME_SIZE[1]}...")
    timing, misses = bench_decode(counts["frames"], counts["warmup"], log=ctx.log)
    if misses:
        raise AssertionError(f"qr_decode_frame: {misses} of {counts['frames']} frames did not decode")
    metrics = timing.metrics("qr_decode_frame")
    metrics["qr_decode_frame_max_ms"] = round(timing.max_ms, 3)
    ctx.log(f"qr_decode_empty_frame: {counts['empty']} frames...")
    metrics.update(bench_empty(counts["empty"]).metrics("qr_decode_empty_frame"))
    ctx.log(f"token_sign_verify: {counts['runs']} runs of {counts['seconds']} s...")
    rate = bench_sign_verify(counts["runs"], counts["seconds"])
    metrics["token_sign_verify_per_s"] = round(rate, 1)
    return metrics


@harness.group("scanning", targets=TARGETS)
def scanning(ctx: Context) -> dict[str, float]:
    """QR decoding of 1080p camera frames and token sign + verify throughput."""
    return run_scanning(ctx)


__all__ = [
    "FRAME_SIZE",
    "SAMPLES",
    "TARGETS",
    "Shot",
    "appointment_token",
    "bench_decode",
    "bench_empty",
    "bench_sign_verify",
    "camera_frame",
    "random_shot",
    "run_scanning",
    "scanning",
]
