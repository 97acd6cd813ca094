#!/usr/bin/env python3
"""Builds a dataset root whose Train split is a random share of the source's, to measure how accuracy grows with
the amount of training data (a data-scaling curve).

    bench/crossval/make-subset.py ../shared/datasets/utkface runs/scale/data50 0.5

OUT/Train/<class>/ links the first SHARE of each class's Train photos in one fixed shuffle (seed 7), so a smaller
share is a subset of a larger one; OUT/Validation and OUT/Test link the source's splits whole. Symbolic links
only: nothing is copied.
"""
import os
import random
import sys

from links import link


def main(source, out, share):
    source = os.path.abspath(source)
    rng = random.Random(7)
    kept = 0
    for c in sorted(os.listdir(f"{source}/Train")):
        names = sorted(os.listdir(f"{source}/Train/{c}"))
        rng.shuffle(names)
        for name in names[:round(len(names) * share)]:
            link(f"{source}/Train/{c}/{name}", f"{out}/Train/{c}/{name}")
            kept += 1
    for split in ("Validation", "Test"):
        link(f"{source}/{split}", f"{out}/{split}")
    print(f"{out}: {kept} training photos ({share:.0%} of each class)")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
