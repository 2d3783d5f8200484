#!/usr/bin/env python3
"""Prints the numbers chapter 7 quotes from the runs of the 1,000-picture setting
(tools/learning/runs/small-*-seed-*.csv): per run, the epoch of the lowest validation loss, and
the losses and accuracies after the last epoch; then the mean over the three seeds.

    python3 tools/learning/summary.py
"""
import csv
import os
import statistics

RUNS = os.path.join(os.path.dirname(__file__), "runs")


def read(name):
    path = os.path.join(RUNS, name + ".csv")
    with open(path) as f:
        lines = f.readlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    test = [float(line.split()[3]) for line in lines if line.startswith("# test accuracy")]
    return rows, test[0]


def main():
    print("run                  seed  best-val-loss@epoch  final: train-loss train-acc "
          "val-loss val-acc test-acc |w|")
    for stem in ("small-plain", "small-wd", "small-augment", "small-augment-wd"):
        finals = []
        for seed in range(3):
            rows, test = read(f"{stem}-seed-{seed}")
            best = min(rows, key=lambda r: float(r["val_loss"]))
            last = rows[-1]
            final = [float(last[k]) for k in ("train_loss", "train_accuracy", "val_loss",
                                              "val_accuracy")] + [test, float(last["weight_norm"])]
            finals.append(final)
            print(f"{stem:20} {seed:4}  {float(best['val_loss']):.3f}@{int(float(best['epoch'])):<3}"
                  f"             " + " ".join(f"{v:.4f}" for v in final))
        means = [statistics.mean(column) for column in zip(*finals)]
        print(f"{stem:20} mean" + " " * 28 + " ".join(f"{v:.4f}" for v in means))


if __name__ == "__main__":
    main()
