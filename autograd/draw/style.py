"""Colours and shapes: roles, ops, module calls, the gradient heat scale, and the legend they make."""
import math
from collections import namedtuple

import numpy as np

from . import labels

Swatch = namedtuple("Swatch", "text fill stroke fontcolor")

ROLE_SWATCHES = {
    "input": Swatch("input", "#bbdefb", "#1565c0", "black"),
    "parameter": Swatch("parameter", "#c8e6c9", "#2e7d32", "black"),
    "buffer": Swatch("buffer / constant", "#e0e0e0", "#616161", "black"),
    "constant": Swatch("buffer / constant", "#e0e0e0", "#616161", "black"),
    "intermediate": Swatch("intermediate", "#ffffff", "#78909c", "black"),
    "output": Swatch("output", "#ffcc80", "#e65100", "black"),
}
OP_SWATCH = Swatch("op", "#e1d5f5", "#5e35b1", "black")
MODULE_SWATCH = Swatch("module call (collapsed)", "#fff59d", "#f9a825", "black")
# Sequential yellow-orange-red: faint for vanishing gradients, dark red for the largest.
HEAT_COLOURS = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026")
CLUSTER_FILLS = ("#f4f7fb", "#e8eef5", "#dce5ef")


def grad_magnitude(grad):
    """Mean absolute value of a gradient array."""
    return float(np.mean(np.abs(grad))) if grad.size else 0.0


class HeatScale:
    """Maps gradient magnitudes to colours on a log scale spanning the graph's gradients."""

    def __init__(self, magnitudes):
        positive = [m for m in magnitudes if m > 0 and math.isfinite(m)]
        self.low = min(positive, default=1.0)
        self.high = max(positive, default=1.0)

    def position(self, magnitude):
        """0 for the smallest magnitude (or zero), 1 for the largest (or non-finite)."""
        if not math.isfinite(magnitude) or self.high == self.low:
            return 1.0
        if magnitude <= self.low:
            return 0.0
        return min(1.0, math.log(magnitude / self.low) / math.log(self.high / self.low))

    def colours(self, magnitude):
        """(fill, fontcolor) for a magnitude."""
        step = round(self.position(magnitude) * (len(HEAT_COLOURS) - 1))
        return HEAT_COLOURS[step], "white" if step >= len(HEAT_COLOURS) - 2 else "black"

    def swatches(self):
        """Legend entries for the smallest, middle and largest magnitudes."""
        return [self._swatch(m) for m in (self.low, math.sqrt(self.low * self.high), self.high)]

    def _swatch(self, magnitude):
        fill, fontcolor = self.colours(magnitude)
        return Swatch(f"|grad| {labels.number(magnitude)}", fill, "#424242", fontcolor)


def swatch_attrs(swatch, shape, style):
    """Graphviz node attributes that paint a swatch."""
    return {"shape": shape, "style": style, "fillcolor": swatch.fill, "color": swatch.stroke,
            "fontcolor": swatch.fontcolor}


# Every node starts as an intermediate tensor; nodes list only the attributes that differ (a shorter DOT text).
NODE_DEFAULTS = swatch_attrs(ROLE_SWATCHES["intermediate"], "box", "rounded,filled")


def differing(attrs):
    """The attributes whose values differ from NODE_DEFAULTS."""
    return {key: value for key, value in attrs.items() if NODE_DEFAULTS.get(key) != value}


class Painter:
    """Graphviz attributes for each unit of a plan, for its clusters, and for its legend."""

    def __init__(self, graph, show_data, show_grad, grad_heat):
        self.graph = graph
        self.show_data = show_data
        self.show_grad = show_grad
        grads = [tensor.grad for tensor in graph.tensors if tensor.grad is not None]
        self.heat = HeatScale([grad_magnitude(grad) for grad in grads]) if grad_heat and grads else None

    def node_attrs(self, unit, plan, key):
        """Label, shape and colours of one visible unit (those that differ from NODE_DEFAULTS)."""
        return differing(self._node_attrs(unit, plan, key))

    def _node_attrs(self, unit, plan, key):
        if unit.kind == "module":
            return {"label": self._module_label(unit.subject, plan.hidden[key]),
                    **swatch_attrs(MODULE_SWATCH, "box3d", "filled")}
        tensor = self.graph.tensors[unit.subject]
        if unit.kind == "op":
            return {"label": labels.op_label(tensor), **swatch_attrs(OP_SWATCH, "ellipse", "filled")}
        return self._tensor_attrs(tensor, self.graph.roles[unit.subject])

    def _module_label(self, frame, hidden):
        ops = sum(unit.kind == "op" for unit in hidden)
        parameters = sum(self.graph.tensors[unit.subject].size for unit in hidden
                         if unit.kind == "tensor" and self.graph.roles[unit.subject] == "parameter")
        return labels.module_label(frame, ops, parameters)

    def _tensor_attrs(self, tensor, role):
        swatch = ROLE_SWATCHES[role]
        if role == "constant":
            return {"label": labels.constant_label(tensor), "fontsize": "9", "margin": "0.04,0.02",
                    "height": "0.25", "width": "0.3", **swatch_attrs(swatch, "box", "rounded,filled")}
        attrs = {"label": labels.tensor_label(tensor, self.show_data, self.show_grad),
                 **swatch_attrs(swatch, "box", "rounded,filled")}
        if self.heat is not None and tensor.grad is not None:
            fill, fontcolor = self.heat.colours(grad_magnitude(tensor.grad))
            attrs.update(fillcolor=fill, fontcolor=fontcolor, penwidth="2.5")
        return attrs

    @staticmethod
    def cluster_attrs(frame, depth):
        """A module call's cluster: 'path: Type', shaded a little darker per nesting level."""
        return {"label": labels.frame_title(frame), "style": "rounded,filled", "color": "#90a4ae",
                "fillcolor": CLUSTER_FILLS[depth % len(CLUSTER_FILLS)], "fontsize": "11", "labeljust": "l"}

    def legend(self, plan):
        """The swatches of what this plan shows, in a fixed order, then the heat scale if any."""
        shown = {self._swatch_of(unit) for unit in plan.units.values()}
        ordered = dict.fromkeys((*ROLE_SWATCHES.values(), OP_SWATCH, MODULE_SWATCH))
        swatches = [swatch for swatch in ordered if swatch in shown]
        return swatches + (self.heat.swatches() if self.heat is not None else [])

    def _swatch_of(self, unit):
        if unit.kind == "tensor":
            return ROLE_SWATCHES[self.graph.roles[unit.subject]]
        return OP_SWATCH if unit.kind == "op" else MODULE_SWATCH
