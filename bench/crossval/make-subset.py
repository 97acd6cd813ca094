#!/usr/bin/env python3
"""Builds a dataset root whose Train split is a random share of the source's, to measure how accuracy grows with
the amount of training data (a data-scaling curve).

    bench/crossval/make-subset.py ../shared/datasets/utkface runs/scale/data50 0.5 [AGES]

OUT/Train/<class>/ links the first SHARE of each class's Train photos in one fixed shuffle (seed 7), so a smaller
share is a subset of a larger one; OUT/Validation and OUT/Test link the source's splits whole. With AGES (e.g.
0-9), only photos of those ages (UTKFace file names) are cut to the share and all others are kept: how much a
group's own photos matter. Symbolic links only: nothing is copied.
"""
import os
import random
import sys

from links import link


def in_ages(name, low, high):
    try:
        return low <= int(name.split("_")[0]) <= high
    except ValueError:
        return False


def main(source, out, share, ages=None):
    source = os.path.abspath(source)
    low, high = (int(part) for part in ages.split("-")) if ages else (None, None)
    rng = random.Random(7)
    kept = 0
    for c in sorted(os.listdir(f"{source}/Train")):
        names = sorted(os.listdir(f"{source}/Train/{c}"))
        rng.shuffle(names)
        cut, whole = [], []
        for name in names:
            (cut if ages is None or in_ages(name, low, high) else whole).append(name)
        for name in cut[:round(len(cut) * share)] + whole:
            link(f"{source}/Train/{c}/{name}", f"{out}/Train/{c}/{name}")
            kept += 1
    for split in ("Validation", "Test"):
        link(f"{source}/{split}", f"{out}/{split}")
    of_what = f"of each class's photos aged {ages}, all others" if ages else "of each class"
    print(f"{out}: {kept} training photos ({share:.0%} {of_what})")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), *sys.argv[4:])
