"""Train an MLP with BatchNorm on scikit-learn's bundled digits and draw its loss curve.

    python examples/train_digits.py [--epochs 8] [--out out]

Linear(64, 128) -> BatchNorm1d -> ReLU -> Linear(128, 128) -> BatchNorm1d -> ReLU -> Linear(128, 10),
SGD with momentum, a tqdm progress bar per epoch. Prints the test accuracy, writes
`digits_loss.png` (training and validation loss per epoch) to the output directory, and lists the
pictures found there. Exits with status 1 if the test accuracy is not above 90%.
"""
import argparse
import os
import sys
from pathlib import Path

# The layers multiply small matrices, where OpenBLAS's threads only contend for the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from tqdm import tqdm  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402
from autograd import tensor  # noqa: E402

PICTURES = (".png", ".svg", ".pdf", ".jpg")


def split(seed=0):
    """The digits scaled to [0, 1] and shuffled: (train, validation, test), 1200, 250 and 347 samples."""
    digits = load_digits()
    X, y = digits.data / 16.0, digits.target
    order = np.random.default_rng(seed).permutation(len(X))
    train, val, test = order[:1200], order[1200:1450], order[1450:]
    return (X[train], y[train]), (X[val], y[val]), (X[test], y[test])


def model(seed=0):
    """The MLP: two hidden layers of 128 units, each Linear -> BatchNorm1d -> ReLU."""
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Linear(64, 128, rng=rng), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 128, rng=rng), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 10, rng=rng),
    )


def evaluate(net, X, y, criterion):
    """(loss, accuracy) of `net` in eval mode on (X, y); the net is back in training mode afterwards."""
    net.eval()
    with autograd.no_grad():
        logits = net(tensor(X))
        loss = criterion(logits, y).item()
    net.train()
    return loss, float((logits.data.argmax(axis=1) == y).mean())


def train(epochs, batch_size=32, seed=0):
    """Train for `epochs`; returns ({"train": [...], "val": [...]} losses per epoch, test accuracy)."""
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = split(seed)
    net, criterion = model(seed), nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(seed + 1)
    history = {"train": [], "val": []}
    for epoch in range(1, epochs + 1):
        batches = list(nn.data.minibatches(X_train, y_train, batch_size, rng=rng))
        running = 0.0
        with tqdm(batches, desc=f"epoch {epoch}/{epochs}", unit="batch", ncols=90) as bar:
            for step, (xb, yb) in enumerate(bar, start=1):
                optimizer.zero_grad()
                loss = criterion(net(tensor(xb)), yb)
                loss.backward()
                optimizer.step()
                running += loss.item()
                bar.set_postfix(loss=f"{running / step:.4f}", refresh=False)
        history["train"].append(running / len(batches))
        val_loss, val_acc = evaluate(net, X_val, y_val, criterion)
        history["val"].append(val_loss)
        print(f"epoch {epoch}: train loss {history['train'][-1]:.4f}, validation loss {val_loss:.4f}, "
              f"validation accuracy {val_acc:.3f}")
    return history, evaluate(net, X_test, y_test, criterion)[1]


def plot(history, path):
    """Draw the training and validation loss per epoch to `path`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = range(1, len(history["train"]) + 1)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(epochs, history["train"], "o-", label="training (mean over the epoch's batches)")
    ax.plot(epochs, history["val"], "s-", label="validation")
    ax.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="MLP with BatchNorm on digits")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    """Train, print the test accuracy, draw the loss curve; 0 when the accuracy is above 90%, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args(argv)

    history, test_accuracy = train(args.epochs)
    print(f"test accuracy: {test_accuracy:.4f}")
    args.out.mkdir(parents=True, exist_ok=True)
    plot(history, args.out / "digits_loss.png")
    pictures = sorted(p for p in args.out.iterdir() if p.suffix.lower() in PICTURES)
    print(f"pictures in {args.out}/:")
    for picture in pictures:
        print(f"  {picture}  ({picture.stat().st_size // 1024} KiB)")
    return 0 if test_accuracy > 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
