#!/usr/bin/env python3
"""Compares two models photo by photo on the same photos.

Usage: bench/crossval/compare-predictions.py A.csv B.csv

A.csv and B.csv are written by `facegender evaluate --predictions FILE` on the same folder. Prints each
model's accuracy overall and per age group (UTKFace names), then the photos only one of the two got right
and the exact two-sided McNemar p-value of that split: the test the "p = ..." figures of MODEL_CARD.md and docs/model-history.md come from.
Two models that agree on most photos can differ by a point of accuracy by chance; this says how likely.
"""
import math
import sys

from predictions import accuracy_line, correct, load

USAGE = "usage: bench/crossval/compare-predictions.py A.csv B.csv"


def exact_mcnemar_p(only_a, only_b):
    """Two-sided exact (binomial) McNemar test on the discordant photos."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(only_a, only_b) + 1)) / 2**n
    return min(1.0, 2 * tail)


def main(argv):
    if len(argv) != 3:
        sys.exit(USAGE)
    a, b = load(argv[1]), load(argv[2])
    if a.keys() != b.keys():
        sys.exit(f"the two files are not on the same photos ({len(a.keys() ^ b.keys())} photos in only one)")
    print("A:", accuracy_line(a))
    print("B:", accuracy_line(b))
    only_a = sum(1 for f in a if correct(a[f]) and not correct(b[f]))
    only_b = sum(1 for f in a if correct(b[f]) and not correct(a[f]))
    print(f"right only with A: {only_a}, only with B: {only_b}, exact McNemar p = {exact_mcnemar_p(only_a, only_b):.3f}")


if __name__ == "__main__":
    main(sys.argv)
