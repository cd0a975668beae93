"""Parameter: a tensor that a module learns."""
from autograd import Tensor


class Parameter(Tensor):
    """A Tensor that requires grad and that a Module registers when assigned as an attribute.

    `role` is "parameter" (graph drawing colours by it); `name` is set to the dotted
    path from the root module (e.g. "0.weight") when the parameter joins a module.
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data, requires_grad=requires_grad)
        self.role = "parameter"

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
