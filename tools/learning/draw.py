#!/usr/bin/env python3
"""Draws chapter 7's figures (docs/images/learning-*.svg) from the CSV files that run_all.sh
writes under tools/learning/runs/, and from the per-epoch table in README.md's "How far it can go".
Python's standard library only: each figure is one or two line charts written as plain SVG.

    python3 tools/learning/draw.py
"""
import csv
import math
import os
import re
import statistics

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNS = os.path.join(ROOT, "tools", "learning", "runs")
IMAGES = os.path.join(ROOT, "docs", "images")
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#555555"]
PANEL_W, PANEL_H = 400, 280
MARGIN = {"left": 58, "right": 14, "top": 30, "bottom": 44}


def read_run(name):
    """The rows of runs/NAME.csv as dicts of floats (comment lines skipped)."""
    with open(os.path.join(RUNS, name + ".csv")) as f:
        lines = [line for line in f if not line.startswith("#")]
    return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(lines)]


def test_accuracy(name):
    """The test accuracy the run printed on its last line."""
    with open(os.path.join(RUNS, name + ".csv")) as f:
        for line in f:
            if line.startswith("# test accuracy"):
                return float(line.split()[3])
    return math.nan


def nice_ticks(lo, hi, count=5):
    """Round numbers (1, 2 or 5 times a power of ten apart) covering [lo, hi]."""
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10) if m * power >= raw), default=10 * power)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def label_of(value):
    text = f"{value:g}"
    return text if "e" not in text else f"{value:.0e}"


class Panel:
    """One chart: axes, ticks, labels, lines and a legend, at (x0, y0) in the figure."""

    def __init__(self, x0, y0, title, x_label, y_label, x_range, y_range, legend="top",
                 width=PANEL_W):
        self.x0, self.y0, self.w = x0, y0, width
        self.legend_at = legend  # "top", "middle" or "bottom", at the right, or "...-left"
        self.title, self.x_label, self.y_label = title, x_label, y_label
        self.x_range, self.y_range = x_range, y_range
        self.lines, self.notes = [], []
        self.clip = "clip"  # write_figure makes it unique within the page

    def sx(self, x):
        lo, hi = self.x_range
        width = self.w - MARGIN["left"] - MARGIN["right"]
        return self.x0 + MARGIN["left"] + (x - lo) / (hi - lo) * width

    def sy(self, y):
        lo, hi = self.y_range
        height = PANEL_H - MARGIN["top"] - MARGIN["bottom"]
        return self.y0 + MARGIN["top"] + (hi - y) / (hi - lo) * height

    def line(self, xs, ys, label, colour, dashed=False, markers=False):
        self.lines.append((xs, ys, label, colour, dashed, markers))

    def svg(self):
        left, right = self.sx(self.x_range[0]), self.sx(self.x_range[1])
        top, bottom = self.sy(self.y_range[1]), self.sy(self.y_range[0])
        out = [f'<clipPath id="{self.clip}"><rect x="{left:.1f}" y="{top:.1f}" '
               f'width="{right - left:.1f}" height="{bottom - top:.1f}"/></clipPath>']
        for x in nice_ticks(*self.x_range):
            px = self.sx(x)
            out.append(f'<line x1="{px:.1f}" y1="{top:.1f}" x2="{px:.1f}" y2="{bottom:.1f}" '
                       'stroke="#e6e6e6"/>')
            out.append(f'<text x="{px:.1f}" y="{bottom + 16:.1f}" text-anchor="middle">'
                       f"{label_of(x)}</text>")
        for y in nice_ticks(*self.y_range):
            py = self.sy(y)
            out.append(f'<line x1="{left:.1f}" y1="{py:.1f}" x2="{right:.1f}" y2="{py:.1f}" '
                       'stroke="#e6e6e6"/>')
            out.append(f'<text x="{left - 6:.1f}" y="{py + 4:.1f}" text-anchor="end">'
                       f"{label_of(y)}</text>")
        out.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
                   f'height="{bottom - top:.1f}" fill="none" stroke="#333"/>')
        out.append(f'<text x="{(left + right) / 2:.1f}" y="{self.y0 + 18:.1f}" '
                   f'text-anchor="middle" font-weight="bold">{self.title}</text>')
        out.append(f'<text x="{(left + right) / 2:.1f}" y="{bottom + 34:.1f}" '
                   f'text-anchor="middle">{self.x_label}</text>')
        mid = (top + bottom) / 2
        out.append(f'<text x="{self.x0 + 14:.1f}" y="{mid:.1f}" text-anchor="middle" '
                   f'transform="rotate(-90 {self.x0 + 14:.1f} {mid:.1f})">{self.y_label}</text>')
        for xs, ys, _, colour, dashed, markers in self.lines:
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            for segment in finite_segments(xs, ys):
                points = " ".join(f"{self.sx(x):.1f},{self.sy(y):.1f}" for x, y in segment)
                out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                           f'stroke-width="1.8"{dash} clip-path="url(#{self.clip})"/>')
                if markers:
                    out += [f'<circle cx="{self.sx(x):.1f}" cy="{self.sy(y):.1f}" r="3" '
                            f'fill="{colour}"/>' for x, y in segment]
        out += self.legend(right, top, bottom)
        return "\n".join(out)

    def legend(self, right, top, bottom):
        labelled = [line for line in self.lines if line[2]]
        width = 8 + 7 * max((len(line[2]) for line in labelled), default=0) + 30
        height = 8 + 16 * len(labelled)
        x = self.sx(self.x_range[0]) + 6 if self.legend_at.endswith("left") else right - width - 6
        if self.legend_at.startswith("top"):
            y = top + 6
        elif self.legend_at.startswith("middle"):
            y = (top + bottom - height) / 2
        else:
            y = bottom - height - 6
        out = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
               f'height="{height:.1f}" fill="white" fill-opacity="0.85" '
               'stroke="#ccc"/>'] if labelled else []
        for k, (_, _, label, colour, dashed, _) in enumerate(labelled):
            ly = y + 14 + 16 * k
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            out.append(f'<line x1="{x + 6:.1f}" y1="{ly - 4:.1f}" x2="{x + 30:.1f}" '
                       f'y2="{ly - 4:.1f}" stroke="{colour}" stroke-width="2"{dash}/>')
            out.append(f'<text x="{x + 36:.1f}" y="{ly:.1f}">{label}</text>')
        return out


def finite_segments(xs, ys):
    """Runs of consecutive points whose values are finite numbers."""
    segment = []
    for x, y in zip(xs, ys):
        if math.isfinite(x) and math.isfinite(y):
            segment.append((x, y))
        elif segment:
            yield segment
            segment = []
    if segment:
        yield segment


def write_figure(name, panels):
    width, height = max(p.x0 + p.w for p in panels), max(p.y0 + PANEL_H for p in panels)
    for k, panel in enumerate(panels):
        panel.clip = f"{name.removesuffix('.svg')}-clip{k}"
    body = "\n".join(panel.svg() for panel in panels)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">\n'
           f'<rect width="{width}" height="{height}" fill="white"/>\n{body}\n</svg>\n')
    with open(os.path.join(IMAGES, name), "w") as f:
        f.write(svg)
    print("wrote", os.path.join("docs", "images", name))


def column(rows, key):
    return [row[key] for row in rows]


def mean_over_seeds(stem, key):
    runs = [read_run(f"{stem}-seed-{seed}") for seed in range(3)]
    return column(runs[0], "epoch"), [statistics.mean(v) for v in zip(*(column(r, key)
                                                                         for r in runs))]


def learning_rate_figure():
    loss = Panel(0, 0, "Training loss", "step (batches of 64)", "mean loss of 25 steps",
                 (0, 800), (0, 2.5), "middle")
    accuracy = Panel(PANEL_W, 0, "Validation accuracy", "step (batches of 64)",
                     "accuracy (2,000 images)", (0, 800), (0, 1), "middle")
    for colour, lr in zip(COLOURS, ["0.005", "0.05", "0.5", "1"]):
        rows = read_run(f"lr-{lr}")
        loss.line(column(rows, "step"), column(rows, "train_loss"), f"lr {lr}", colour)
        accuracy.line(column(rows, "step"), column(rows, "val_accuracy"), f"lr {lr}", colour)
    write_figure("learning-rate.svg", [loss, accuracy])


def momentum_figure():
    loss = Panel(0, 0, "Training loss", "step (batches of 64)", "mean loss of 25 steps",
                 (0, 800), (0, 2.5))
    accuracy = Panel(PANEL_W, 0, "Validation accuracy", "step (batches of 64)",
                     "accuracy (2,000 images)", (0, 800), (0, 1), "bottom")
    runs = [("lr-0.01", "lr 0.01", False), ("momentum-0.9-lr-0.01", "lr 0.01, momentum 0.9", False),
            ("lr-0.1", "lr 0.1", True)]
    for colour, (name, label, dashed) in zip(COLOURS, runs):
        rows = read_run(name)
        loss.line(column(rows, "step"), column(rows, "train_loss"), label, colour, dashed)
        accuracy.line(column(rows, "step"), column(rows, "val_accuracy"), label, colour, dashed)
    write_figure("learning-momentum.svg", [loss, accuracy])


def schedule_figure():
    w = 300
    lr = Panel(0, 0, "Learning rate", "epoch", "lr during the epoch", (0, 10), (0, 0.055),
               "bottom-left", width=w)
    loss = Panel(w, 0, "Training loss", "epoch", "mean over the epoch (3 seeds)", (0, 10),
                 (0, 0.8), width=w)
    accuracy = Panel(2 * w, 0, "Validation accuracy", "epoch", "10,000 images (3 seeds)",
                     (0, 10), (0.8, 0.9), "bottom", width=w)
    for colour, schedule in zip(COLOURS, ["constant", "step", "cosine"]):
        rows = read_run(f"schedule-{schedule}-seed-0")
        lr.line(column(rows, "epoch"), column(rows, "lr"), schedule, colour, markers=True)
        epochs, mean_loss = mean_over_seeds(f"schedule-{schedule}", "train_loss")
        loss.line(epochs, mean_loss, schedule, colour, markers=True)
        epochs, mean_accuracy = mean_over_seeds(f"schedule-{schedule}", "val_accuracy")
        accuracy.line(epochs, mean_accuracy, schedule, colour, markers=True)
    write_figure("learning-schedule.svg", [lr, loss, accuracy])


def overfitting_figure():
    rows = read_run("small-plain-seed-0")
    epochs = column(rows, "epoch")
    loss = Panel(0, 0, "Loss, 1,000 training images", "epoch", "cross-entropy loss",
                 (0, 150), (0, 1.6), "bottom")
    loss.line(epochs, column(rows, "train_loss"), "training", COLOURS[0])
    loss.line(epochs, column(rows, "val_loss"), "validation", COLOURS[1], dashed=True)
    accuracy = Panel(PANEL_W, 0, "Accuracy", "epoch", "accuracy", (0, 150), (0.6, 1), "bottom")
    accuracy.line(epochs, column(rows, "train_accuracy"), "training", COLOURS[0])
    accuracy.line(epochs, column(rows, "val_accuracy"), "validation", COLOURS[1], dashed=True)
    write_figure("learning-overfitting.svg", [loss, accuracy])


def regularisation_figure():
    loss = Panel(0, 0, "Validation loss (mean of 3 seeds)", "epoch", "cross-entropy loss",
                 (0, 150), (0.3, 2.1), "top-left")
    norm = Panel(PANEL_W, 0, "Size of the weights (seed 0)", "epoch", "‖w‖ (all parameters)",
                 (0, 150), (0, 30), "top-left")
    runs = [("small-plain", "plain"), ("small-wd", "weight decay 5e-3"),
            ("small-augment", "augmentation"), ("small-augment-wd", "both")]
    for colour, (stem, label) in zip(COLOURS, runs):
        epochs, val_loss = mean_over_seeds(stem, "val_loss")
        loss.line(epochs, val_loss, label, colour)
        rows = read_run(f"{stem}-seed-0")
        norm.line(column(rows, "epoch"), column(rows, "weight_norm"), label, colour)
    write_figure("learning-regularisation.svg", [loss, norm])


def readme_recipe():
    """The per-epoch table of README.md's "How far it can go" section."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text.split("### How far it can go", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)% \|", section, re.M)
    return [(int(e), float(lr), float(loss), float(acc) / 100) for e, lr, loss, acc in rows]


def recipe_figure():
    rows = readme_recipe()
    epochs = [r[0] for r in rows]
    progress = Panel(0, 0, "ResNet18 on CIFAR-10 (README's run)", "epoch", "loss, accuracy",
                     (0, 6), (0, 2))
    progress.line(epochs, [r[2] for r in rows], "train loss", COLOURS[0], markers=True)
    progress.line(epochs, [r[3] for r in rows], "test accuracy (0 to 1)", COLOURS[1],
                  markers=True)
    lr = Panel(PANEL_W, 0, "Learning rate (cosine)", "epoch", "lr during the epoch", (0, 6),
               (0, 0.055))
    lr.line(epochs, [r[1] for r in rows], "", COLOURS[2], markers=True)
    write_figure("learning-recipe.svg", [progress, lr])


def main():
    os.makedirs(IMAGES, exist_ok=True)
    for figure in (learning_rate_figure, momentum_figure, schedule_figure, overfitting_figure,
                   regularisation_figure, recipe_figure):
        try:
            figure()
        except FileNotFoundError as missing:
            print(f"skipped {figure.__name__}: {missing.filename} is missing")


if __name__ == "__main__":
    main()
