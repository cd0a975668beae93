"""The backward engine: graph shapes, accumulation, retain_graph, grad(), grad modes."""
import gc
import re
import threading

import numpy as np
import pytest
import torch

import autograd
from autograd import tensor


def test_diamond_graph_sums_both_paths():
    x = tensor(3.0, requires_grad=True)
    a = x * 2
    b = x ** 2
    (a * b).backward()  # d(2x * x^2)/dx = 6x^2
    assert x.grad == pytest.approx(54.0, rel=1e-15)


def test_tensor_used_twice_in_one_op():
    x = tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_leaf_used_many_times_matches_torch(rng):
    data = rng.standard_normal((4, 3))
    x = tensor(data, requires_grad=True)
    total = x
    for k in range(1, 30):
        total = total + (x * k).tanh()
    total.sum().backward()
    reference = torch.tensor(data, requires_grad=True)
    total_ref = reference
    for k in range(1, 30):
        total_ref = total_ref + (reference * k).tanh()
    total_ref.sum().backward()
    assert autograd.rel_error(x.grad, reference.grad.numpy()) < 1e-13


def test_broadcasting_in_both_operands(rng):
    a_data, b_data = rng.standard_normal((4, 1)), rng.standard_normal((1, 3))
    a, b = tensor(a_data, requires_grad=True), tensor(b_data, requires_grad=True)
    (a * b).sum().backward()
    np.testing.assert_allclose(a.grad, np.broadcast_to(b_data.sum(), (4, 1)), rtol=1e-14)
    np.testing.assert_allclose(b.grad, np.broadcast_to(a_data.sum(), (1, 3)), rtol=1e-14)


def test_zero_dimensional_tensors():
    x = tensor(2.0, requires_grad=True)
    y = (x * x + 1).log()
    y.backward()
    assert x.grad.shape == () and isinstance(x.grad, np.ndarray)
    assert x.grad == pytest.approx(4 / 5, rel=1e-15)


def test_long_chain_needs_no_recursion():
    x = tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_backward_of_a_long_chain_gives_the_garbage_collector_nothing_to_scan():
    """The walk holds no object per node that the cyclic garbage collector tracks (an iterator per
    node would be: then each full collection during a backward scans the whole graph)."""
    x = tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = y * 1.0
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    threshold = gc.get_threshold()
    gc.collect()
    gc.callbacks.append(count)
    gc.set_threshold(100, 1, 1)  # a collection after every 100 tracked objects that stay alive
    try:
        assert gc.isenabled()
        y.backward()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
    assert x.grad == 1.0
    assert len(collections) <= 2, f"{len(collections)} collections during the backward"


def test_forward_leaves_two_tracked_objects_per_op():
    """Each op keeps its result and the tuple of its inputs, and nothing else the cyclic garbage collector
    counts: inputs never modified in place share one tuple of saved versions (every tracked object made
    brings the next collection nearer, and a full one scans every live object)."""
    x = tensor(np.ones(4), requires_grad=True)
    y = x * 1.0
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(1_000):
            y = y * 1.0
        made = len(gc.get_objects()) - before
    finally:
        if was_enabled:
            gc.enable()
    assert 2_000 <= made <= 2_010, f"{made} tracked objects made by 1,000 ops"


def test_ops_on_inputs_modified_before_them_save_each_version():
    w = tensor([1.0, 2.0], requires_grad=True, name="w")
    w.mark_modified("first update")
    v = tensor([3.0, 4.0], requires_grad=True)
    (w * v).sum().backward()  # modified before the op: nothing to refuse
    np.testing.assert_array_equal(w.grad, [3.0, 4.0])
    loss = (v * w).sum()
    w.mark_modified("second update")
    with pytest.raises(RuntimeError, match=r"input 1 'w' .* by second update .*\(version 1, now 2\)"):
        loss.backward()


def test_grads_accumulate_across_backwards():
    x = tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])


def test_second_backward_needs_retain_graph():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])  # unchanged by the refused call


def test_retain_graph_allows_repeated_backward_that_accumulates():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 12.0])


def test_leaf_grads_do_not_alias_each_other():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad += 10
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_a_gradient_held_elsewhere_is_copied_and_an_unshared_one_adopted(monkeypatch):
    from autograd import engine

    adoptable = []
    add_to_grad = engine._add_to_grad
    monkeypatch.setattr(engine, "_add_to_grad", lambda tensor, grad, can_adopt:
                        adoptable.append(can_adopt) or add_to_grad(tensor, grad, can_adopt))
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    grad_out = np.array([1.0, 1.0])
    (a + b).backward(grad_out)  # add passes grad_out itself to both: the caller's array, shared
    assert adoptable == [False, False]
    assert a.grad is not grad_out and b.grad is not grad_out and a.grad is not b.grad
    a.grad += 10
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    np.testing.assert_array_equal(grad_out, [1.0, 1.0])
    adoptable.clear()
    weight, x = tensor(np.ones((2, 3)), requires_grad=True), tensor(np.ones((4, 3)))
    autograd.linear(x, weight).sum().backward()  # g^T x: a fresh array that only the engine holds
    assert adoptable == [True]
    np.testing.assert_array_equal(weight.grad, np.full((2, 3), 4.0))
    adoptable.clear()
    x = tensor([1.0, 2.0], requires_grad=True)
    ((x - 1.0) ** 2).sum().backward()  # sub passes pow's fresh gradient on as x's: the last one the walk held
    assert adoptable == [True]
    np.testing.assert_array_equal(x.grad, [0.0, 2.0])
    adoptable.clear()
    a, b = tensor([1.0, 2.0], requires_grad=True), tensor([3.0, 4.0], requires_grad=True)
    ((a + b) ** 2).sum().backward()  # one fresh array for both: one of them adopts it, the other copies
    assert sorted(adoptable) == [False, True]
    assert a.grad is not b.grad


def test_adopted_gradients_accumulate_without_touching_saved_arrays():
    class KeepsItsSaved(autograd.Function):  # its backward hands back an array it keeps
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(np.full(x.shape, 3.0))
            return x * 3

        @staticmethod
        def backward(ctx, grad_out):
            (three,) = ctx.saved
            return three

    x = tensor([1.0, 2.0], requires_grad=True)
    w = tensor([5.0, 6.0], requires_grad=True)
    out = (KeepsItsSaved.apply(x) * w).sum()
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    np.testing.assert_array_equal(w.grad, [6.0, 12.0])
    np.testing.assert_array_equal(out.parents[0].parents[0]._params["ctx"].saved[0], [3.0, 3.0])


def test_create_graph_never_makes_the_callers_array_or_a_shared_one_a_grad():
    class StraightThrough(autograd.Function):  # its backward hands grad_out on unchanged
        @staticmethod
        def forward(ctx, x):
            return np.round(x)

        @staticmethod
        def backward(ctx, grad_out):
            return grad_out

    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    grad_out = np.ones(3)
    x.backward(grad_out, create_graph=True)
    x.backward(grad_out, create_graph=True)
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(grad_out, [1.0, 1.0, 1.0])
    a = tensor([0.4, 1.6], requires_grad=True)
    b = tensor([5.0, 6.0], requires_grad=True)
    (StraightThrough.apply(a) + b).backward(np.ones(2), create_graph=True)
    assert not np.shares_memory(a.grad, b.grad)


def test_a_tracer_that_stops_inside_backward_does_not_make_leaves_share_a_grad():
    import sys

    from autograd import engine

    def tracer(frame, event, arg):  # a debugger that steps into backward, then continues
        if frame.f_code is not engine.run_backward.__code__:
            return tracer

        def step(frame, event, arg):
            if "unshared" in frame.f_locals:
                sys.settrace(None)
                return None
            return step
        return step

    x = tensor([1.0, 2.0], requires_grad=True)
    y = tensor([3.0, 4.0], requires_grad=True)
    loss = ((x + y) * 3.0).sum()
    sys.settrace(tracer)
    try:
        loss.backward()
    finally:
        sys.settrace(None)
    x.grad += 1
    np.testing.assert_array_equal(y.grad, [3.0, 3.0])


def test_backward_on_non_scalar_without_grad_is_an_error():
    x = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"one-element output.*\(2,\)"):
        (x * 2).backward()


def test_backward_with_grad_of_wrong_shape_is_an_error_and_changes_nothing():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(ValueError, match=r"grad has shape \(3,\) but the output has shape \(2,\)"):
        y.backward(np.ones(3))
    assert x.grad is None
    y.backward(np.array([1.0, 10.0]))  # the graph was not consumed by the refused call
    np.testing.assert_array_equal(x.grad, [2.0, 20.0])


def test_backward_on_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (tensor(1.0) * 2).backward()


def test_no_grad_records_nothing_and_enable_grad_restores():
    x = tensor(1.0, requires_grad=True)
    with autograd.no_grad():
        y = x * 2
        assert not autograd.is_grad_enabled()
        with autograd.enable_grad():
            z = x * 2
    assert autograd.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    assert z.requires_grad and z.op == "mul"


def test_no_grad_as_decorator():
    @autograd.no_grad()
    def double(t):
        return t * 2

    assert not double(tensor(1.0, requires_grad=True)).requires_grad


def test_grad_mode_and_scope_are_per_thread():
    seen = []

    def worker():
        seen.append((autograd.is_grad_enabled(), autograd.current_scope()))

    with autograd.no_grad(), autograd.scope("net", "Sequential") as outer:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert not autograd.is_grad_enabled() and autograd.current_scope() == (outer,)
    assert seen == [(True, ())]


def test_grad_returns_tensors_and_leaves_dot_grad_alone():
    x = tensor([1.0, 2.0], requires_grad=True)
    w = tensor([3.0, 4.0], requires_grad=True)
    (gx, gw) = autograd.grad((x * w).sum(), [x, w])
    np.testing.assert_array_equal(gx.data, [3.0, 4.0])
    np.testing.assert_array_equal(gw.data, [1.0, 2.0])
    assert x.grad is None and w.grad is None


def test_grad_of_an_intermediate():
    x = tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    (gh,) = autograd.grad((h * h).sum(), [h])
    np.testing.assert_array_equal(gh.data, [6.0, 12.0])


def test_grad_unused_input():
    x = tensor(1.0, requires_grad=True)
    unused = tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"inputs\[1\].*allow_unused=True"):
        autograd.grad(x * 2, [x, unused])
    assert autograd.grad(x * 2, [x, unused], allow_unused=True)[1] is None


def test_grad_create_graph_gives_second_derivative():
    x = tensor(1.5, requires_grad=True)
    (first,) = autograd.grad(x ** 3, x, create_graph=True)
    (second,) = autograd.grad(first, x)
    assert first.item() == pytest.approx(3 * 1.5 ** 2, rel=1e-15)
    assert second.item() == pytest.approx(6 * 1.5, rel=1e-15)


def test_scopes_are_recorded_by_ops():
    x = tensor(1.0, requires_grad=True)
    with autograd.scope("net", "Sequential"):
        with autograd.scope("net.0", "Linear"):
            y = x * 2
        z = y + 1
    assert [f.path for f in y.scope] == ["net", "net.0"]
    assert [f.kind for f in z.scope] == ["Sequential"]
    assert autograd.current_scope() == ()


def test_toposort_puts_consumers_first():
    x = tensor(1.0, requires_grad=True)
    a = x * 2
    b = a + x
    c = b * a
    order = autograd.toposort([c])
    position = {id(t): i for i, t in enumerate(order)}
    for t in order:
        for parent in t.parents:
            if parent.requires_grad:  # constants such as the 2 are not walked
                assert position[id(t)] < position[id(parent)]
    assert len(order) == 4


def _recursive_postorder(roots, all_parents):
    """The textbook recursive depth-first search, first parent first, placing a tensor after its parents."""
    order, seen = [], set()

    def visit(tensor):
        seen.add(tensor)
        for parent in tensor.parents:
            if parent not in seen and (all_parents or parent.requires_grad):
                visit(parent)
        order.append(tensor)

    for root in roots:
        if root not in seen:
            visit(root)
    return order


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("all_parents", [False, True])
def test_toposort_is_the_recursive_depth_first_order_on_random_graphs(seed, all_parents):
    rng = np.random.default_rng(seed)
    leaves = [tensor(1.0, requires_grad=bool(k % 3)) for k in range(4)]
    tensors = list(leaves)
    for _ in range(30):  # each op takes two or three earlier tensors, often the same one twice
        operands = [tensors[k] for k in rng.integers(len(tensors), size=rng.integers(2, 4))]
        tensors.append(autograd.stack(operands).sum() if len(operands) == 3 else operands[0] * operands[1])
    roots = [tensors[k] for k in rng.choice(len(tensors), size=3)]
    expected = [id(t) for t in _recursive_postorder(roots, all_parents)]
    assert [id(t) for t in autograd.engine.postorder(roots, all_parents)] == expected
    if not all_parents:
        assert [id(t) for t in autograd.toposort(roots)] == expected[::-1]


def test_retain_grad_keeps_an_intermediate_gradient():
    x = tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).retain_grad()
    other = x * 5
    (h * h + other).sum().backward()
    np.testing.assert_array_equal(h.grad, [6.0, 12.0])
    assert other.grad is None
    np.testing.assert_array_equal(x.grad, [23.0, 41.0])


def test_the_gradient_of_a_mean_is_an_ordinary_writeable_array():
    class DoublesInPlace(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.copy()

        @staticmethod
        def backward(ctx, grad_out):
            grad_out *= 2  # a backward may work on grad_out in place, as in PyTorch
            return grad_out

    x = tensor(np.ones((2, 3)), requires_grad=True)
    DoublesInPlace.apply(x).mean().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 3), 2 / 6), rtol=1e-15)
    (grad,) = autograd.grad(x.mean(), x)
    assert grad.data.flags.writeable


def test_a_scope_entered_again_inside_itself_leaves_the_stack_as_it_found_it():
    with autograd.scope("net", "Sequential") as outer:
        assert autograd.current_scope()[-1] is outer
        with outer:  # the frame recorded on a tensor, entered again
            assert autograd.current_scope() == (outer, outer)
        assert autograd.current_scope() == (outer,)
    assert autograd.current_scope() == ()


@pytest.mark.parametrize("change", [lambda y: y.copy_(np.array([5.0, 5.0])), lambda y: y.zero_()])
@pytest.mark.parametrize("make", [lambda x: x.exp(), lambda x: x * 1.0, lambda x: x.reshape(2, 1), lambda x: x[:2]])
def test_a_tensor_an_op_made_cannot_be_changed_in_place(make, change):
    # PyTorch raises at the backward or rewrites the graph; here the change itself is refused, and nothing moves
    x = tensor([1.0, 2.0], requires_grad=True)
    y = make(x)
    before = y.data.copy()
    with pytest.raises(RuntimeError, match=rf"(copy_|zero_): this tensor \(shape {re.escape(str(y.shape))}\) was made "
                                           rf"by op {y.op} and is part of a graph"):
        change(y)
    np.testing.assert_array_equal(y.data, before)
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    assert y.version == 0


def test_grad_of_a_tensor_given_twice_returns_it_twice_as_torch():
    x = tensor([1.0, 2.0], requires_grad=True)
    first, second = autograd.grad((x * x).sum(), [x, x])
    reference = torch.tensor([1.0, 2.0], requires_grad=True)
    expected = torch.autograd.grad((reference * reference).sum(), [reference, reference])
    for ours, theirs in zip((first, second), expected):
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_an_output_that_is_not_a_tensor_is_named():
    x = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"grad: outputs\[1\] must be a Tensor, got ndarray"):
        autograd.grad([x.sum(), np.ones(2)], [x])


@pytest.mark.parametrize("library", [autograd, torch])
def test_no_grad_decorates_without_parentheses_and_covers_a_generators_body(library):
    x = library.tensor([1.0], requires_grad=True)

    @library.no_grad
    def doubled():
        return x * 2

    @library.no_grad()
    def tripled_each_time():
        received = yield x * 3
        seen.append((received, library.is_grad_enabled()))
        try:
            yield x * 3
        except KeyError:
            seen.append(("thrown", library.is_grad_enabled()))
            yield x * 3

    seen = []
    assert not doubled().requires_grad
    generator = tripled_each_time()
    assert not next(generator).requires_grad and library.is_grad_enabled()  # the caller's mode between resumptions
    assert not generator.send("sent").requires_grad
    assert not generator.throw(KeyError()).requires_grad and library.is_grad_enabled()
    assert seen == [("sent", False), ("thrown", False)]
    generator.close()
    assert (x * 2).requires_grad
