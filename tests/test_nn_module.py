"""Module: registration, names, scopes, modes, dtype, state dicts and repr, against PyTorch where it has one."""
import numpy as np
import pytest
import torch

import nn
from autograd import Tensor, current_scope, scope, tensor
from test_nn_reference import assert_close


def _mlp():
    return nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Dropout(0.2), nn.Linear(5, 2))


def _torch_mlp():
    return torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(),
                               torch.nn.Dropout(0.2), torch.nn.Linear(5, 2)).double()


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.bn1 = nn.BatchNorm1d(2)
        self.scale = nn.Parameter(np.ones(1))

    def forward(self, x):
        return self.bn1(self.fc(x)) * self.scale


class TorchBlock(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)
        self.bn1 = torch.nn.BatchNorm1d(2)
        self.scale = torch.nn.Parameter(torch.ones(1))


def test_parameters_buffers_and_modules_are_registered_in_pytorchs_order():
    block, theirs = Block(), TorchBlock()
    for method in ("named_parameters", "named_buffers", "named_modules"):
        assert [name for name, _ in getattr(block, method)()] == [name for name, _ in getattr(theirs, method)()]
    assert [name for name, _ in block.named_parameters()][0] == "scale"  # own parameters come first
    assert list(block.children()) == [block.fc, block.bn1]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in block.parameters())


def test_parameter_and_buffer_roles_and_names_follow_the_root():
    block = Block()
    assert block.scale.role == "parameter" and block.bn1.running_mean.role == "buffer"
    assert block.bn1.weight.name == "bn1.weight" and block.scale.name == "scale"
    outer = nn.Sequential(nn.Linear(2, 2), block)
    assert block.bn1.weight.name == "1.bn1.weight"
    assert block.bn1.running_var.name == "1.bn1.running_var"
    outer.name = "net"
    assert block.bn1.weight.name == "net.1.bn1.weight" and outer[0].weight.name == "net.0.weight"
    block.extra = nn.Linear(1, 1)  # a child added later is named too
    assert block.extra.bias.name == "net.1.extra.bias"


def test_named_parameters_match_pytorch():
    assert [name for name, _ in _mlp().named_parameters()] == [name for name, _ in _torch_mlp().named_parameters()]


def test_call_runs_forward_inside_the_module_scope():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append([(frame.path, frame.kind) for frame in current_scope()])
            return x

    outer = nn.Sequential(nn.Sequential(Probe()))
    outer(tensor(1.0))
    assert seen == [[("sequential", "Sequential"), ("sequential.0", "Sequential"), ("sequential.0.0", "Probe")]]
    outer.name = "net"
    out = outer[0](Tensor(np.ones(1), requires_grad=True) * 2)
    assert seen[-1][-1] == ("net.0.0", "Probe")
    x = Tensor(np.ones((1, 2)), requires_grad=True)
    y = nn.Sequential(nn.Linear(2, 2))(x)
    assert [frame.path for frame in y.scope] == ["sequential", "sequential.0"] and out.shape == (1,)


def test_a_forward_that_raises_leaves_the_scope_stack_as_it_found_it():
    class Failing(nn.Module):
        def forward(self, x):
            raise ValueError("bad input")

    with scope("block", "Block") as outer:
        with pytest.raises(ValueError, match="bad input"):
            nn.Sequential(Failing())(tensor(1.0))
        assert current_scope() == (outer,)
    assert current_scope() == ()


def test_sequential_skips_a_child_set_to_none_as_children_does():
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    setattr(net, "1", None)
    x = tensor([[-1.0, 2.0]])
    assert list(net.children()) == [net[0]]
    np.testing.assert_array_equal(net(x).data, net[0](x).data)


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused():
    linear = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign Tensor as parameter 'weight'"):
        linear.weight = tensor(np.ones((2, 2)))
    linear.bias = None
    assert [name for name, _ in linear.named_parameters()] == ["weight"]


def test_shared_parameters_are_listed_once():
    linear = nn.Linear(2, 2)
    twice = nn.Sequential(linear, linear)
    assert len(list(twice.parameters())) == 2


def _shared_pair():
    """Sequential(linear, ReLU, linear) with one Linear registered twice, here and in torch, same weights."""
    theirs_linear = torch.nn.Linear(2, 2).double()
    ours_linear = nn.Linear(2, 2)
    ours_linear.load_state_dict(theirs_linear.state_dict())
    return nn.Sequential(ours_linear, nn.ReLU(), ours_linear), \
        torch.nn.Sequential(theirs_linear, torch.nn.ReLU(), theirs_linear)


def test_a_module_registered_twice_has_pytorchs_state_dict_keys():
    ours, theirs = _shared_pair()
    state, their_state = ours.state_dict(), theirs.state_dict()
    assert list(state) == list(their_state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for key, value in their_state.items():
        np.testing.assert_array_equal(state[key], value.numpy(), err_msg=key)
    assert [name for name, _ in ours.named_parameters()] == [name for name, _ in theirs.named_parameters()]
    assert [name for name, _ in ours.named_modules()] == [name for name, _ in theirs.named_modules()]
    assert [name for name, _ in ours.named_modules(remove_duplicate=False)] == \
        [name for name, _ in theirs.named_modules(remove_duplicate=False)]
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 2


def test_a_module_registered_twice_loads_both_ways_and_the_later_key_wins(rng):
    ours, theirs = _shared_pair()
    values = {"0.weight": rng.normal(size=(2, 2)), "0.bias": rng.normal(size=2),
              "2.weight": rng.normal(size=(2, 2)), "2.bias": rng.normal(size=2)}
    assert ours.load_state_dict(values) == ([], [])
    theirs.load_state_dict({key: torch.from_numpy(value) for key, value in values.items()})
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key], value.numpy(), err_msg=key)
    np.testing.assert_array_equal(ours[0].weight.data, values["2.weight"])

    other, other_torch = _shared_pair()
    other_torch.load_state_dict({key: torch.from_numpy(value) for key, value in ours.state_dict().items()})
    other.load_state_dict(theirs.state_dict())
    x = rng.normal(size=(5, 2))
    expected = theirs(torch.tensor(x)).detach().numpy()
    assert_close(other(Tensor(x)).data, expected)
    assert_close(other_torch(torch.tensor(x)).detach().numpy(), expected)


def test_a_cycle_of_child_modules_is_refused():
    inner = nn.Sequential(nn.Linear(1, 1))
    outer = nn.Sequential(inner)
    with pytest.raises(ValueError, match="'loop' would make Sequential its own descendant"):
        inner.add_module("loop", outer)
    with pytest.raises(ValueError, match="'0' would make Sequential its own descendant"):
        inner.add_module("0", inner)
    assert list(inner.state_dict()) == ["0.weight", "0.bias"]


def _nested_with_a_shared_linear(lib):
    shared = lib.Linear(2, 2)
    return lib.Sequential(lib.Sequential(lib.Linear(2, 2), lib.ReLU()), shared,
                          lib.Sequential(shared, lib.Tanh()), shared), shared


def test_apply_visits_modules_in_pytorchs_order_and_returns_self():
    orders = []
    for lib in (nn, torch.nn):
        net, shared = _nested_with_a_shared_linear(lib)
        visited = []
        assert net.apply(visited.append) is net
        orders.append([(type(module).__name__, module is shared) for module in visited])
    assert orders[0] == orders[1]
    assert orders[0].count(("Linear", True)) == 2  # once under the root (listed there twice), once under its other parent
    with pytest.raises(TypeError, match="apply: fn must be callable, got int"):
        nn.Linear(1, 1).apply(3)


def test_apply_initialises_weights_as_in_pytorch():
    def fill(module):
        if isinstance(module, (nn.Linear, torch.nn.Linear)):
            module.weight.data[...] = 0.5
            module.bias.data[...] = -1.0

    ours, theirs = _mlp().apply(fill), _torch_mlp().apply(fill)
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key], value.numpy(), err_msg=key)


def test_requires_grad_freezes_and_unfreezes_as_in_pytorch():
    ours, theirs = _mlp(), _torch_mlp()
    assert ours.requires_grad_(False) is ours and theirs.requires_grad_(False) is theirs
    assert ours[4].requires_grad_() is ours[4]
    theirs[4].requires_grad_()
    flags = [param.requires_grad for param in ours.parameters()]
    assert flags == [param.requires_grad for param in theirs.parameters()] == [False] * 4 + [True] * 2
    x = Tensor(np.ones((4, 3)))
    ours.eval()(x).sum().backward()
    assert [param.grad is None for param in ours.parameters()] == [True] * 4 + [False] * 2
    with pytest.raises(TypeError, match="requires_grad_: requires_grad must be a bool, got str"):
        ours.requires_grad_("no")


@pytest.mark.parametrize("index", [slice(1, 3), slice(None, None, 2), slice(-2, None), slice(3, 1)],
                         ids=["1:3", "::2", "-2:", "3:1"])
def test_a_slice_of_sequential_is_a_sequential_as_in_pytorch(index, rng):
    def layers(lib):  # every slice of it takes inputs of width 3
        return lib.Sequential(lib.Linear(3, 3), lib.ReLU(), lib.Linear(3, 3), lib.Tanh(), lib.Linear(3, 2))

    ours, theirs = layers(nn), layers(torch.nn).double()
    ours.load_state_dict(theirs.state_dict())
    ours.name = "net"
    names = [(param.name, module._scope_path) for module in ours.modules() for param in module.parameters()]
    sliced, their_sliced = ours[index], theirs[index]
    assert [(param.name, module._scope_path) for module in ours.modules() for param in module.parameters()] == names
    assert type(sliced) is nn.Sequential and repr(sliced) == repr(their_sliced)
    assert [key for key, _ in sliced.named_children()] == [key for key, _ in their_sliced.named_children()]
    assert all(a is b for a, b in zip(sliced, list(ours)[index], strict=True))
    assert list(sliced.state_dict()) == list(their_sliced.state_dict())
    x = rng.normal(size=(4, 3))
    assert_close(sliced(Tensor(x)).data, their_sliced(torch.tensor(x)).detach().numpy())


def test_sequential_index_must_be_an_int_or_a_slice():
    net = _mlp()
    assert net[-1] is net[4]
    with pytest.raises(TypeError, match="Sequential: index must be an int or a slice, got str"):
        net["0"]


def test_train_and_eval_reach_every_module():
    net = _mlp()
    assert all(m.training for m in net.modules())
    assert net.eval() is net and not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad(rng):
    net = nn.Sequential(nn.Linear(3, 2))
    net(Tensor(rng.normal(size=(4, 3)))).sum().backward()
    kept = net[0].weight.grad
    net[0].bias.grad = np.float64(2.0)  # a NumPy scalar, as a ufunc gives (it cannot change in place)
    net.zero_grad(set_to_none=False)
    assert net[0].weight.grad is kept  # in place, as PyTorch's
    assert_close(kept, np.zeros((2, 3)))
    assert type(net[0].bias.grad) is np.ndarray and net[0].bias.grad.dtype == np.float64
    assert_close(net[0].bias.grad, 0.0)
    net.zero_grad()
    assert net[0].weight.grad is None and net[0].bias.grad is None


def test_float_double_and_to_cast_in_place_keeping_the_parameters(rng):
    net = _mlp()
    weight = net[0].weight
    assert net.float() is net
    assert net[0].weight is weight and weight.dtype == np.float32
    assert net[1].running_mean.dtype == np.float32 and net[1].num_batches_tracked.dtype == np.int64
    out = net(Tensor(rng.normal(size=(4, 3)).astype(np.float32)))
    assert out.dtype == np.float32
    out.sum().backward()
    assert weight.grad.dtype == np.float32
    net.double()
    assert weight.dtype == np.float64 and weight.grad.dtype == np.float64
    with pytest.raises(TypeError, match="floating-point"):
        net.to(np.int32)


def test_repr_equals_pytorch():
    def layers(namespace):
        return namespace.Sequential(
            namespace.Linear(3, 4, bias=False), namespace.BatchNorm1d(4, affine=False), namespace.LeakyReLU(0.2),
            namespace.Sequential(namespace.Tanh(), namespace.Sigmoid()), namespace.LayerNorm(4),
            namespace.Softmax(dim=-1), namespace.BatchNorm1d(4, momentum=None, bias=False), namespace.MSELoss(),
            namespace.CrossEntropyLoss(reduction="sum"))

    assert repr(layers(nn)) == repr(layers(torch.nn))
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2)"  # no inplace option here


def test_state_dict_keys_and_shapes_equal_pytorch():
    ours, theirs = _mlp(), _torch_mlp()
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_state_dict_is_a_snapshot():
    net = nn.Linear(2, 2)
    state = net.state_dict()
    net.weight.data += 1
    assert not np.allclose(state["weight"], net.weight.data)


def test_a_pytorch_state_dict_loads_and_gives_the_same_outputs(rng):
    theirs = _torch_mlp()
    theirs.train()
    theirs[3].p = 0.0
    for _ in range(2):
        theirs(torch.tensor(rng.normal(size=(8, 3))))
    theirs.eval()
    ours = _mlp().eval()
    result = ours.load_state_dict(theirs.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = rng.normal(size=(6, 3))
    assert_close(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy())


def test_our_state_dict_loads_into_pytorch(rng):
    ours, theirs = _mlp().eval(), _torch_mlp().eval()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = rng.normal(size=(6, 3))
    assert_close(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy())


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("1.running_var"), r"missing keys \['1.running_var'\]"),
    (lambda s: s.update(extra=np.ones(1)), r"unexpected keys \['extra'\]"),
    (lambda s: s.update({"4.weight": np.ones((5, 2))}), r"'4.weight' has shape \(5, 2\).*\(2, 5\)"),
    (lambda s: s.update({"0.bias": np.array(["a"] * 5)}), r"'0.bias' is not numeric"),
])
def test_a_bad_state_dict_raises_before_anything_changes(change, message):
    net, other = _mlp(), _mlp()
    before = net.state_dict()
    state = other.state_dict()
    change(state)
    with pytest.raises(RuntimeError, match=message):
        net.load_state_dict(state)
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_non_strict_load_reports_the_keys():
    net = _mlp()
    state = {"0.weight": np.zeros((5, 3)), "extra": np.ones(1)}
    result = net.load_state_dict(state, strict=False)
    assert "0.bias" in result.missing_keys and result.unexpected_keys == ["extra"]
    assert_close(net[0].weight.data, np.zeros((5, 3)))


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        nn.Module()(tensor(1.0))


def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter([1.0, 2.0])
    assert isinstance(p, Tensor) and p.requires_grad and p.role == "parameter"
    assert repr(p).startswith("Parameter containing:")


def test_attributes_follow_every_change_of_the_registries():
    module = nn.BatchNorm1d(3)
    weight, running_mean = module.weight, module.running_mean
    assert module.weight is module._parameters["weight"] is weight
    module.weight = None
    assert module.weight is None and module._parameters["weight"] is None
    replacement = tensor(np.zeros(3))
    module.running_mean = replacement
    assert module.running_mean is replacement is module._buffers["running_mean"] and running_mean is not replacement
    del module.bias
    assert "bias" not in module._parameters
    with pytest.raises(AttributeError, match="bias"):
        module.bias
    module.bias = nn.Parameter(np.ones(3))  # registered again, in the registry and as the attribute
    assert module.bias is module._parameters["bias"]
    module.register_buffer("bias", tensor(np.ones(3)))  # moves to the buffers
    assert "bias" not in module._parameters and module.bias is module._buffers["bias"]


def test_a_name_the_class_defines_cannot_be_registered():
    module = nn.Module()
    for name in ("name", "eval", "forward"):  # a property and two methods, as PyTorch refuses them
        with pytest.raises(KeyError, match=f"attribute '{name}' already exists"):
            module.register_parameter(name, nn.Parameter(np.ones(2)))
        with pytest.raises(KeyError, match=f"attribute '{name}' already exists"):
            module.register_buffer(name, tensor(np.ones(2)))
    assert module.name is None and list(module.parameters()) == [] and module.eval() is module


def test_a_shallow_copy_has_registries_of_its_own():
    import copy

    original = nn.Linear(2, 3)
    clone = copy.copy(original)
    assert clone.weight is original.weight
    clone.weight = nn.Parameter(np.zeros((3, 2)))
    assert original.weight is original._parameters["weight"] and original.weight is not clone.weight
    assert clone.weight is clone._parameters["weight"]
