"""Sequential: modules applied one after the other."""
from .module import Module


class Sequential(Module):
    """Apply the given modules in order; they are registered as children "0", "1", ..."""

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential: argument {index} must be an nn.Module, got {type(module).__name__}")
            self.add_module(str(index), module)

    def forward(self, input):
        for module in self.children():
            input = module(input)
        return input

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        """The module at position `index` (negative counts from the end), or for a slice a new Sequential of those
        modules (the same objects) under their keys here, as PyTorch's (`net[1:3]` has children "1" and "2").
        The modules keep the names they have in this model (a slice shares them, it does not adopt them)."""
        if isinstance(index, slice):
            sliced = type(self)()
            for key, module in list(self._modules.items())[index]:
                sliced._store_entry(sliced._modules, key, module)
            return sliced
        if not isinstance(index, int):
            raise TypeError(f"Sequential: index must be an int or a slice, got {type(index).__name__}")
        return list(self._modules.values())[index]

    def append(self, module):
        """Add `module` at the end."""
        self.add_module(str(len(self)), module)
        return self
