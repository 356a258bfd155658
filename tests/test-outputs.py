# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads back what `volley run` writes for machines, as k6 users' tools would:
--summary-export (k6's legacy JSON summary) and --out json=FILE (k6's JSON
lines, gzipped for a .gz name, stdout for "-"), field by field, for a run whose
numbers are known: 3 VUs share 12 iterations, each sends 5 messages to the
embedded echo server, which echoes them and closes. Also the exit status: 99
when a threshold is crossed, 0 otherwise. Speaks TAP."""

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback

VOLLEY_BIN = os.environ["VOLLEY_BIN"]
WAIT = 60  # seconds; every run of volley is bounded
EXIT_THRESHOLDS = 99
EXIT_USAGE = 2

SENDS = [{"action": "send", "text": f"m{i}"} for i in range(5)]
PROFILE = {
    "volley": 1,
    "url": "{{echo_url}}/echo?close_after=5&close_code=1000",
    "params": {"tags": {"team": "qa"}},
    "handlers": [
        {"event": "open", "actions": SENDS},
        {"event": "message", "actions": [
            {"action": "check", "name": "echoed", "match": {"type": "contains", "text": "m"}}]},
    ],
    "scenario": {"vus": 3, "iterations": 12},
    "thresholds": {
        "ws_msgs_sent": ["count==60"],
        "ws_sessions{status:101}": ["count>=12"],
        "checks": ["rate==1"],
        "ws_connecting": ["p(95)<5000"],
    },
}
CROSSING = dict(PROFILE, thresholds={"ws_msgs_sent": ["count<10"], "checks": ["rate==1"]})

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")
TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)"]
WS_TAGS = {"group": "", "scenario": "default", "status": "101", "subproto": "", "team": "qa"}


def run_volley(directory, profile, *args):
    """Runs `volley run PROFILE ARGS` in DIRECTORY; returns (status, stdout, stderr)."""
    path = os.path.join(directory, "test.volley.json")
    with open(path, "w", encoding="utf-8") as file:
        json.dump(profile, file)
    env = dict(os.environ, LC_ALL="C", GIO_USE_PROXY_RESOLVER="dummy")
    for name in ("LANGUAGE", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    result = subprocess.run([VOLLEY_BIN, "run", path, "--log", os.path.join(directory, "j.jsonl"),
                             *args], cwd=directory, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=WAIT, check=False)
    return result.returncode, result.stdout, result.stderr


def read_lines(text):
    return [json.loads(line) for line in text.splitlines() if line]


def points_of(lines, metric):
    return [line for line in lines if line["type"] == "Point" and line["metric"] == metric]


def check_export(export):
    metrics = export["metrics"]
    assert metrics["ws_sessions"]["count"] == 12, metrics["ws_sessions"]
    assert metrics["ws_msgs_sent"]["count"] == 60, metrics["ws_msgs_sent"]
    assert metrics["ws_msgs_received"]["count"] == 60, metrics["ws_msgs_received"]
    assert metrics["iterations"]["count"] == 12, metrics["iterations"]
    assert metrics["ws_msgs_sent"]["rate"] > 0
    assert metrics["ws_sessions{status:101}"]["count"] == 12
    assert metrics["checks"] == {"passes": 60, "fails": 0, "value": 1,
                                 "thresholds": {"rate==1": False}}, metrics["checks"]
    assert metrics["ws_msgs_sent"]["thresholds"] == {"count==60": False}
    assert metrics["data_sent"]["count"] > 60 and metrics["data_received"]["count"] > 60
    assert metrics["vus_max"] == {"value": 3, "min": 3, "max": 3}, metrics["vus_max"]
    assert metrics["vus"]["max"] == 3
    for name in ("ws_connecting", "ws_session_duration", "iteration_duration"):
        trend = metrics[name]
        assert [key for key in trend if key != "thresholds"] == TREND_STATS, trend
        assert trend["min"] <= trend["med"] <= trend["p(90)"] <= trend["p(95)"] <= trend["max"]
        assert trend["min"] <= trend["avg"] <= trend["max"]
    assert metrics["ws_connecting"]["thresholds"] == {"p(95)<5000": False}
    assert "ws_ping" not in metrics

    root = export["root_group"]
    assert (root["name"], root["path"], root["groups"]) == ("", "", {})
    assert root["id"] == hashlib.md5(b"").hexdigest()
    assert root["checks"] == {"echoed": {
        "name": "echoed", "path": "::echoed", "id": hashlib.md5(b"::echoed").hexdigest(),
        "passes": 60, "fails": 0}}, root["checks"]


def check_metric_lines(lines):
    declared = {}
    for number, line in enumerate(lines):
        if line["type"] == "Metric":
            assert line["metric"] == line["data"]["name"]
            assert line["metric"] not in declared, f"{line['metric']} declared twice"
            declared[line["metric"]] = line["data"]
        else:
            assert line["type"] == "Point", line
            assert line["metric"] in declared, f"line {number}: a Point before its Metric: {line}"
            assert TIME.match(line["data"]["time"]), line["data"]["time"]
            assert list(line["data"]["tags"]) == sorted(line["data"]["tags"]), line
    return declared


def check_points(lines):
    declared = check_metric_lines(lines)
    assert declared["ws_connecting"] == {"name": "ws_connecting", "type": "trend",
                                         "contains": "time", "thresholds": ["p(95)<5000"],
                                         "submetrics": None}, declared["ws_connecting"]
    assert declared["ws_sessions"]["submetrics"] == [
        {"name": "ws_sessions{status:101}", "suffix": "status:101", "tags": {"status": "101"}}]
    assert declared["data_sent"]["contains"] == "data"
    assert declared["checks"]["type"] == "rate"
    assert declared["vus"]["type"] == "gauge"

    for metric, total in (("ws_sessions", 12), ("ws_msgs_sent", 60), ("ws_msgs_received", 60),
                          ("iterations", 12), ("checks", 60)):
        points = points_of(lines, metric)
        assert sum(point["data"]["value"] for point in points) == total, (metric, len(points))
    assert len(points_of(lines, "ws_connecting")) == 12
    assert len(points_of(lines, "ws_session_duration")) == 12

    for point in points_of(lines, "ws_msgs_sent") + points_of(lines, "ws_connecting"):
        tags = dict(point["data"]["tags"])
        assert re.match(r"^ws://127\.0\.0\.1:\d+/echo\?close_after=5&close_code=1000$",
                        tags.pop("url")), point
        assert tags == WS_TAGS, point
    for point in points_of(lines, "checks"):
        assert point["data"]["tags"] == {"check": "echoed", "group": "", "scenario": "default"}
        assert point["data"]["value"] == 1
    for point in points_of(lines, "data_sent") + points_of(lines, "iterations"):
        assert point["data"]["tags"] == {"group": "", "scenario": "default"}, point
    assert points_of(lines, "vus_max")[0]["data"] == {
        "time": points_of(lines, "vus_max")[0]["data"]["time"], "value": 3, "tags": {}}


TESTS = []


def test(function):
    TESTS.append((function.__doc__.strip(), function))
    return function


@test
def test_summary_export_and_out_json():
    """--summary-export and --out json=FILE hold the run's samples and k6's fields; exit 0"""
    with tempfile.TemporaryDirectory() as directory:
        status, out, err = run_volley(directory, PROFILE, "--summary-export", "summary.json",
                                      "--out", "json=samples.json")
        assert (status, err) == (0, ""), f"exit status {status}, stderr {err!r}"
        assert "█ THRESHOLDS" in out and "█ TOTAL RESULTS" in out, out
        with open(os.path.join(directory, "summary.json"), encoding="utf-8") as file:
            check_export(json.load(file))
        with open(os.path.join(directory, "samples.json"), encoding="utf-8") as file:
            check_points(read_lines(file.read()))


@test
def test_out_json_gzip():
    """--out json=FILE.gz writes the same lines, gzipped"""
    with tempfile.TemporaryDirectory() as directory:
        status, _, err = run_volley(directory, PROFILE, "--quiet", "--out", "json=samples.json.gz")
        assert (status, err) == (0, ""), f"exit status {status}, stderr {err!r}"
        with gzip.open(os.path.join(directory, "samples.json.gz"), "rt", encoding="utf-8") as file:
            check_points(read_lines(file.read()))


@test
def test_out_json_stdout():
    """--out json=- writes the lines on stdout, before the summary"""
    with tempfile.TemporaryDirectory() as directory:
        status, out, err = run_volley(directory, PROFILE, "--out", "json=-")
        assert (status, err) == (0, ""), f"exit status {status}, stderr {err!r}"
        lines, _, summary = out.partition("\n\n")
        check_points(read_lines(lines))
        assert "█ TOTAL RESULTS" in summary


@test
def test_crossed_threshold():
    """a crossed threshold: ✗ in the summary, true in the export, k6's error line, exit 99"""
    with tempfile.TemporaryDirectory() as directory:
        status, out, err = run_volley(directory, CROSSING, "--summary-export", "summary.json")
        assert status == EXIT_THRESHOLDS, f"exit status {status}, stderr {err!r}"
        assert "    ✗ 'count<10' count=60\n" in out, out
        assert "    ✓ 'rate==1' rate=100.00%\n" in out, out
        assert err.rstrip("\n").splitlines()[-1].endswith(
            "thresholds on metrics 'ws_msgs_sent' have been crossed"), err
        with open(os.path.join(directory, "summary.json"), encoding="utf-8") as file:
            metrics = json.load(file)["metrics"]
        assert metrics["ws_msgs_sent"]["thresholds"] == {"count<10": True}
        assert metrics["checks"]["thresholds"] == {"rate==1": False}


@test
def test_summary_trend_stats():
    """--summary-trend-stats picks the Trends' columns of the summary and of the export"""
    with tempfile.TemporaryDirectory() as directory:
        status, out, err = run_volley(directory, PROFILE, "--summary-trend-stats", "avg,p(99),count",
                                      "--summary-export", "summary.json")
        assert (status, err) == (0, ""), f"exit status {status}, stderr {err!r}"
        assert re.search(r"^    ws_connecting\.+: avg=\S+ +p\(99\)=\S+ +count=12 *$", out, re.M), out
        with open(os.path.join(directory, "summary.json"), encoding="utf-8") as file:
            trend = json.load(file)["metrics"]["ws_session_duration"]
        assert list(trend) == ["avg", "p(99)", "count"] and trend["count"] == 12, trend


@test
def test_bad_options():
    """an unknown trend stat or output type is a usage error (exit 2) that names it"""
    with tempfile.TemporaryDirectory() as directory:
        status, out, err = run_volley(directory, PROFILE, "--summary-trend-stats", "avg,p95")
        assert (status, out) == (EXIT_USAGE, ""), f"exit status {status}"
        assert "p95" in err, err
        status, out, err = run_volley(directory, PROFILE, "--out", "csv=x.csv")
        assert (status, out) == (EXIT_USAGE, ""), f"exit status {status}"
        assert "csv=x.csv" in err, err


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
