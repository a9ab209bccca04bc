"""Reading a Spindle decompose directory from Python, shared by bench/parity_torch.py and bench/hf_check.py.

Rows of a length bucket are addressed by global index over the bucket's Parquet files concatenated in the order the
manifest (or train/plan.json) lists them -- the same addressing as the trainer's step plan. Every row holds exactly
L + 1 token ids (inputs 0..L-1, targets 1..L). Files are read whole, once, and kept as (rows, L + 1) int32 arrays.
"""
import json
import os

import numpy as np


class Bucket:
    """One length bucket: `length` and its files as [{"path": relative to the decompose dir, "rows": n}, ...]."""

    def __init__(self, data_dir, length, files):
        self.data_dir = data_dir
        self.length = int(length)
        self.files = [(f["path"], int(f["rows"])) for f in files]
        self.starts = np.cumsum([0] + [rows for _, rows in self.files])
        self._cache = {}

    @property
    def rows(self):
        return int(self.starts[-1])

    def _file(self, index):
        if index not in self._cache:
            import pyarrow.compute as pc
            import pyarrow.parquet as pq

            path, rows = self.files[index]
            column = pq.read_table(os.path.join(self.data_dir, path), columns=["tokens"]).column("tokens")
            lengths = pc.list_value_length(column).to_numpy(zero_copy_only=False)
            if len(lengths) != rows:
                raise ValueError(f"{path}: {len(lengths)} rows, the plan lists {rows} (stale manifest?)")
            if rows and (lengths.min() != self.length + 1 or lengths.max() != self.length + 1):
                raise ValueError(f"{path}: rows of {lengths.min()}..{lengths.max()} tokens, expected {self.length + 1}")
            values = pc.list_flatten(column).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
            self._cache[index] = values.reshape(rows, self.length + 1)
        return self._cache[index]

    def read(self, first, count):
        """Rows first .. first+count-1 as an int32 array (count, L + 1)."""
        if first < 0 or first + count > self.rows:
            raise IndexError(f"rows {first}..{first + count - 1} of bucket length={self.length} ({self.rows} rows)")
        parts = []
        row = first
        while row < first + count:
            index = int(np.searchsorted(self.starts, row, side="right")) - 1
            local = row - int(self.starts[index])
            take = min(first + count - row, self.files[index][1] - local)
            parts.append(self._file(index)[local:local + take])
            row += take
        return np.concatenate(parts, axis=0)


def manifest_buckets(data_dir):
    """{length: Bucket} from DATA_DIR/manifest.json."""
    with open(os.path.join(data_dir, "manifest.json")) as f:
        manifest = json.load(f)
    return {int(b["length"]): Bucket(data_dir, b["length"], b["files"]) for b in manifest["buckets"]}


def learning_rate_at(step, lr, warmup, total, min_ratio):
    """OptimizerConfig.learningRateAt: linear warmup, then cosine to min_ratio * lr at `total` steps."""
    import math

    if step < warmup:
        return lr * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    floor = lr * min_ratio
    return floor + 0.5 * (lr - floor) * (1 + math.cos(math.pi * progress))
