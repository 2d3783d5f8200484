#!/usr/bin/python3
"""Writes the PyTorch fixtures the C++ tests compare against (tests/fixtures/*.txt).

Run with Debian's PyTorch:  /usr/bin/python3 tools/torch_reference/make_fixtures.py
The files are committed, so the tests need no Python.

Format, one tensor per line:  <case>.<name> <dtype> <rank> <sizes...> <values...>
Each op case holds its inputs, `grad_out` (the weights R), the op's `out`, and `grad_<input>`,
the gradient of sum(out * R) with respect to that input.
"""
import pathlib
import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def tensor_line(name, t):
    t = t.detach()
    dtype = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64"}[t.dtype]
    if t.dtype == torch.int64:
        values = " ".join(str(int(v)) for v in t.reshape(-1).tolist())
    else:
        fmt = "%.9g" if t.dtype == torch.float32 else "%.17g"
        values = " ".join(fmt % v for v in t.reshape(-1).tolist())
    sizes = " ".join(str(s) for s in t.shape)
    return f"{name} {dtype} {t.dim()} {sizes} {values}".replace("  ", " ").rstrip()


def op_case(lines, case, fn, inputs, extra=None, dtype=torch.float32):
    """Runs fn on copies of inputs in dtype; records out and the gradients of sum(out * R)."""
    leaves = {k: v.clone().to(dtype).requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves, **(extra or {}))
    grad_out = torch.randn(out.shape)
    (out * grad_out).sum().backward()
    for k, v in leaves.items():
        lines.append(tensor_line(f"{case}.{k}", v))
    for k, v in (extra or {}).items():
        lines.append(tensor_line(f"{case}.{k}", v))
    lines.append(tensor_line(f"{case}.grad_out", grad_out))
    lines.append(tensor_line(f"{case}.out", out))
    for k, v in leaves.items():
        lines.append(tensor_line(f"{case}.grad_{k}", v.grad))


def autograd_fixtures():
    torch.manual_seed(0)
    r = torch.randn
    lines = []
    op_case(lines, "add_same", lambda a, b: a + b, {"a": r(3, 4), "b": r(3, 4)})
    op_case(lines, "add_bias", lambda a, b: a + b, {"a": r(4, 5), "b": r(5)})
    op_case(lines, "add_channel", lambda a, b: a + b, {"a": r(2, 3, 4, 4), "b": r(3, 1, 1)})
    op_case(lines, "sub_both_broadcast", lambda a, b: a - b, {"a": r(3, 1), "b": r(1, 4)})
    op_case(lines, "mul_broadcast", lambda a, b: a * b, {"a": r(2, 3, 4), "b": r(3, 4)})
    op_case(lines, "matmul", lambda a, b: a @ b, {"a": r(5, 7), "b": r(7, 3)})
    op_case(lines, "sum", lambda a: a.sum(), {"a": r(3, 4, 5)})
    op_case(lines, "mean", lambda a: a.mean(), {"a": r(6, 7)})
    op_case(lines, "reshape", lambda a: a.reshape(4, -1), {"a": r(2, 3, 4)})
    op_case(lines, "flatten", lambda a: torch.flatten(a, 1), {"a": r(2, 3, 4, 5)})
    op_case(lines, "relu", lambda a: F.relu(a), {"a": r(4, 6)})
    op_case(lines, "log_softmax", lambda a: F.log_softmax(a, dim=1), {"a": r(4, 10) * 3})
    op_case(lines, "log_softmax_middle", lambda a: F.log_softmax(a, dim=1), {"a": r(3, 4, 5)})
    target = torch.tensor([3, 0, 9, 9, 1])
    op_case(lines, "nll_loss", lambda a, target: F.nll_loss(a, target),
            {"a": F.log_softmax(r(5, 10), dim=1)}, {"target": target})
    target = torch.tensor([2, -100, 4, -100])
    op_case(lines, "nll_loss_ignore", lambda a, target: F.nll_loss(a, target),
            {"a": F.log_softmax(r(4, 6), dim=1)}, {"target": target})
    target = torch.randint(0, 10, (8,))
    op_case(lines, "cross_entropy", lambda a, target: F.cross_entropy(a, target),
            {"a": r(8, 10) * 2}, {"target": target})
    # A small network: every op chained, as a training step uses them.
    target = torch.tensor([1, 0, 2, 2])
    op_case(lines, "mlp", lambda x, w1, b1, w2, b2, target: F.cross_entropy(
                torch.flatten(F.relu(x.reshape(4, 6) @ w1 + b1) @ w2 + b2, 1), target),
            {"x": r(4, 2, 3), "w1": r(6, 5), "b1": r(5), "w2": r(5, 3), "b2": r(3)}, {"target": target})
    return lines


def print_fixtures():
    """str(tensor) for tensors that exercise each rule of PyTorch's printing."""
    torch.manual_seed(1)
    cases = {
        "decimals": torch.randn(2, 3),
        "integers": torch.tensor([[1.0, -2.0], [30.0, 4.0]]),
        "scientific_ratio": torch.tensor([1.0, 2500.0, -3.5]),
        "scientific_small": torch.tensor([1e-5, 0.5, -0.25]),
        "scalar": torch.tensor(3.25),
        "float64": torch.tensor([0.5, -1.0], dtype=torch.float64),
        "int64": torch.tensor([3, -12, 7, 0, 100]),
        "wrapped_row": torch.randn(30),
        "summarized": torch.randn(40, 40),
        "summarized_3d": torch.arange(2400, dtype=torch.float32).reshape(4, 20, 30) / 7,
        "nonfinite": torch.tensor([float("nan"), 1.5, float("inf"), -float("inf")]),
        "nonfinite_integers": torch.tensor([float("nan"), 2.0, float("-inf")]),
        "zeros": torch.zeros(3),
        "three_d": torch.randn(2, 2, 3),
        "empty": torch.zeros(0),
        "empty_2d": torch.zeros(2, 0),
        "large_integers": torch.tensor([1e9, 3.0]),
    }
    lines = []
    for name, t in cases.items():
        lines.append(tensor_line(f"{name}.tensor", t))
        lines.append(f"{name}.expected " + str(t).replace("\n", "|"))
    return lines


def maths_fixtures():
    """Non-recording tensor maths: each case's inputs and PyTorch's result, named `out`."""
    torch.manual_seed(2)
    a, b, row = torch.randn(3, 4), torch.randn(3, 4), torch.randn(4)
    positive = torch.rand(3, 4) + 0.1
    x = torch.randn(2, 3, 4)
    ties = torch.tensor([[1.0, 3.0, 3.0, 0.0], [float("nan"), 2.0, float("nan"), 5.0], [-1.0, -1.0, -1.0, -1.0]])
    labels = torch.tensor([0, 1, 2])
    cases = {
        "add": ({"a": a, "b": row}, a + row),
        "sub": ({"a": a, "b": b}, a - b),
        "mul": ({"a": a, "b": row}, a * row),
        "div": ({"a": a, "b": positive}, a / positive),
        "add_scalar": ({"a": a}, a + 2.5),
        "scalar_sub": ({"a": a}, 1 - a),
        "mul_scalar": ({"a": a}, a * 3),
        "scalar_div": ({"a": positive}, 2 / positive),
        "neg": ({"a": a}, -a),
        "exp": ({"a": a}, torch.exp(a)),
        "log": ({"a": positive}, torch.log(positive)),
        "sqrt": ({"a": positive}, torch.sqrt(positive)),
        "sum_dim1": ({"a": x}, x.sum(1)),
        "sum_last_keepdim": ({"a": x}, x.sum(-1, keepdim=True)),
        "mean_dim0": ({"a": x}, x.mean(0)),
        "max_dim2": ({"a": x}, x.max(2).values),
        "argmax_dim1": ({"a": x}, x.argmax(1)),
        "argmax_ties": ({"a": ties}, ties.argmax(1)),
        "max_ties": ({"a": ties}, ties.max(1).values),
        "softmax_dim1": ({"a": a * 3}, torch.softmax(a * 3, 1)),
        "softmax_dim0": ({"a": x}, torch.softmax(x, 0)),
        "correct": ({"a": ties[:, 1:], "labels": labels}, (ties[:, 1:].argmax(1) == labels).sum()),
    }
    lines = []
    for case, (inputs, out) in cases.items():
        for k, v in inputs.items():
            lines.append(tensor_line(f"{case}.{k}", v))
        lines.append(tensor_line(f"{case}.out", out))
    return lines


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    header = f"# written by tools/torch_reference/make_fixtures.py with torch {torch.__version__}; do not edit"
    for name, lines in (("autograd.txt", autograd_fixtures()), ("print.txt", print_fixtures()),
                        ("maths.txt", maths_fixtures())):
        (FIXTURES / name).write_text("\n".join([header] + lines) + "\n")
        print(f"wrote {FIXTURES / name}: {len(lines)} lines")


if __name__ == "__main__":
    main()
