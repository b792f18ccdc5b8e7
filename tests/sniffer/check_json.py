#!/usr/bin/env python3
"""Check `sniffer --json` output against a case's expected flows.

    check_json.py CASE.json OUTPUT.jsonl

CASE.json is written by gen_captures: "flows" lists the expected flows in
the order of their first packet. OUTPUT.jsonl holds one JSON object per
line; events other than flow_start and flow_end are ignored. The i-th
flow_start must be the i-th expected flow (ts, client, server); its
flow_end (same "flow" number) must show start, end, client, server,
reason and, for c2s and s2c, packets, bytes, missing, retransmitted and
out_of_order. Prints one line per mismatch (at most MAX_REPORTS) and
exits 1 if there is any, 2 on a usage error.
"""
import json
import sys

MAX_REPORTS = 20
DIR_FIELDS = ("packets", "bytes", "missing", "retransmitted", "out_of_order")
END_FIELDS = ("start", "end", "client", "server", "reason")


def load_events(path, problems):
    """The flow_start and flow_end objects of OUTPUT, in order."""
    events = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                ev = json.loads(line)
            except ValueError as e:
                problems.append("line %d is not JSON (%s): %.60r" % (n, e, line))
                continue
            if not isinstance(ev, dict):
                problems.append("line %d is not a JSON object" % n)
            elif ev.get("event") in ("flow_start", "flow_end"):
                events.append((n, ev))
    return events


def describe(flow):
    return "%s -> %s" % (flow.get("client"), flow.get("server"))


def compare_end(i, want, got, problems):
    """Fields of one flow_end against expected flow number i (from 1)."""
    where = "flow #%d (%s)" % (i, describe(want))
    for k in END_FIELDS:
        if got.get(k) != want[k]:
            problems.append("%s: %s: expected %r, got %r"
                            % (where, k, want[k], got.get(k)))
    for d in ("c2s", "s2c"):
        side = got.get(d)
        if not isinstance(side, dict):
            problems.append("%s: no %s object" % (where, d))
            continue
        for k in DIR_FIELDS:
            if side.get(k) != want[d][k]:
                problems.append("%s: %s.%s: expected %r, got %r"
                                % (where, d, k, want[d][k], side.get(k)))


def check(expected, events):
    problems = []
    flows = expected["flows"]
    if not events and flows:
        return ["no flow_start or flow_end event at all; expected %d flows"
                % len(flows)]
    index = {}          # sniffer flow number -> expected index
    ended = set()
    for n, ev in events:
        fid = ev.get("flow")
        if ev["event"] == "flow_start":
            i = len(index)
            if fid in index:
                problems.append("line %d: flow %r started twice" % (n, fid))
                continue
            index[fid] = i
            if i >= len(flows):
                problems.append("line %d: unexpected flow %r (%s); expected "
                                "%d flows" % (n, fid, describe(ev), len(flows)))
                continue
            for k in ("ts", "client", "server"):
                if ev.get(k) != flows[i][k]:
                    problems.append("flow_start #%d (line %d): %s: expected "
                                    "%r, got %r" % (i + 1, n, k, flows[i][k],
                                                    ev.get(k)))
        else:
            if fid not in index:
                problems.append("line %d: flow_end of flow %r, never started"
                                % (n, fid))
                continue
            if fid in ended:
                problems.append("line %d: flow %r ended twice" % (n, fid))
                continue
            ended.add(fid)
            i = index[fid]
            if i < len(flows):
                compare_end(i + 1, flows[i], ev, problems)
    if len(index) < len(flows):
        for want in flows[len(index):]:
            problems.append("no flow_start for expected flow %s at %s"
                            % (describe(want), want["ts"]))
    for fid, i in index.items():
        if fid not in ended and i < len(flows):
            problems.append("no flow_end for flow %r (%s)"
                            % (fid, describe(flows[i])))
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        expected = json.load(f)
    problems = []
    events = load_events(argv[2], problems)
    problems += check(expected, events)
    for p in problems[:MAX_REPORTS]:
        print(p)
    if len(problems) > MAX_REPORTS:
        print("... and %d more" % (len(problems) - MAX_REPORTS))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
