"""Thread-local autograd state: grad mode and the module scope stack."""
import functools
import inspect
import itertools
import threading


class _State:
    """The autograd state of one thread: grad mode, the module scope stack and anomaly mode."""

    __slots__ = ("grad_enabled", "scope", "anomaly")

    def __init__(self):
        self.grad_enabled = True
        self.scope = ()  # tuple of scope, innermost last
        self.anomaly = False


class _PerThread(threading.local):
    """`state`: the `_State` of the reading thread, made fresh at its first read in that thread.

    Each read of a thread-local attribute looks the thread up (it costs about ten plain attribute
    reads), so code that needs several fields reads `_local.state` once and then its plain fields.
    """

    def __init__(self):
        self.state = _State()


_local = _PerThread()


def is_grad_enabled():
    """Whether ops run now record the graph for backward (per thread)."""
    return _local.state.grad_enabled


class _GradMode:
    """Context manager and decorator that sets grad mode for its body: `with no_grad(): ...`, `@no_grad()` or
    `@no_grad` (as PyTorch's). A decorated generator function runs its body in the mode at every resumption, and
    the code that drives it in its own mode."""

    enabled = True

    def __new__(cls, function=None):
        mode = super().__new__(cls)
        return mode if function is None else mode(function)

    def __enter__(self):
        state = _local.state
        self._previous = state.grad_enabled
        state.grad_enabled = self.enabled

    def __exit__(self, *exc):
        _local.state.grad_enabled = self._previous

    def __call__(self, function):
        mode = type(self)
        if inspect.isgeneratorfunction(function):
            @functools.wraps(function)
            def generator_wrapper(*args, **kwargs):
                return (yield from _resumed_in(mode, function(*args, **kwargs)))

            return generator_wrapper

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with mode():
                return function(*args, **kwargs)

        return wrapper


def _resumed_in(mode, generator):
    """Drive `generator`, entering `mode` around each of its resumptions (next, send, throw, close) only."""
    resume, argument = generator.send, None
    while True:
        try:
            with mode():
                value = resume(argument)
        except StopIteration as stop:
            return stop.value
        try:
            argument = yield value
            resume = generator.send
        except GeneratorExit:
            with mode():
                generator.close()
            raise
        except BaseException as error:  # thrown in by the caller: passed on to the generator
            resume, argument = generator.throw, error


class no_grad(_GradMode):
    """Ops in this block record no graph: `with no_grad(): ...` or `@no_grad()`."""

    enabled = False


class enable_grad(_GradMode):
    """Ops in this block record the graph again, even inside `no_grad`."""

    enabled = True


_next_call_id = itertools.count(1).__next__  # atomic, so threads never share an id


class scope:
    """A named scope (one module call): `with scope(path, kind): ...` records it on the ops run inside.

    `nn.Module.__call__` enters one per call; graph drawing clusters ops by scope. The scope
    is also the frame on the stack: its dotted `path`, its `kind` (type name) and a `call_id`
    that tells two calls of the same module apart.
    """

    __slots__ = ("path", "kind", "call_id")

    def __init__(self, path, kind=""):
        self.path = path
        self.kind = kind
        self.call_id = _next_call_id()

    def __repr__(self):
        return f"{self.path}: {self.kind}"

    def __enter__(self):
        push_scope(self)
        return self

    def __exit__(self, exc_type, exc, traceback):
        pop_scope(_local.state)  # the stack of this thread, so a scope may be entered anywhere


def push_scope(frame):
    """Put `frame` on top of this thread's scope stack; returns this thread's state, for `pop_scope`.

    `with frame:` does this; `nn.Module.__call__` pairs it with `pop_scope` in try/finally (cheaper than `with`).
    """
    state = _local.state
    state.scope += (frame,)
    return state


def pop_scope(state):
    """Take the top frame off the scope stack of `state` (what `push_scope` returned in this thread)."""
    state.scope = state.scope[:-1]


def current_scope():
    """The scope stack of this thread, outermost first, as a tuple of `scope`."""
    return _local.state.scope
