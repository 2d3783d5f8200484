#!/usr/bin/python3
"""Writes the layer, optimiser and whole-ResNet18 fixtures (tests/fixtures/{layers,resnet18}.txt).

Run with Debian's PyTorch:  /usr/bin/python3 tools/torch_reference/make_layer_fixtures.py
Same line format as make_fixtures.py. The ResNet18 weights are not stored: both sides compute
them from hashed_values() below (an integer hash, exact in any language), and the file keeps
summaries of the 11 million gradients instead of the gradients themselves.
"""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from export_resnet18 import save_safetensors
from make_fixtures import FIXTURES, op_case, tensor_line


def layer_fixtures():
    torch.manual_seed(2)
    r = torch.randn
    lines = []
    conv_cases = {
        "conv_basic": (r(2, 3, 7, 7), r(4, 3, 3, 3), r(4), dict()),
        "conv_stride_pad": (r(2, 3, 9, 8), r(5, 3, 3, 3), None, dict(stride=2, padding=1)),
        "conv_rect": (r(1, 2, 6, 9), r(3, 2, 2, 4), r(3), dict(stride=(2, 1), padding=(1, 2))),
        "conv_dilation": (r(2, 2, 9, 9), r(3, 2, 3, 3), None, dict(padding=2, dilation=2)),
        "conv_1x1_stride2": (r(3, 4, 6, 6), r(8, 4, 1, 1), None, dict(stride=2)),
        "conv_7x7_stem": (r(1, 3, 16, 16), r(4, 3, 7, 7), None, dict(stride=2, padding=3)),
        # kernels partly outside the image everywhere, as in ResNet's last stage on 32x32 images
        "conv_1x1_image": (r(3, 4, 1, 1), r(5, 4, 3, 3), r(5), dict(padding=1)),
        "conv_2x2_stride2": (r(2, 3, 2, 2), r(4, 3, 3, 3), None, dict(stride=2, padding=1)),
        "conv_crop_dilated": (r(2, 2, 3, 2), r(3, 2, 3, 3), None, dict(padding=(1, 3), dilation=2)),
    }
    for case, (x, w, b, kw) in conv_cases.items():
        inputs = {"x": x, "w": w} if b is None else {"x": x, "w": w, "b": b}
        op_case(lines, case, lambda x, w, b=None: F.conv2d(x, w, b, **kw), inputs)

    op_case(lines, "linear", lambda x, w, b: F.linear(x, w, b), {"x": r(5, 7), "w": r(3, 7), "b": r(3)})
    op_case(lines, "linear_nobias", lambda x, w: F.linear(x, w), {"x": r(4, 6), "w": r(2, 6)})

    for case, shape, training in (("bn_train", (4, 3, 5, 5), True), ("bn_eval", (4, 3, 5, 5), False),
                                  ("bn_train_1x1", (4, 6, 1, 1), True)):
        rm, rv = r(shape[1]) * 0.1, torch.rand(shape[1]) + 0.5
        lines.append(tensor_line(f"{case}.running_mean_before", rm))
        lines.append(tensor_line(f"{case}.running_var_before", rv))
        op_case(lines, case, lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training, 0.1, 1e-5),
                {"x": r(*shape) * 2 + 1, "w": r(shape[1]), "b": r(shape[1])})
        lines.append(tensor_line(f"{case}.running_mean_after", rm))
        lines.append(tensor_line(f"{case}.running_var_after", rv))

    op_case(lines, "maxpool_resnet", lambda x: F.max_pool2d(x, 3, 2, 1), {"x": r(2, 3, 9, 8)})
    op_case(lines, "maxpool_2x2", lambda x: F.max_pool2d(x, 2), {"x": r(2, 2, 6, 6)})
    ties = torch.tensor([[1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 2.0, 2.0], [3.0, 3.0, 3.0, 0.0]]).reshape(1, 1, 3, 4)
    op_case(lines, "maxpool_ties", lambda x: F.max_pool2d(x, 2, 1), {"x": ties})
    op_case(lines, "avgpool_global", lambda x: F.adaptive_avg_pool2d(x, 1), {"x": r(2, 4, 3, 5)})
    op_case(lines, "avgpool_overlap", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), {"x": r(2, 2, 7, 5)})

    for case, smoothing, target in (("ce_smoothing", 0.1, torch.tensor([3, 0, 9, 1, 4])),
                                    ("ce_smoothing_ignore", 0.2, torch.tensor([2, -100, 7, 7, 0]))):
        op_case(lines, case, lambda a, target: F.cross_entropy(a, target, label_smoothing=smoothing),
                {"a": r(5, 10) * 2}, {"target": target})

    # SGD: four steps on one parameter with made-up gradients, for each option set.
    sgd_cases = {
        "sgd_plain": dict(lr=0.1),
        "sgd_momentum": dict(lr=0.01, momentum=0.9),
        "sgd_all": dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
        "sgd_nesterov": dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=5e-4),
    }
    for case, options in sgd_cases.items():
        p = torch.nn.Parameter(r(3, 4))
        lines.append(tensor_line(f"{case}.param", p))
        opt = torch.optim.SGD([p], **options)
        for step in range(4):
            g = r(3, 4)
            lines.append(tensor_line(f"{case}.grad{step}", g))
            p.grad = g.clone()
            opt.step()
            lines.append(tensor_line(f"{case}.param{step}", p))

    p = torch.nn.Parameter(torch.zeros(1))
    for case, make in (("step_lr", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
                       ("cosine_lr", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001))):
        opt = torch.optim.SGD([p], lr=0.1)
        scheduler = make(opt)
        lrs = []
        for _ in range(10):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr()[0])
        lines.append(tensor_line(f"{case}.lrs", torch.tensor(lrs, dtype=torch.float64)))

    # A NaN wins every window it is in; of two NaNs, the later one. The gradient shows which won.
    x = torch.ones(1, 1, 4, 4)
    x[0, 0, 0, 3] = 5.0
    x[0, 0, 2, 2] = x[0, 0, 3, 3] = float("nan")
    x.requires_grad_(True)
    F.max_pool2d(x, 3, 1, 1).sum().backward()
    lines.append(tensor_line("maxpool_nan.x", x.detach()))
    lines.append(tensor_line("maxpool_nan.grad_x", x.grad))
    return lines


MASK = (1 << 64) - 1


def hashed_values(salt, n):
    """Uniform values in [-1, 1) from splitmix64(salt * 2^32 + i): the same on every machine."""
    with np.errstate(over="ignore"):
        z = np.arange(n, dtype=np.uint64) + np.uint64((salt << 32) & MASK)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53) * 2.0 - 1.0


def salt_of(name):
    return sum(name.encode()) * 131 + len(name)


def fill_resnet(net):
    """Deterministic weights and running statistics that the C++ test recomputes."""
    with torch.no_grad():
        for name, t in net.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            u = torch.from_numpy(hashed_values(salt_of(name), t.numel())).float().reshape(t.shape)
            if name.endswith("running_var"):
                t.copy_(1.0 + 0.5 * u.abs())
            elif name.endswith("running_mean") or name.endswith("bias"):
                t.copy_(0.1 * u)
            elif t.dim() == 1:  # BatchNorm weight
                t.copy_(1.0 + 0.2 * u)
            else:  # conv and fc weights: the std of He's (conv) or PyTorch's (fc) initialisation
                fan_out = t.shape[0] * (t[0, 0].numel() if t.dim() == 4 else 1)
                std = math.sqrt(2.0 / fan_out) if t.dim() == 4 else 1.0 / math.sqrt(3 * t.shape[1])
                t.copy_(u * std * math.sqrt(3.0))


def summarize(lines, prefix, t):
    """abs-sum, max-abs and 16 evenly spread elements of a tensor too big to store."""
    flat = t.detach().double().reshape(-1)
    n = flat.numel()
    picks = torch.tensor([(k * n) // 16 + (k % 3) for k in range(16)]).clamp(max=n - 1)
    stats = torch.cat([flat.abs().sum().reshape(1), flat.abs().max().reshape(1), flat[picks]])
    lines.append(tensor_line(prefix, stats))


def resnet_fixtures():
    """ResNet18 in float64, where PyTorch's answer is exact to ~1e-12, so every difference is
    tapenet's; and the evaluation-mode pass in float32 too. (Training mode at batch 4 is
    ill-conditioned: layer4's BatchNorm normalises 4 values per channel, and PyTorch's own float32
    gradients differ from its float64 ones by up to 1.6e-4 of their largest element.)"""
    lines = []
    keys = [" ".join([name] + [str(s) for s in t.shape])
            for name, t in torchvision.models.resnet18(num_classes=10).state_dict().items()]
    lines.append("keys " + ";".join(keys))
    images = torch.from_numpy(hashed_values(7, 4 * 3 * 32 * 32)).float().reshape(4, 3, 32, 32)
    labels = torch.tensor([3, 8, 0, 6])
    for dtype, modes in ((torch.float64, ("train", "eval")), (torch.float32, ("eval",))):
        prefix = "f64" if dtype == torch.float64 else "f32"
        for mode in modes:
            net = torchvision.models.resnet18(num_classes=10)
            fill_resnet(net)
            net.to(dtype).train(mode == "train")
            logits = net(images.to(dtype))
            loss = F.cross_entropy(logits, labels)
            loss.backward()
            lines.append(tensor_line(f"{prefix}.{mode}.logits", logits))
            lines.append(tensor_line(f"{prefix}.{mode}.loss", loss))
            for name, p in net.named_parameters():
                summarize(lines, f"{prefix}.{mode}.grad.{name}", p.grad)
            if mode == "train":
                for name, t in net.state_dict().items():
                    if "running" in name:
                        summarize(lines, f"{prefix}.{mode}.state.{name}", t)

    # Three SGD-momentum steps in training mode; the fixture holds how far each parameter moved.
    net = torchvision.models.resnet18(num_classes=10)
    fill_resnet(net)
    net.double()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    for step in range(3):
        opt.zero_grad()
        batch = torch.roll(images.double(), shifts=step, dims=0)
        target = torch.roll(labels, shifts=step, dims=0)
        F.cross_entropy(net(batch), target).backward()
        opt.step()
    for name, p in net.named_parameters():
        summarize(lines, f"f64.sgd.delta.{name}", p.detach() - before[name])
    return lines


def tiny_state_dict():
    """A small conv + BatchNorm network's state, written by PyTorch, after one training step."""
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(3, 4, 3, bias=True), nn.BatchNorm2d(4))
    net(torch.randn(2, 3, 5, 5))
    save_safetensors(net.state_dict(), FIXTURES / "tiny_state.safetensors")
    return [tensor_line(f"tiny.{name}", t) for name, t in net.state_dict().items()]


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    header = (f"# written by tools/torch_reference/make_layer_fixtures.py with torch {torch.__version__}"
              f", torchvision {torchvision.__version__}; do not edit")
    for name, lines in (("layers.txt", layer_fixtures()), ("resnet18.txt", resnet_fixtures()),
                        ("tiny_state.txt", tiny_state_dict())):
        (FIXTURES / name).write_text("\n".join([header] + lines) + "\n")
        print(f"wrote {FIXTURES / name}: {len(lines)} lines")


if __name__ == "__main__":
    main()
