"""Label text for the nodes: HTML-like Graphviz labels with names, shapes, values and op parameters."""
import html

import numpy as np

_SMALL = '<font point-size="9">{}</font>'


def number(value):
    """A number in at most 4 significant digits."""
    return f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)


def summary(array):
    """The value of a one-element array, else its min, mean and max."""
    if array.size == 0:
        return "empty"
    if array.size == 1:
        return number(array.reshape(()).item())
    return f"min {number(np.min(array))} · mean {number(np.mean(array))} · max {number(np.max(array))}"


def shape_text(tensor):
    """'(8, 4) float64', or 'scalar float64' for 0-d tensors."""
    shape = str(tensor.shape) if tensor.ndim else "scalar"
    return f"{shape} {tensor.dtype}"


def _html(lines, small_lines):
    parts = [f"<b>{html.escape(line)}</b>" for line in lines]
    parts += [_SMALL.format(html.escape(line)) for line in small_lines]
    return "<" + "<br/>".join(parts) + ">"


def tensor_label(tensor, show_data, show_grad):
    """Name (bold), shape and dtype; with show_data its value, with show_grad its gradient."""
    details = [shape_text(tensor)]
    if show_data:
        details.append(f"data {summary(tensor.data)}")
    if show_grad and (tensor.grad is not None or (tensor.is_leaf and tensor.requires_grad)):
        details.append("grad " + ("None" if tensor.grad is None else summary(tensor.grad)))
    return _html([tensor.name] if tensor.name else [], details)


def constant_label(tensor):
    """A constant shows its value only."""
    return _html([], [summary(tensor.data)])


def op_label(tensor):
    """The op's name (bold) and its parameters, e.g. 'mean' / 'axis=0, keepdims=True'."""
    params = params_text(tensor._params)
    return _html([tensor.op], [params] if params else [])


def module_label(frame, ops, parameters):
    """A collapsed module call: 'net.bn1: BatchNorm1d', and how many ops and parameters it hides."""
    counts = [plural(ops, "op")] + ([plural(parameters, "parameter")] if parameters else [])
    return _html([frame_title(frame)], [" · ".join(counts)])


def plural(count, noun):
    """'1 op', '3 ops'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def frame_title(frame):
    """'path: Type' for a module call."""
    return f"{frame.path}: {frame.kind}" if frame.kind else frame.path


def params_text(params):
    """'key=value, ...' for the parameters worth reading; None, False and opaque objects are left out."""
    shown = ((key, index_text(value) if key == "index" else value_text(value)) for key, value in params.items())
    return ", ".join(f"{key}={text}" for key, text in shown if text is not None)


def value_text(value):
    """Short text for a plain parameter value, or None when it is not worth showing."""
    if value is None or value is False:
        return None
    if isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        return number(value)
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, tuple) and all(isinstance(item, (int, np.integer)) for item in value):
        return str(tuple(int(item) for item in value))
    return None


def index_text(index):
    """NumPy's index notation for a getitem: '[:, 0]', '[mask(8,)]', '[array(3,)]'."""
    parts = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(_index_part(part) for part in parts) + "]"


def _index_part(part):
    if isinstance(part, slice):
        bounds = ["" if bound is None else str(bound) for bound in (part.start, part.stop, part.step)]
        return ":".join(bounds[:2] if part.step is None else bounds)
    if isinstance(part, np.ndarray):
        return f"{'mask' if part.dtype == bool else 'array'}{part.shape}"
    if part is Ellipsis:
        return "..."
    return str(part)
