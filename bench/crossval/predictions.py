"""Reading `facegender evaluate --predictions` files: shared by the scripts in this folder."""
import csv
import os

GROUPS = [
    ("all", lambda row: True),
    ("20+", lambda row: row["age_summary"] == "20+"),
    ("10-19", lambda row: row["age_summary"] == "10-19"),
    ("under 10", lambda row: row["age_summary"] == "under 10"),
    ("0-2", lambda row: row["age_detail"] == "0-2"),
]


def photo_key(path):
    """Split, class folder and file name: the same photo whatever folder `evaluate` was run from."""
    return "/".join(os.path.normpath(path).split(os.sep)[-3:])


def load(path):
    """key -> row; a scene photo's faces (one row each, in the evaluator's order) are told apart by their rank."""
    rows, seen = {}, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = photo_key(row["file"])
            seen[key] = seen.get(key, 0) + 1
            rows[key if seen[key] == 1 else f"{key}#{seen[key]}"] = row
    return rows


def correct(row):
    return row["correct"] == "true"


def group_accuracies(rows, is_right):
    """(group, accuracy in %, photos) for each group with photos in rows (key -> row), a photo counting as right
    where is_right(key)."""
    result = []
    datasets = sorted({row.get("dataset") or "" for row in rows.values()} - {""})
    by_dataset = [(d, lambda row, d=d: row.get("dataset") == d) for d in datasets] if len(datasets) > 1 else []
    for name, chosen in GROUPS + by_dataset:
        group = [is_right(key) for key, row in rows.items() if chosen(row)]
        if group:
            result.append((name, 100 * sum(group) / len(group), len(group)))
    return result


def group_line(rows, is_right):
    return ", ".join(f"{name} {accuracy:.2f}% ({n})" for name, accuracy, n in group_accuracies(rows, is_right))


def accuracy_line(rows):
    return group_line(rows, lambda key: correct(rows[key]))
