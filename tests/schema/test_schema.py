#!/usr/bin/env python3
"""Keeps rules/schema.json honest.

1. It is a valid JSON Schema (2020-12).
2. Every shipped rule file (rules/**/*.yaml) validates against it.
3. Its properties are exactly the keys the loader accepts (`faultline list
   keys`), each with a description: a key added to the loader without the
   schema (or the other way round) fails here.
4. It refuses what the loader refuses in shape (unknown keys, error with
   retval, an empty expect).

Needs python3 with jsonschema and yaml (Debian: python3-jsonschema,
python3-yaml); without them it is skipped (exit 77), saying so.

Usage: test_schema.py FAULTLINE SOURCE_ROOT
"""
import glob
import os
import subprocess
import sys

SKIP = 77


def imports_or_reexec():
    try:
        import jsonschema  # noqa: F401
        import yaml  # noqa: F401
        return
    except ImportError as e:
        missing = e.name
    # python3 on PATH may be another Python (pyenv, venv) than the one
    # Debian's python3-jsonschema is installed for.
    system = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(system) and os.access(system, os.X_OK) \
            and not os.environ.get("FL_SCHEMA_REEXEC"):
        os.environ["FL_SCHEMA_REEXEC"] = "1"
        os.execv(system, [system] + sys.argv)
    print(f"SKIP: python module '{missing}' not found (apt-get install python3-jsonschema "
          f"python3-yaml); rules/schema.json was not checked")
    sys.exit(SKIP)


imports_or_reexec()
import jsonschema  # noqa: E402
import yaml  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def as_json(v):
    """YAML -> JSON data model: mapping keys become strings (args: {2: ...})."""
    if isinstance(v, dict):
        return {str(k): as_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_json(x) for x in v]
    return v


def main():
    faultline, root = sys.argv[1], sys.argv[2]
    with open(os.path.join(root, "rules", "schema.json")) as f:
        import json
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    # 2. Shipped rule files.
    files = sorted(glob.glob(os.path.join(root, "rules", "**", "*.yaml"), recursive=True))
    if len(files) < 10:
        fail(f"expected the scenario library and examples under rules/, found {len(files)} files")
    for path in files:
        with open(path) as f:
            doc = as_json(yaml.safe_load(f))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            fail(f"{os.path.relpath(path, root)}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        if not errors:
            print(f"ok: {os.path.relpath(path, root)}")

    # 3. Keys: loader <-> schema.
    out = subprocess.run([faultline, "list", "keys"], check=True, capture_output=True, text=True).stdout
    loader = {line.split("\t")[0] for line in out.splitlines() if line}
    defs = schema["$defs"]
    maps = {
        "": schema["properties"],
        "rules[].": defs["rule"]["properties"],
        "rules[].expect.": defs["expect"]["properties"],
        "rules[].delay.": defs["delaySides"]["properties"],
        "rules[].poke.": defs["poke"]["properties"],
        "rules[].corrupt.": defs["corrupt"]["properties"],
        "rules[].stat.": defs["stat"]["properties"],
        "rules[].clock.": defs["clock"]["properties"],
        "rules[].args.N.": defs["argMask"]["properties"],
    }
    in_schema = set()
    for prefix, props in maps.items():
        for key, sub in props.items():
            in_schema.add(prefix + key)
            if not sub.get("description", "").strip():
                fail(f"schema: {prefix}{key} has no description")
    for k in sorted(loader - in_schema):
        fail(f"the loader accepts '{k}' but rules/schema.json does not describe it")
    for k in sorted(in_schema - loader):
        fail(f"rules/schema.json describes '{k}' but the loader does not accept it")
    print(f"keys: {len(loader)} in the loader, {len(in_schema)} in the schema")

    # 3b. Syscall groups: the schema's list is `faultline list groups`.
    out = subprocess.run([faultline, "list", "groups"], check=True, capture_output=True,
                         text=True).stdout
    groups = [line.split("\t")[0] for line in out.splitlines() if line]
    enums = [alt["enum"] for alt in defs["syscall"]["anyOf"] if "enum" in alt]
    if enums != [groups]:
        fail(f"rules/schema.json's syscall groups {enums} are not `faultline list groups` {groups}")
    good = as_json(yaml.safe_load('rules: [{syscall: ["@file-system", read], error: EIO}]'))
    if not validator.is_valid(good):
        fail("schema refuses a rule mixing a syscall group and a name")
    good = as_json(yaml.safe_load('rules: [{syscall: read, delay: {enter: 300ms, exit: 1s}}]'))
    if not validator.is_valid(good):
        fail("schema refuses delay: {enter, exit}")

    for text in ("rules: [{clock: {offset: +3h}}]",
                 "rules: [{clock: {jump: -10m, clocks: [realtime, monotonic]}, after: 100}]"):
        if not validator.is_valid(as_json(yaml.safe_load(text))):
            fail(f"schema refuses a clock: rule: {text}")

    # 3c. Each action on its own is a whole rule, to the schema as to the loader.
    for text in ("rules: [{syscall: read, error: EIO}]",
                 "rules: [{syscall: read, retval: 0}]",
                 "rules: [{syscall: read, delay: 10ms}]",
                 "rules: [{syscall: read, short: 50%}]",
                 "rules: [{syscall: read, signal: SIGUSR1}]",
                 'rules: [{syscall: getcwd, poke: {arg: 0, data: "x"}}]',
                 "rules: [{syscall: read, corrupt: {bytes: 1}}]",
                 "rules: [{syscall: newfstatat, stat: {size: 1}}]",
                 "rules: [{syscall: fsync, crash: kill}]"):
        if not validator.is_valid(as_json(yaml.safe_load(text))):
            fail(f"schema refuses a rule whose only action is valid: {text}")
        r = subprocess.run([faultline, "check", "/dev/stdin"], input=text, capture_output=True,
                           text=True)
        if r.returncode != 0:
            fail(f"faultline check refuses {text}: {r.stderr.strip()}")

    # 4. Shapes the loader refuses, the schema refuses too.
    bad = {
        "unknown key": "rules: [{syscall: read, error: EIO, erorr: EIO}]",
        "no rules": "seed: 1",
        "empty rules": "rules: []",
        "no syscall": "rules: [{error: EIO}]",
        "no action": "rules: [{syscall: read}]",
        "error with retval": "rules: [{syscall: read, error: EIO, retval: 0}]",
        "short with error": "rules: [{syscall: read, error: EIO, short: 10}]",
        "empty expect": "rules: [{syscall: read, error: EIO, expect: {}}]",
        "expect typo": "rules: [{syscall: read, error: EIO, expect: {mn: 1}}]",
        "probability > 1": "rules: [{syscall: read, error: EIO, probability: 1.5}]",
        "every 0": "rules: [{syscall: read, error: EIO, every: 0}]",
        "relative path": "rules: [{syscall: read, error: EIO, path: data/*}]",
        "arg index 6": "rules: [{syscall: read, error: EIO, args: {6: 1}}]",
        "mask 0": "rules: [{syscall: read, error: EIO, args: {1: {mask: 0}}}]",
        "bad duration": "rules: [{syscall: read, delay: 10}]",
        "bare number in delay sides": "rules: [{syscall: read, delay: {enter: 10}}]",
        "empty delay sides": "rules: [{syscall: read, delay: {}}]",
        "delay sides typo": "rules: [{syscall: read, delay: {entr: 1s}}]",
        "poke without data": "rules: [{syscall: getcwd, poke: {arg: 0}}]",
        "poke arg 6": 'rules: [{syscall: getcwd, poke: {arg: 6, data: "x"}}]',
        "corrupt 0 bytes": "rules: [{syscall: read, corrupt: {bytes: 0}}]",
        "corrupt without bytes": "rules: [{syscall: read, corrupt: {how: flip}}]",
        "corrupt how typo": "rules: [{syscall: read, corrupt: {bytes: 1, how: flp}}]",
        "empty stat": "rules: [{syscall: stat, stat: {}}]",
        "stat typo": "rules: [{syscall: stat, stat: {sise: 1}}]",
        "short 100%": "rules: [{syscall: read, short: 100%}]",
        "retval errno": "rules: [{syscall: read, retval: -2}]",
        "retval errno in hex": "rules: [{syscall: read, retval: 0xfffffffffffffffe}]",
        "retval past 64 bits": "rules: [{syscall: read, retval: 0x10000000000000000}]",
        "version 2": "{version: 2, rules: [{syscall: read, error: EIO}]}",
        "unknown group": 'rules: [{syscall: "@file-sytem", error: EIO}]',
        "clock with syscall": "rules: [{syscall: read, clock: {offset: 1h}}]",
        "clock offset and jump": "rules: [{clock: {offset: 1h, jump: 1m}}]",
        "clock without amount": "rules: [{clock: {clocks: realtime}}]",
        "clock shift without unit": "rules: [{clock: {offset: 3}}]",
        "clock typo": "rules: [{clock: {ofset: 1h}}]",
        "unknown clock": "rules: [{clock: {offset: 1h, clocks: [wallclock]}}]",
    }
    for what, text in bad.items():
        doc = as_json(yaml.safe_load(text))
        if validator.is_valid(doc):
            fail(f"schema accepts a rule file with {what}: {text}")
        # ... and the loader refuses it too, so the two agree.
        r = subprocess.run([faultline, "check", "/dev/stdin"], input=text, capture_output=True,
                           text=True)
        if r.returncode != 1:
            fail(f"faultline check accepts a rule file with {what}: {text}")

    if failures:
        print(f"{len(failures)} problem(s)")
        return 1
    print("rules/schema.json agrees with the loader and every shipped rule file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
