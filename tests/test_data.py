"""nn.data: mini-batches and image augmentations."""
import numpy as np
import pytest

from autograd import Tensor, manual_seed
from nn.data import gaussian_noise, minibatches, random_horizontal_flip, random_shift


@pytest.mark.parametrize("batch_size, drop_last, sizes", [(4, False, [4, 4, 2]), (4, True, [4, 4]),
                                                           (10, False, [10]), (1, False, [1] * 10),
                                                           (20, True, [])])
def test_minibatches_cover_the_epoch(batch_size, drop_last, sizes, rng):
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    batches = list(minibatches(X, y, batch_size, rng=rng, drop_last=drop_last))
    assert [len(xb) for xb, _ in batches] == sizes
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0] // 2, yb)  # rows stay paired with their labels
    seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([])
    assert len(set(seen.tolist())) == len(seen) == sum(sizes)


def test_shuffle_is_a_permutation_from_the_rng_and_off_keeps_order():
    X, y = np.arange(10.0), np.arange(10)
    first = [yb for _, yb in minibatches(X, y, 3, rng=np.random.default_rng(1))]
    again = [yb for _, yb in minibatches(X, y, 3, rng=np.random.default_rng(1))]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(np.concatenate(first), y)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in minibatches(X, y, 3, shuffle=False)]), y)
    manual_seed(4)
    seeded = np.concatenate([yb for _, yb in minibatches(X, y, 3)])
    manual_seed(4)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in minibatches(X, y, 3)]), seeded)


def test_minibatches_of_tensors_and_bad_arguments(rng):
    X, y = Tensor(rng.normal(size=(6, 2))), Tensor(np.arange(6))
    xb, yb = next(minibatches(X, y, 4, shuffle=False))
    assert isinstance(xb, Tensor) and xb.shape == (4, 2)
    np.testing.assert_array_equal(yb.data, np.arange(4))
    with pytest.raises(ValueError, match="X has 6 samples but y has 5"):
        next(minibatches(X.data, np.arange(5), 2))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        next(minibatches(X.data, y.data, 0))


def test_horizontal_flip(rng):
    images = rng.normal(size=(50, 3, 4, 5))
    flipped = random_horizontal_flip(images, p=0.5, rng=np.random.default_rng(0))
    mirrored = np.array([np.array_equal(f, i[..., ::-1]) for f, i in zip(flipped, images)])
    unchanged = np.array([np.array_equal(f, i) for f, i in zip(flipped, images)])
    assert np.all(mirrored ^ unchanged) and 10 < mirrored.sum() < 40
    np.testing.assert_array_equal(random_horizontal_flip(images, p=1.0, rng=rng), images[..., ::-1])
    np.testing.assert_array_equal(random_horizontal_flip(images, p=0.0, rng=rng), images)


def test_random_shift_moves_pixels_and_fills(rng):
    image = np.arange(1.0, 17.0).reshape(1, 4, 4)
    shifted = random_shift(np.repeat(image, 40, axis=0), max_shift=1, rng=rng)
    for out in shifted:
        # find the shift that explains the output
        matches = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                   if np.array_equal(out, _reference_shift(image[0], dy, dx))]
        assert matches, out
    assert len({out.tobytes() for out in shifted}) > 3
    np.testing.assert_array_equal(random_shift(image, max_shift=0, rng=rng), image)
    assert np.all(random_shift(image, max_shift=0, rng=rng) == image)


def _reference_shift(image, dy, dx):
    out = np.zeros_like(image)
    height, width = image.shape
    for r in range(height):
        for c in range(width):
            if 0 <= r - dy < height and 0 <= c - dx < width:
                out[r, c] = image[r - dy, c - dx]
    return out


def test_random_shift_larger_than_the_image_gives_the_fill(rng):
    image = np.ones((1, 2, 2))
    out = random_shift(np.repeat(image, 30, axis=0), max_shift=5, rng=rng, fill=-1.0)
    assert out.shape == (30, 2, 2) and np.isin(out, [1.0, -1.0]).all()


def test_gaussian_noise(rng):
    images = np.zeros((100, 8, 8), dtype=np.float32)
    noisy = gaussian_noise(images, 0.5, rng=rng)
    assert noisy.dtype == np.float32 and abs(noisy.std() - 0.5) < 0.02 and abs(noisy.mean()) < 0.02
    assert np.all(images == 0)  # the input is left alone
    with pytest.raises(ValueError, match="std must be non-negative"):
        gaussian_noise(images, -1.0)
