"""Mini-batches and data augmentation for image batches, with an explicit NumPy Generator."""
import numpy as np

from .rng import generator


def minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    """Yield (X_batch, y_batch) pairs covering the samples (first axis) once: one epoch.

    batch_size = len(X) is batch gradient descent, 1 is stochastic gradient descent,
    anything between is mini-batch. shuffle=True draws a fresh permutation from `rng`
    (default: autograd's default generator); drop_last=True leaves out a final short batch.
    X and y may be ndarrays or Tensors; batches are taken by indexing them.
    """
    if len(X) != len(y):
        raise ValueError(f"minibatches: X has {len(X)} samples but y has {len(y)}")
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"minibatches: batch_size must be a positive int, got {batch_size!r}")
    count = len(X)
    order = generator(rng).permutation(count) if shuffle else np.arange(count)
    stop = count - count % batch_size if drop_last else count
    for start in range(0, stop, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]


def _check_images(images, op):
    images = np.asarray(images)
    if images.ndim < 3:
        raise ValueError(f"{op}: images must be a batch (N, H, W) or (N, C, H, W), got shape {images.shape}")
    return images


def random_horizontal_flip(images, p=0.5, rng=None):
    """Mirror each image left-right (last axis) with probability p; returns a new array."""
    images = _check_images(images, "random_horizontal_flip")
    if not 0 <= p <= 1:
        raise ValueError(f"random_horizontal_flip: p must be in [0, 1], got {p}")
    flip = generator(rng).random(len(images)) < p
    out = images.copy()
    out[flip] = images[flip][..., ::-1]
    return out


def random_shift(images, max_shift, rng=None, fill=0.0):
    """Translate each image by a random whole number of pixels in [-max_shift, max_shift] along H and W.

    Pixels shifted in from outside are `fill`; returns a new array.
    """
    images = _check_images(images, "random_shift")
    if not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise ValueError(f"random_shift: max_shift must be a non-negative int, got {max_shift!r}")
    shifts = generator(rng).integers(-max_shift, max_shift + 1, size=(len(images), 2))
    height, width = images.shape[-2:]
    out = np.full_like(images, fill)
    for image, shifted, (dy, dx) in zip(images, out, shifts):
        rows_to, rows_from = _shifted_range(height, dy)
        cols_to, cols_from = _shifted_range(width, dx)
        shifted[..., rows_to, cols_to] = image[..., rows_from, cols_from]
    return out


def _shifted_range(length, shift):
    """(destination slice, source slice) that move `length` pixels by `shift`."""
    if shift >= 0:
        return slice(shift, length), slice(0, max(length - shift, 0))
    return slice(0, max(length + shift, 0)), slice(-shift, length)


def gaussian_noise(images, std, rng=None):
    """images + N(0, std^2) noise, elementwise; returns a new array of the same dtype."""
    if std < 0:
        raise ValueError(f"gaussian_noise: std must be non-negative, got {std}")
    images = np.asarray(images)
    return (images + generator(rng).normal(0.0, std, images.shape)).astype(images.dtype, copy=False)
