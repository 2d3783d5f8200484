#!/usr/bin/python3
"""Writes the PyTorch fixtures that grade the exercises (exercises/fixtures/<exercise>.txt).

Run with Debian's PyTorch:  /usr/bin/python3 tools/torch_reference/make_exercise_fixtures.py
The files are committed, so grading needs no Python.

The format is make_fixtures.py's, one tensor per line:  <case>.<name> <dtype> <rank> <sizes...> <values...>
Everything is float64, so that a student's answer is compared with PyTorch to ~1e-12, not ~1e-6.
"""
import pathlib
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_fixtures  # noqa: E402
from make_fixtures import tensor_line  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "exercises" / "fixtures"
torch.set_default_dtype(torch.float64)


def scalars(**values):
    return {k: torch.tensor(float(v), requires_grad=True) for k, v in values.items()}


def scalar_case(lines, case, fn, **values):
    """Records a scalar expression's inputs, its value `out`, and d(out)/d(input) as grad_<input>.
    exercises/scalar_autograd/check.cpp writes the same expression with the student's Value."""
    leaves = scalars(**values)
    out = fn(**leaves)
    out.backward()
    for k, v in leaves.items():
        lines.append(tensor_line(f"{case}.{k}", v))
    lines.append(tensor_line(f"{case}.out", out))
    for k, v in leaves.items():
        lines.append(tensor_line(f"{case}.grad_{k}", v.grad))


def deep_expression(a, b, c):
    x = a * b + c
    y = x.relu() * x + a  # x twice, a here and in x
    z = (y - b) ** 2 * (x * x + 1) ** -1
    return z + y.tanh() * c


def scalar_autograd():
    lines = []
    scalar_case(lines, "sum", lambda a, b: a + b, a=2, b=-3)
    scalar_case(lines, "product", lambda a, b: a * b, a=2, b=-3)
    scalar_case(lines, "used_twice", lambda a: a * a + a, a=3)
    scalar_case(lines, "difference", lambda a, b: a - b - (-a), a=1.25, b=0.5)
    scalar_case(lines, "power", lambda a, b: a ** 3 + b ** -1, a=1.5, b=-2)
    scalar_case(lines, "tanh", lambda a, b, c: (a * b + c).tanh(), a=0.5, b=-1.2, c=0.3)
    scalar_case(lines, "relu", lambda a, b, c: a.relu() + b.relu() + c.relu(), a=2, b=-1, c=0)
    scalar_case(lines, "deep", deep_expression, a=-1.5, b=2.0, c=4.0)
    scalar_case(lines, "neuron", lambda w1, w2, x1, x2, b: (w1 * x1 + w2 * x2 + b).tanh(),
                w1=-3.0, w2=1.0, x1=2.0, x2=0.0, b=6.8813735870195432)

    # A 2-3-1 MLP (tanh hidden layer) and its summed squared error on the four XOR points.
    torch.manual_seed(0)
    w1 = torch.randn(3, 2, requires_grad=True)
    b1 = torch.randn(3, requires_grad=True)
    w2 = torch.randn(1, 3, requires_grad=True)
    b2 = torch.randn(1, requires_grad=True)
    inputs = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = torch.tensor([-1.0, 1.0, 1.0, -1.0])
    predictions = (torch.tanh(inputs @ w1.T + b1) @ w2.T + b2).reshape(-1)
    loss = ((predictions - targets) ** 2).sum()
    loss.backward()
    for name, t in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
        lines.append(tensor_line(f"mlp.{name}", t))
    lines.append(tensor_line("mlp.inputs", inputs))
    lines.append(tensor_line("mlp.targets", targets))
    lines.append(tensor_line("mlp.loss", loss))
    for name, t in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
        lines.append(tensor_line(f"mlp.grad_{name}", t.grad))
    return lines


def op_case(lines, case, fn, **inputs):
    """make_fixtures' op_case in float64: inputs, grad_out, out and grad_<input> of sum(out * R)."""
    make_fixtures.op_case(lines, case, fn, inputs, dtype=torch.float64)


def relu_backward():
    torch.manual_seed(1)
    lines = []
    op_case(lines, "values", lambda x: F.relu(x), x=torch.tensor([-2.0, -0.5, 0.0, 0.5, 3.0, 0.0]))
    op_case(lines, "times_x", lambda x: F.relu(x) * x, x=torch.randn(3, 4))
    return lines


def im2col():
    """conv2d cases: x [N, C, H, W], weight [OC, C, KH, KW], bias [OC] and the output.
    `geometry` holds N, C, H, W, OC, KH, KW, stride, padding."""
    torch.manual_seed(2)
    lines = []
    cases = {
        "plain": (1, 1, 4, 4, 1, 3, 3, 1, 0),
        "odd_sizes": (2, 3, 5, 7, 4, 2, 3, 1, 0),
        "padding": (2, 2, 5, 5, 3, 3, 3, 1, 1),
        "stride_2": (2, 3, 7, 6, 2, 3, 3, 2, 1),
        "wide_padding": (1, 2, 4, 5, 2, 3, 2, 2, 2),
    }
    for case, geometry in cases.items():
        n, c, h, w, oc, kh, kw, stride, padding = geometry
        x = torch.randn(n, c, h, w)
        weight = torch.randn(oc, c, kh, kw)
        bias = torch.randn(oc)
        out = F.conv2d(x, weight, bias, stride=stride, padding=padding)
        lines.append(tensor_line(f"{case}.geometry", torch.tensor(geometry, dtype=torch.int64)))
        for name, t in (("x", x), ("weight", weight), ("bias", bias), ("out", out)):
            lines.append(tensor_line(f"{case}.{name}", t))
    return lines


def batchnorm_backward():
    """Training-mode batch norm: x, gamma (weight), beta (bias), grad_out; grad_x is the answer."""
    torch.manual_seed(3)
    lines = []

    def bn(x, gamma, beta):
        return F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-5)

    op_case(lines, "features", bn, x=torch.randn(6, 3), gamma=torch.randn(3), beta=torch.randn(3))
    op_case(lines, "images", bn, x=torch.randn(3, 2, 4, 5), gamma=torch.randn(2),
            beta=torch.randn(2))
    op_case(lines, "shifted", bn, x=100 + 0.01 * torch.randn(4, 3, 2, 3),
            gamma=torch.tensor([0.0, -2.0, 0.5]), beta=torch.randn(3))
    return lines


def nll_backward():
    """Mean cross-entropy of logits [N, C] with class targets [N]; grad_logits is the answer."""
    torch.manual_seed(4)
    lines = []
    cases = {
        "small": (torch.randn(4, 3), torch.tensor([0, 2, 1, 2])),
        "one_sample": (torch.randn(1, 5), torch.tensor([3])),
        "large_logits": (torch.tensor([[1000.0, 0.0, -1000.0, 999.0],
                                       [-800.0, -800.0, -801.0, -900.0],
                                       [50.0, 700.0, 710.0, -3.0]]), torch.tensor([3, 0, 1])),
    }
    for case, (logits, targets) in cases.items():
        logits = logits.clone().requires_grad_(True)
        loss = F.cross_entropy(logits, targets)
        loss.backward()
        lines.append(tensor_line(f"{case}.logits", logits))
        lines.append(tensor_line(f"{case}.targets", targets))
        lines.append(tensor_line(f"{case}.loss", loss))
        lines.append(tensor_line(f"{case}.grad_logits", logits.grad))
    return lines


def sgd_step():
    """torch.optim.SGD over four steps with given gradients. `options` holds lr, momentum,
    dampening, weight_decay, nesterov (0 or 1); `grad_<t>` is step t's gradient and
    `param_<t>` the parameter after it."""
    torch.manual_seed(5)
    lines = []
    steps = 4
    start = torch.randn(5)
    grads = [torch.randn(5) for _ in range(steps)]
    cases = {
        "plain": dict(lr=0.1),
        "momentum": dict(lr=0.1, momentum=0.9),
        "dampening": dict(lr=0.1, momentum=0.9, dampening=0.5),
        "weight_decay": dict(lr=0.1, weight_decay=0.01),
        "nesterov": dict(lr=0.1, momentum=0.9, nesterov=True),
        "everything": dict(lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True),
        "damped_decay": dict(lr=0.2, momentum=0.5, dampening=0.3, weight_decay=0.05),
    }
    for case, options in cases.items():
        p = start.clone().requires_grad_(True)
        optimizer = torch.optim.SGD([p], **options)
        row = [options.get(k, 0.0) for k in ("lr", "momentum", "dampening", "weight_decay")]
        row.append(1.0 if options.get("nesterov", False) else 0.0)
        lines.append(tensor_line(f"{case}.options", torch.tensor(row)))
        lines.append(tensor_line(f"{case}.param_0", p))
        for t, g in enumerate(grads, start=1):
            p.grad = g.clone()
            optimizer.step()
            lines.append(tensor_line(f"{case}.grad_{t}", g))
            lines.append(tensor_line(f"{case}.param_{t}", p))
    return lines


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    header = (f"# written by tools/torch_reference/make_exercise_fixtures.py with torch "
              f"{torch.__version__}; do not edit")
    for name, make in (("scalar_autograd", scalar_autograd), ("relu_backward", relu_backward),
                       ("im2col", im2col), ("batchnorm_backward", batchnorm_backward),
                       ("nll_backward", nll_backward), ("sgd_step", sgd_step)):
        lines = make()
        path = FIXTURES / f"{name}.txt"
        path.write_text("\n".join([header] + lines) + "\n")
        print(f"wrote {path.relative_to(ROOT)}: {len(lines)} lines")


if __name__ == "__main__":
    main()
