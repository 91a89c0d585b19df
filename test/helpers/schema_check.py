"""Validate every line of an NDJSON file against a JSON Schema.

usage: schema_check.py SCHEMA FILE   (FILE '-' is standard input)
Prints "N records valid" or the first failure with its line; exit 1 on it.
"""
import json
import sys

import jsonschema


def main():
    schema_path, data_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    src = sys.stdin if data_path == "-" else open(data_path)
    n = 0
    for lineno, line in enumerate(src, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        err = jsonschema.exceptions.best_match(validator.iter_errors(record))
        if err is not None:
            path = "/".join(str(p) for p in err.absolute_path)
            print(f"{data_path}:{lineno}: {path}: {err.message}")
            return 1
        n += 1
    if n == 0:
        print(f"{data_path}: no records")
        return 1
    print(f"{n} records valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
