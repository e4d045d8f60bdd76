"""Validates MediaAlign's JSON outputs against docs/schemas/ (draft 2020-12).

    check_schemas.py [--lenient] SCHEMA=FILE...

SCHEMA is a file name in docs/schemas/ (e.g. align-result.schema.json).
By default the check is strict: every object that lists its properties is
closed (additionalProperties: false), so a field the code writes but the
schema does not document fails. Readers of the schemas get them open
(fields may be added). Prints one line per problem; exit 1 if any."""

import copy
import json
import os
import sys

import jsonschema
from referencing import Registry, Resource

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "schemas")


def closed(schema):
    """The schema with every object that lists properties closed."""
    if isinstance(schema, dict):
        out = {key: closed(value) for key, value in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    return schema


def main(argv):
    strict = "--lenient" not in argv
    pairs = [a for a in argv if a != "--lenient"]
    schemas = {}
    for name in sorted(os.listdir(SCHEMAS)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMAS, name)) as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
            schemas[name] = closed(schema) if strict else schema
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in schemas.items())
    problems = 0
    for pair in pairs:
        name, _, path = pair.partition("=")
        if name not in schemas:
            print(f"{pair}: no schema {name} in docs/schemas/")
            problems += 1
            continue
        with open(path) as f:
            instance = json.load(f)
        validator = jsonschema.Draft202012Validator(schemas[name], registry=registry,
                                                    format_checker=jsonschema.FormatChecker())
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            while error.context:  # a oneOf: the branch that got deepest says the most
                error = max(error.context, key=lambda e: len(e.absolute_path))
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{path}: {name}: at {where}: {error.message[:300]}")
            problems += 1
    print(f"checked {len(pairs)} outputs against {len(schemas)} schemas ({'strict' if strict else 'lenient'}): "
          f"{problems} problem{'s' if problems != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
