"""A catalogue of calls that exercise every primitive op, for gradient checks.

Each case is written once against a namespace `lib` with NumPy's names, so the same
case runs on `autograd`, on NumPy and (in the tests) on PyTorch.
"""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class OpCase:
    """One call of one primitive op: `fn(lib, *inputs)` on inputs of `shapes`."""

    op: str
    label: str
    fn: Callable
    shapes: tuple
    domain: str = "real"  # "real", "positive" (for log, sqrt, pow), "nonzero" (away from kinks)

    def inputs(self, rng):
        """Float64 input arrays for this case, drawn from `rng` in the case's domain."""
        arrays = []
        for shape in self.shapes:
            if self.domain == "positive":
                arrays.append(rng.uniform(0.5, 2.0, size=shape))
            elif self.domain == "nonzero":
                arrays.append(rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 1.5, size=shape))
            else:
                arrays.append(rng.standard_normal(shape))
        return arrays


_BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((3, 1), ())]


def _binary(op, fn, domain="real"):
    return [OpCase(op, f"{op} {a}, {b}", fn, (a, b), domain) for a, b in _BINARY_SHAPES]


def _unary(op, fn, domain="real", shapes=((3, 4), (), (2, 3, 2))):
    return [OpCase(op, f"{op} {s}", fn, (s,), domain) for s in shapes]


def _reductions(op, fn, domain="real", shape=(3, 4, 2), zero_d=True):
    cases = []
    for axis in (None, 0, 1, -1, (0, 2)):
        for keepdims in (False, True):
            cases.append(OpCase(op, f"{op} axis={axis} keepdims={keepdims}",
                                lambda lib, x, axis=axis, keepdims=keepdims: fn(lib, x, axis, keepdims),
                                (shape,), domain))
    if zero_d:
        cases.append(OpCase(op, f"{op} 0-d", lambda lib, x: fn(lib, x, None, False), ((),), domain))
    return cases


CASES = [
    *_binary("add", lambda lib, a, b: a + b),
    *_binary("sub", lambda lib, a, b: a - b),
    *_binary("mul", lambda lib, a, b: a * b),
    *_binary("div", lambda lib, a, b: a / b, "nonzero"),
    *_binary("pow", lambda lib, a, b: a ** b, "positive"),
    OpCase("pow", "pow x ** 3", lambda lib, x: x ** 3, ((3, 4),)),
    OpCase("pow", "pow 2 ** x", lambda lib, x: 2.0 ** x, ((3, 4),)),
    *_binary("maximum", lambda lib, a, b: lib.maximum(a, b)),
    *_binary("minimum", lambda lib, a, b: lib.minimum(a, b)),
    OpCase("matmul", "matmul (3,4)@(4,2)", lambda lib, a, b: a @ b, ((3, 4), (4, 2))),
    OpCase("matmul", "matmul (4,)@(4,2)", lambda lib, a, b: a @ b, ((4,), (4, 2))),
    OpCase("matmul", "matmul (3,4)@(4,)", lambda lib, a, b: a @ b, ((3, 4), (4,))),
    OpCase("matmul", "matmul (4,)@(4,)", lambda lib, a, b: a @ b, ((4,), (4,))),
    OpCase("matmul", "matmul (2,3,4)@(4,2)", lambda lib, a, b: a @ b, ((2, 3, 4), (4, 2))),
    OpCase("matmul", "matmul (2,1,3,4)@(3,4,2)", lambda lib, a, b: a @ b, ((2, 1, 3, 4), (3, 4, 2))),
    *_unary("neg", lambda lib, x: -x),
    *_unary("abs", lambda lib, x: lib.abs(x), "nonzero"),
    *_unary("exp", lambda lib, x: lib.exp(x)),
    *_unary("log", lambda lib, x: lib.log(x), "positive"),
    *_unary("sqrt", lambda lib, x: lib.sqrt(x), "positive"),
    *_unary("tanh", lambda lib, x: lib.tanh(x)),
    *_unary("sigmoid", lambda lib, x: lib.sigmoid(x)),
    *_unary("relu", lambda lib, x: lib.relu(x), "nonzero"),
    *_unary("clip", lambda lib, x: lib.clip(x, -0.8, 0.9), "nonzero"),
    OpCase("clip", "clip lower only", lambda lib, x: lib.clip(x, -0.8, None), ((3, 4),), "nonzero"),
    OpCase("where", "where (3,4)", lambda lib, c, a, b: lib.where(c > 0, a, b), ((3, 4), (3, 4), (3, 4))),
    OpCase("where", "where broadcast", lambda lib, c, a, b: lib.where(c > 0, a, b), ((3, 4), (4,), (3, 1))),
    *_reductions("sum", lambda lib, x, axis, keepdims: lib.sum(x, axis=axis, keepdims=keepdims)),
    *_reductions("mean", lambda lib, x, axis, keepdims: lib.mean(x, axis=axis, keepdims=keepdims)),
    *_reductions("var", lambda lib, x, axis, keepdims: lib.var(x, axis=axis, keepdims=keepdims)),
    OpCase("var", "var ddof=1", lambda lib, x: lib.var(x, axis=0, ddof=1), ((4, 3),)),
    # at least 3 values per std (the std of 2 is |a - b| / 2, whose second derivative is 0: only rounding to
    # compare); the std of one value is 0 whatever it is (PyTorch's second derivative there is nan)
    *_reductions("std", lambda lib, x, axis, keepdims: lib.std(x, axis=axis, keepdims=keepdims), shape=(3, 4, 3),
                 zero_d=False),
    OpCase("std", "std ddof=1", lambda lib, x: lib.std(x, axis=0, ddof=1), ((4, 3),)),
    *_reductions("max", lambda lib, x, axis, keepdims: lib.max(x, axis=axis, keepdims=keepdims)),
    *_reductions("min", lambda lib, x, axis, keepdims: lib.min(x, axis=axis, keepdims=keepdims)),
    OpCase("sum", "sum 0-d axis=0", lambda lib, x: lib.sum(x, axis=0), ((),)),
    OpCase("max", "max 0-d axis=-1", lambda lib, x: lib.max(x, axis=-1), ((),)),
    *_reductions("logsumexp", lambda lib, x, axis, keepdims: lib.logsumexp(x, axis=axis, keepdims=keepdims)),
    OpCase("reshape", "reshape (3,4)->(2,6)", lambda lib, x: lib.reshape(x, (2, 6)), ((3, 4),)),
    OpCase("reshape", "reshape (3,4)->(-1,)", lambda lib, x: lib.reshape(x, (-1,)), ((3, 4),)),
    OpCase("linear", "linear (3,4) W(2,4) b(2,)", lambda lib, x, w, b: lib.linear(x, w, b), ((3, 4), (2, 4), (2,))),
    OpCase("linear", "linear without bias", lambda lib, x, w: lib.linear(x, w), ((3, 4), (2, 4))),
    OpCase("linear", "linear (4,) W(2,4) b(2,)", lambda lib, x, w, b: lib.linear(x, w, b), ((4,), (2, 4), (2,))),
    OpCase("linear", "linear (2,3,4) W(2,4) b(2,)", lambda lib, x, w, b: lib.linear(x, w, b),
           ((2, 3, 4), (2, 4), (2,))),
    OpCase("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits (3,4)",
           lambda lib, x, t: lib.binary_cross_entropy_with_logits(x, t), ((3, 4), (3, 4))),
    OpCase("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits logits up to 30",
           lambda lib, x, t: lib.binary_cross_entropy_with_logits(x * 10, t), ((3, 4), (3, 4))),
    OpCase("softmax_cross_entropy", "softmax_cross_entropy (4,3)",
           lambda lib, x: lib.softmax_cross_entropy(x, [2, 0, 1, 2]), ((4, 3),)),
    OpCase("softmax_cross_entropy", "softmax_cross_entropy (2,5), logits up to 1e3",
           lambda lib, x: lib.softmax_cross_entropy(x * 1e3, [4, 1]), ((2, 5),)),
    OpCase("softmax_cross_entropy", "softmax_cross_entropy mean (4,3)",
           lambda lib, x: lib.softmax_cross_entropy(x, [2, 0, 1, 2], reduction="mean"), ((4, 3),)),
    OpCase("softmax_cross_entropy", "softmax_cross_entropy sum (4,3)",
           lambda lib, x: lib.softmax_cross_entropy(x, [2, 0, 1, 2], reduction="sum"), ((4, 3),)),
    OpCase("transpose", "transpose (3,4)", lambda lib, x: lib.transpose(x), ((3, 4),)),
    OpCase("transpose", "transpose axes (1,2,0)", lambda lib, x: lib.transpose(x, (1, 2, 0)), ((2, 3, 4),)),
    OpCase("transpose", "transpose axes (-1,0,1)", lambda lib, x: lib.transpose(x, (-1, 0, 1)), ((2, 3, 4),)),
    OpCase("transpose", "transpose axes (1,-1,0) of a cube", lambda lib, x: lib.transpose(x, (1, -1, 0)), ((3, 3, 3),)),
    OpCase("swapaxes", "swapaxes 0,2", lambda lib, x: lib.swapaxes(x, 0, 2), ((2, 3, 4),)),
    OpCase("expand_dims", "expand_dims 1", lambda lib, x: lib.expand_dims(x, 1), ((3, 4),)),
    OpCase("squeeze", "squeeze all", lambda lib, x: lib.squeeze(x), ((3, 1, 4, 1),)),
    OpCase("squeeze", "squeeze axis 1", lambda lib, x: lib.squeeze(x, 1), ((3, 1, 4, 1),)),
    OpCase("broadcast_to", "broadcast_to (3,1)->(2,3,4)", lambda lib, x: lib.broadcast_to(x, (2, 3, 4)), ((3, 1),)),
    OpCase("astype", "astype float64 (float32 casts are checked in the tests)",
           lambda lib, x: lib.astype(x, "float64"), ((3, 4),)),
    OpCase("getitem", "getitem slices", lambda lib, x: x[1:, ::2], ((3, 4),)),
    OpCase("getitem", "getitem int", lambda lib, x: x[1], ((3, 4),)),
    OpCase("getitem", "getitem repeated integer array", lambda lib, x: x[[0, 2, 0], 1:], ((3, 4),)),
    OpCase("getitem", "getitem boolean mask", lambda lib, x: x[x > 0], ((3, 4),)),
    OpCase("concatenate", "concatenate axis 1", lambda lib, a, b: lib.concatenate([a, b], axis=1), ((3, 2), (3, 4))),
    OpCase("concatenate", "concatenate axis -1, 3 inputs",
           lambda lib, a, b, c: lib.concatenate([a, b, c], axis=-1), ((2, 1), (2, 3), (2, 2))),
    OpCase("stack", "stack axis 0", lambda lib, a, b: lib.stack([a, b]), ((3, 4), (3, 4))),
    OpCase("stack", "stack axis -1", lambda lib, a, b: lib.stack([a, b], axis=-1), ((3, 4), (3, 4))),
]

