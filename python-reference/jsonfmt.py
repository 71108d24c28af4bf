"""Compact, diff-friendly JSON: objects indented one key per line, lists of scalars on one line,
lists of lists one row per line.  Standard JSON; numbers use Python's shortest round-trip repr."""

import json


def _scalar(v):
    return not isinstance(v, (dict, list, tuple))


def dumps(obj, level=0, default=str):
    pad, pad1 = " " * level, " " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad1}{json.dumps(str(k))}: {dumps(v, level + 1, default)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if all(_scalar(v) for v in obj):
            return json.dumps(list(obj), default=default)
        rows = [pad1 + dumps(v, level + 1, default) for v in obj]
        return "[\n" + ",\n".join(rows) + "\n" + pad + "]"
    return json.dumps(obj, default=default)


def write(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(obj))
        f.write("\n")
