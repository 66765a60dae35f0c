"""The pinned product found in a picture by its catalogue image (ORB matching; no
ffmpeg): where it is, and nowhere when it is not shown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.footage import product_label
from worker import product
from worker.errors import InputError


def test_the_catalogue_picture_is_found_where_the_product_is(tmp_path: Path) -> None:
    label = product_label(tmp_path / "label.png")
    image = product.load_image(label)
    frame = np.full((360, 640), 96, np.uint8)
    small = np.asarray(Image.open(label).convert("L").resize((105, 140)))
    frame[150:290, 480:585] = small  # a third of its size, on the right of the picture
    found = product.locate(image, frame)
    assert found is not None
    left, right = found
    assert left == pytest.approx(480 / 640, abs=0.02)
    assert right == pytest.approx(585 / 640, abs=0.02)
    assert product.locate(image, np.full((360, 640), 96, np.uint8)) is None
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (360, 640), dtype=np.uint8)  # texture, but not the product
    assert product.locate(image, noise) is None


def test_a_file_that_is_no_picture_is_refused_with_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "label.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(InputError, match="JPEG or PNG"):
        product.load_image(bad)
