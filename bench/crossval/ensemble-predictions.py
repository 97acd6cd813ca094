#!/usr/bin/env python3
"""Asks whether several models together would do better than each alone: are their errors their own, or shared?

Usage: bench/crossval/ensemble-predictions.py A.csv B.csv [C.csv ...]

Each file is written by `facegender evaluate --predictions FILE` on the same photos (two classes). Prints each
model's accuracy per age group, that of the average of their probabilities (an ensemble; it would not fit the
2M-parameter budget, but it bounds what distilling one into a single network could give), the photos every
model gets wrong and those at least one gets right. If the ensemble is no better than its best member and most
errors are shared, the errors are in the photos (ambiguous faces, wrong labels), not in any one network's luck.
"""
import sys

from predictions import accuracy_line, correct, group_line, load

USAGE = "usage: bench/crossval/ensemble-predictions.py A.csv B.csv [C.csv ...]"


def probability_of(row, label):
    """The model's probability for `label` from a row holding its answer and that answer's probability."""
    p = float(row["probability"])
    return p if row["predicted"] == label else 1 - p


def ensemble_right(models, key):
    label = models[0][key]["label"]
    mean = sum(probability_of(rows[key], label) for rows in models) / len(models)
    return mean > 0.5


def main(argv):
    if len(argv) < 3:
        sys.exit(USAGE)
    models = [load(path) for path in argv[1:]]
    photos = models[0]
    if any(rows.keys() != photos.keys() for rows in models):
        sys.exit("the files are not on the same photos")
    for path, rows in zip(argv[1:], models):
        print(f"{path}: {accuracy_line(rows)}")
    print(f"average of the {len(models)}: {group_line(photos, lambda key: ensemble_right(models, key))}")
    print(f"right with none: {group_line(photos, lambda key: not any(correct(rows[key]) for rows in models))}")
    print(f"right with any:  {group_line(photos, lambda key: any(correct(rows[key]) for rows in models))}")


if __name__ == "__main__":
    main(sys.argv)
