"""Custom ops with a hand-written backward on NumPy arrays."""
from numpy import asarray, ndarray  # read per op: a global is cached, np.<name> is not (NumPy has a module __getattr__)

from .primitive import VariadicPrimitive, make_result, numeric_array
from .tensor import Tensor


def _refuse_second_derivative(argnum, g, ans, *tensors, value, function):
    raise RuntimeError(
        f"{function} is a custom Function whose backward works on NumPy arrays, so it is differentiable "
        "once only; a second derivative through it is not available")


# A gradient computed by a Function's backward under create_graph=True: its value is fixed,
# and differentiating it again (with respect to the output gradient or the inputs) raises.
once_differentiable = VariadicPrimitive("once_differentiable", lambda *tensors, value, function: value,
                                        _refuse_second_derivative)


def _one_per_argument(name, grads, count):
    """The gradients a `backward` returned (a tuple, or one gradient), checked to be one per argument of the forward:
    `count`, extra ones being None, as PyTorch's rule. A list is one array-like gradient (PyTorch refuses lists)."""
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) > count and all(grad is None for grad in grads[count:]):
        grads = grads[:count]
    if len(grads) != count:
        raise RuntimeError(f"{name}.backward returned {len(grads)} gradients, expected {count}: one per argument of "
                           "forward (after ctx), None for those that need none")
    return grads


class Context:
    """What a Function's forward leaves for its backward."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.saved = ()

    def save_for_backward(self, *arrays):
        """Keep arrays for the backward; read them back as `ctx.saved`."""
        self.saved = arrays


class Function:
    """A user-defined op: subclass with two static methods on NumPy arrays.

        class Square(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, grad_out):
                (x,) = ctx.saved
                return 2 * x * grad_out

        y = Square.apply(x)

    `backward` returns one gradient per argument of `forward` after ctx (None for those
    that need none), or else raises. Its gradients are plain arrays, so the op is
    differentiable once.
    """

    name = "Function"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__

    @staticmethod
    def forward(ctx, *arrays):
        """Compute the output array from the input arrays."""
        raise NotImplementedError("Function subclasses define forward(ctx, *arrays)")

    @staticmethod
    def backward(ctx, grad_out):
        """Return the gradient of each input given the output's gradient."""
        raise NotImplementedError("Function subclasses define backward(ctx, grad_out)")

    @classmethod
    def apply(cls, *args):
        """Run the op on tensors (non-tensor arguments pass through to forward)."""
        positions, tensors, values, needs_input_grad = [], [], list(args), []
        for position, arg in enumerate(args):
            if isinstance(arg, Tensor):
                values[position] = arg.data
            elif isinstance(arg, ndarray):
                arg = Tensor._make(numeric_array(arg))
            else:
                needs_input_grad.append(False)
                continue
            positions.append(position)
            tensors.append(arg)
            needs_input_grad.append(arg._requires_grad)
        ctx = Context(tuple(needs_input_grad))
        out = cls.forward(ctx, *values)
        out = out if type(out) is ndarray else asarray(out)
        return make_result(cls, tuple(tensors), {"ctx": ctx, "positions": positions}, out)

    @classmethod
    def vjp(cls, grad_out, ans, inputs, params, needs_grad, create_graph):
        """The engine's entry: call `backward` and pick the gradients of the tensor inputs."""
        if create_graph:
            grads = cls.vjp(grad_out.data, ans.data, [t.data for t in inputs], params, needs_grad, False)
            return [None if g is None else once_differentiable(grad_out, *inputs, value=g, function=cls.name)
                    for g in grads]
        ctx = params["ctx"]
        grads = _one_per_argument(cls.name, cls.backward(ctx, grad_out), len(ctx.needs_input_grad))
        picked = []
        for i, position in enumerate(params["positions"]):
            grad = grads[position]
            if grad is not None and needs_grad[i]:
                grad = asarray(grad)
                if grad.shape != inputs[i].shape:
                    raise ValueError(
                        f"{cls.name}.backward returned a gradient of shape {grad.shape} for input {position}, "
                        f"which has shape {inputs[i].shape}")
                picked.append(grad)
            else:
                picked.append(None)
        return picked
