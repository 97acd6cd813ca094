#!/usr/bin/env python3
"""Builds a second validation split out of Train, to compare two training recipes on photos that neither the
Validation nor the Test split has ever chosen between.

    bench/crossval/make-fold.py ../shared/datasets/utkface runs/cv-root

OUT/Validation/<class>/ links every k-th Train photo, taken in the order (class, race, age band, file name) so the
fold is stratified like the dataset's own split; OUT/Train/<class>/ links the other Train photos and every
Validation photo. Test is not linked. Symbolic links only: nothing is copied.
"""
import os
import sys

from links import link

BANDS = [(0, 9), (10, 19), (20, 39), (40, 59), (60, 999)]


def band(age):
    return next(i for i, (lo, hi) in enumerate(BANDS) if lo <= age <= hi)


def key(cls, name):
    parts = name.split("_")
    try:
        return (cls, int(parts[2]), band(int(parts[0])), name)
    except (IndexError, ValueError):
        return (cls, 9, 9, name)


def main(source, out):
    source = os.path.abspath(source)
    train = sorted((key(c, f), c, f) for c in os.listdir(f"{source}/Train") for f in os.listdir(f"{source}/Train/{c}"))
    fold_size = sum(len(os.listdir(f"{source}/Validation/{c}")) for c in os.listdir(f"{source}/Validation"))
    step = len(train) / fold_size
    fold = {int(i * step) for i in range(fold_size)}
    for i, (_, c, f) in enumerate(train):
        split = "Validation" if i in fold else "Train"
        link(f"{source}/Train/{c}/{f}", f"{out}/{split}/{c}/{f}")
    for c in os.listdir(f"{source}/Validation"):
        for f in os.listdir(f"{source}/Validation/{c}"):
            link(f"{source}/Validation/{c}/{f}", f"{out}/Train/{c}/{f}")
    print(f"{out}: {len(train) - len(fold) + fold_size} training photos, {len(fold)} in the new validation fold")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
