#!/usr/bin/env python3
"""How accuracy grows with the amount of training data: a data-scaling curve from runs of one recipe on
shares of Train (bench/crossval/make-subset.py), each evaluated on the same photos.

Usage: bench/crossval/scaling-curve.py PHOTOS:FILE.csv PHOTOS:FILE.csv [...]

PHOTOS is the number of training photos of the run whose `facegender evaluate --predictions` FILE follows.
Prints each run's accuracy per age group and, per group, the least-squares gain per doubling of the data
(accuracy taken as linear in log2 of the photos, as such curves are over a few doublings). A shortfall of d
points then needs about 2^(d / gain) times the data: an extrapolation, which flattening curves make optimistic.
"""
import math
import sys

from predictions import accuracy_line, correct, group_accuracies, load


def slope_of(points):
    """Slope of the least-squares line through (x, y) points."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)


def main(args):
    if len(args) < 2 or any(":" not in a for a in args):
        sys.exit(__doc__)
    runs = [(int(a.split(":", 1)[0]), load(a.split(":", 1)[1])) for a in args]
    runs.sort(key=lambda run: run[0])
    curves = {}
    for photos, rows in runs:
        print(f"{photos:6d} photos: {accuracy_line(rows)}")
        for name, accuracy, _ in group_accuracies(rows, lambda key: correct(rows[key])):
            curves.setdefault(name, []).append((math.log2(photos), accuracy))
    for name, points in curves.items():
        print(f"{name}: {slope_of(points):+.2f} points per doubling")


if __name__ == "__main__":
    main(sys.argv[1:])
