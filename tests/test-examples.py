# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeps the three descriptions of the profile format in agreement: the JSON
Schema (data/profile.schema.json, checked with Debian's python3-jsonschema),
the loader (through `volley validate`) and the examples, both shipped
(examples/) and made for the tests (tests/profiles/). Every valid profile must
pass both checks; every broken one must fail both, and the loader must name
the place that the profile's NAME.expected gives. Speaks TAP.

NAME.expected holds `key: value` lines:
  location: handlers[0].actions[0].code   the place the loader names
  message: not a valid close code         a part of the loader's message
  syntax: true                            the file is not JSON at all
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback

import jsonschema

SOURCE_ROOT = os.environ["VOLLEY_SOURCE_ROOT"]
VOLLEY_BIN = os.environ["VOLLEY_BIN"]
SCHEMA_PATH = os.path.join(SOURCE_ROOT, "data", "profile.schema.json")
FORMAT_DOC = os.path.join(SOURCE_ROOT, "docs", "profile-format.md")
EXIT_INVALID_CONFIG = 104
EXIT_USAGE = 2
WAIT = 30  # seconds; every run of volley is bounded


def profiles(*parts):
    return sorted(glob.glob(os.path.join(SOURCE_ROOT, *parts, "*.volley.json")))


def relative(path):
    return os.path.relpath(path, SOURCE_ROOT)


def run_volley(*args):
    """Runs `volley ARGS` in the source root; returns (status, stdout, stderr)."""
    # No proxy lookup for loopback: libproxy's C++ exceptions also abort
    # sanitizer builds (make fuzz), where this test runs too.
    env = dict(os.environ, LC_ALL="C", GIO_USE_PROXY_RESOLVER="dummy")
    for name in ("LANGUAGE", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    result = subprocess.run([VOLLEY_BIN, *args], cwd=SOURCE_ROOT, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=WAIT, check=False)
    return result.returncode, result.stdout, result.stderr


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as file:
        return json.load(file)


VALIDATOR = jsonschema.Draft202012Validator(load_schema())


def schema_errors(path):
    """The schema's errors for a JSON file; raises ValueError if it is not JSON."""
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    return list(VALIDATOR.iter_errors(document))


def location_of(json_path):
    """Writes a JSON path as the loader names places: handlers[0].actions[1].code"""
    text = ""
    for part in json_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def parent_of(location):
    match = re.match(r"^(.*?)(?:\.[^.\[\]]+|\[\d+\])$", location)
    return match.group(1) if match else ""


def flatten(errors):
    """The errors and, recursively, the errors of each branch of a oneOf/anyOf."""
    for error in errors:
        yield error
        yield from flatten(error.context or [])


def read_expected(profile):
    expected = {}
    with open(profile[: -len(".volley.json")] + ".expected", encoding="utf-8") as file:
        for line in file:
            if line.strip():
                key, _, value = line.partition(":")
                expected[key.strip()] = value.strip()
    return expected


def assert_valid_for_schema(path):
    errors = schema_errors(path)
    assert not errors, "the schema rejects it:\n" + "\n".join(
        f"{location_of(error.absolute_path) or '(top level)'}: {error.message}" for error in errors)


def assert_valid_for_loader(path):
    status, out, err = run_volley("validate", path)
    assert (status, out, err) == (0, f"{path}: ok\n", ""), \
        f"volley validate exited with {status}, printed {out!r} and {err!r}"


def assert_schema_rejects(path, expected):
    try:
        errors = schema_errors(path)
    except ValueError:
        assert expected.get("syntax") == "true", "not JSON, but the .expected file says no syntax: true"
        return
    assert expected.get("syntax") != "true", "the .expected file says syntax: true, but it is JSON"
    assert errors, "the schema accepts it"
    # Both must point at the same place; a oneOf may report the object one
    # level above the key that the loader names, or the loader the object.
    location = expected.get("location", "")
    places = {location_of(error.absolute_path) for error in flatten(errors)}
    near = {location, parent_of(location)}
    assert places & near or any(parent_of(place) == location for place in places), \
        f"the schema complains at {sorted(places)}, the loader at {location}"


def assert_loader_rejects(path, expected):
    status, out, err = run_volley("validate", path)
    assert status == EXIT_INVALID_CONFIG, f"volley validate exited with {status}; stderr: {err!r}"
    assert out == "", f"stdout is {out!r}"
    lines = err.splitlines()
    assert lines and all(line.startswith(f"{path}: ") for line in lines), \
        f"not every line of stderr starts with the file name: {err!r}"
    prefix = f"{path}: {expected['location']}" if "location" in expected else f"{path}: "
    assert any(line.startswith(prefix) and expected.get("message", "") in line for line in lines), \
        f"no line starts with {prefix!r} and contains {expected.get('message')!r}: {err!r}"


def doc_examples():
    """The full profiles shown in docs/profile-format.md, each in a file of its own."""
    with open(FORMAT_DOC, encoding="utf-8") as file:
        blocks = re.findall(r"```json\n(.*?)```", file.read(), re.S)
    return [block for block in blocks if block.lstrip().startswith("{") and '"volley"' in block]


TESTS = []


def test(function):
    TESTS.append((function.__doc__.strip(), function))
    return function


@test
def test_schema_is_a_schema():
    """the schema is a valid draft 2020-12 JSON Schema with an $id and a title"""
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and schema["description"]


@test
def test_examples_exist():
    """examples/ holds the four shipped profiles, all on the embedded echo server"""
    names = [os.path.basename(path) for path in profiles("examples")]
    for name in ("echo", "keepalive", "chat", "ramp"):
        assert f"{name}.volley.json" in names, f"examples/{name}.volley.json is missing"
    for path in profiles("examples"):
        with open(path, encoding="utf-8") as file:
            url = json.load(file)["url"]
        assert url.startswith("{{echo_url}}"), f"{relative(path)}: the URL {url!r} needs another server"


def add_valid_tests(path):
    name = relative(path)
    TESTS.append((f"the schema accepts {name}", lambda: assert_valid_for_schema(path)))
    TESTS.append((f"volley validate accepts {name}", lambda: assert_valid_for_loader(name)))


def add_invalid_tests(path):
    name = relative(path)
    TESTS.append((f"the schema rejects {name}", lambda: assert_schema_rejects(path, read_expected(path))))
    TESTS.append((f"volley validate rejects {name}",
                  lambda: assert_loader_rejects(name, read_expected(path))))


for valid in profiles("examples") + profiles("tests", "profiles", "valid"):
    add_valid_tests(valid)

for invalid in profiles("tests", "profiles", "invalid"):
    add_invalid_tests(invalid)


@test
def test_doc_examples():
    """the full example of docs/profile-format.md passes the schema and volley validate"""
    examples = doc_examples()
    assert examples, "docs/profile-format.md shows no full profile"
    with tempfile.TemporaryDirectory() as directory:
        for index, text in enumerate(examples):
            path = os.path.join(directory, f"doc-{index}.volley.json")
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            assert_valid_for_schema(path)
            assert_valid_for_loader(path)


@test
def test_many_profiles():
    """volley validate checks every file it is given and fails if one is broken"""
    examples = [relative(path) for path in profiles("examples")]
    broken = "tests/profiles/invalid/close-code-out-of-range.volley.json"
    status, out, err = run_volley("validate", examples[0], broken, examples[1])
    assert status == EXIT_INVALID_CONFIG, f"exit status {status}"
    assert out == f"{examples[0]}: ok\n{examples[1]}: ok\n", f"stdout is {out!r}"
    assert err.startswith(f"{broken}: "), f"stderr is {err!r}"

    status, out, err = run_volley("validate", *examples)
    assert (status, err) == (0, ""), f"exit status {status}, stderr {err!r}"
    assert out == "".join(f"{path}: ok\n" for path in examples), f"stdout is {out!r}"


@test
def test_examples_run():
    """the quick examples (echo, chat) run on the embedded echo server and pass"""
    with tempfile.TemporaryDirectory() as directory:
        for name in ("echo", "chat"):
            journal = os.path.join(directory, f"{name}.jsonl")
            status, out, err = run_volley("run", "--quiet", f"--log={journal}",
                                          f"examples/{name}.volley.json")
            assert (status, out, err) == (0, "", ""), \
                f"volley run {name}: exit status {status}, stdout {out!r}, stderr {err!r}"
            with open(journal, encoding="utf-8") as file:
                checks = [event for event in map(json.loads, file) if event.get("kind") == "check"]
            assert checks and all(check["passed"] for check in checks), \
                f"{name}: the checks were {checks}"


@test
def test_missing_file():
    """volley validate names a missing file and exits with 104"""
    status, out, err = run_volley("validate", "no-such-profile.volley.json")
    assert status == EXIT_INVALID_CONFIG, f"exit status {status}"
    assert out == ""
    assert err == "no-such-profile.volley.json: No such file or directory\n", f"stderr is {err!r}"


@test
def test_no_arguments():
    """volley validate without a profile is a usage error (exit 2)"""
    status, out, err = run_volley("validate")
    assert status == EXIT_USAGE, f"exit status {status}"
    assert out == ""
    assert err.startswith("volley validate: no profile given\n"), f"stderr is {err!r}"


@test
def test_help():
    """volley validate --help describes the command; volley --help lists it"""
    status, out, _ = run_volley("validate", "--help")
    assert status == 0 and "PROFILE" in out and "104" in out, f"exit status {status}, stdout {out!r}"
    status, out, _ = run_volley("--help")
    assert status == 0 and re.search(r"^  validate +Check profiles for errors$", out, re.M), out


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for number, (name, function) in enumerate(TESTS, 1):
        try:
            function()
        except Exception:  # pylint: disable=broad-except
            failed += 1
            print(f"not ok {number} - {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        else:
            print(f"ok {number} - {name}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
