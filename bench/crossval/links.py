"""Building dataset roots out of symbolic links: shared by the scripts in this folder."""
import os


def link(target, path):
    """Link path to target, making its folders; an existing link is left as it is (the scripts can be re-run)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.lexists(path):
        os.symlink(target, path)
