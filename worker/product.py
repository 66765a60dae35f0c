"""The pinned product found in the picture by its catalogue image (OpenCV's ORB features,
matched and checked with a homography), so the crop keeps it even when it sits still
on the table where no movement gives it away.

The catalogue image is decoded by Pillow (a seller's upload, never handed to OpenCV's
own decoders); the footage's frames come from our hardened reader (``worker.frames``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from worker.analysis import Analysis
from worker.editlist import Segment
from worker.errors import InputError
from worker.frames import VideoFrame, read_media

MATCH_WIDTH = 640  # frames looked at this wide: enough detail for a product's print
IMAGE_SIDE = 400  # the catalogue image scaled so its longer side is this
MIN_INLIERS = 12  # matches agreeing on one placement: fewer is chance
RATIO = 0.75  # Lowe's ratio test


def load_image(path: Path) -> np.ndarray:
    """The catalogue image as a gray array, its longer side ``IMAGE_SIDE``; ``InputError``
    when it is not a picture."""
    try:
        with Image.open(path) as img:
            img.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
            gray = np.asarray(img.convert("L"))
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(f"{path.name}: the product image cannot be read ({exc}); give a "
                         "JPEG or PNG of the product",
                         indonesian=f"{path.name}: gambar produknya tidak bisa dibaca; "
                                    "berikan foto produk berformat JPEG atau PNG") from exc
    if min(gray.shape) < 32:
        raise InputError(f"{path.name}: the product image is too small to recognise "
                         "(under 32 pixels); give a larger picture of the product",
                         indonesian=f"{path.name}: gambar produknya terlalu kecil untuk "
                                    "dikenali (di bawah 32 piksel); berikan foto produk "
                                    "yang lebih besar")
    return gray


def locate(image: np.ndarray, frame: np.ndarray) -> tuple[float, float] | None:
    """Where ``image`` (the product, gray) shows in ``frame`` (gray): its (left, right) as
    shares of the frame's width, or None when it is not there."""
    orb = cv2.ORB_create(nfeatures=1000)  # type: ignore[attr-defined]  # not in cv2's stubs
    k1, d1 = orb.detectAndCompute(image, None)
    k2, d2 = orb.detectAndCompute(frame, None)
    if d1 is None or d2 is None or len(k1) < MIN_INLIERS or len(k2) < MIN_INLIERS:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(d1, d2, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    if len(good) < MIN_INLIERS:
        return None
    src = np.array([k1[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([k2[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
    if homography is None or int(mask.sum()) < MIN_INLIERS:
        return None
    h, w = image.shape
    corners = cv2.perspectiveTransform(
        np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32).reshape(-1, 1, 2),
        homography)
    xs = corners[:, 0, 0] / frame.shape[1]
    left, right = float(np.clip(xs.min(), 0, 1)), float(np.clip(xs.max(), 0, 1))
    return (left, right) if 0.01 < right - left < 0.9 else None


def mark(analysis: Analysis, path: str, segments: Sequence[Segment], image: np.ndarray
         ) -> Analysis:
    """``analysis`` with its product region set where ``image`` is seen in the picture:
    one frame a second of each segment's stretch that the analysis covers is looked at.
    Seconds the image is not found in keep what the analysis saw moving."""
    a, n = analysis, analysis.seconds
    left = (np.array(a.product_left, dtype=float) if len(a.product_left) == n
            else np.full(n, np.nan))
    right = (np.array(a.product_right, dtype=float) if len(a.product_right) == n
             else np.full(n, np.nan))
    for seg in segments:
        lo, hi = max(seg.start, a.start), min(seg.end, a.start + n)
        if hi - lo < 1.0:
            continue
        for item in read_media(path, width=MATCH_WIDTH, fps=1.0, window=(lo, hi - lo),
                               audio=False):
            if not isinstance(item, VideoFrame):
                continue
            found = locate(image, item.gray)
            i = int(math.floor(item.t - a.start))
            if found is not None and 0 <= i < n:
                left[i], right[i] = found
    return dataclasses.replace(a, product_left=left, product_right=right)
