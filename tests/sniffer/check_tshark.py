#!/usr/bin/env python3
"""Cross-check the generated cases with Wireshark's own TCP reassembly.

    check_tshark.py CASES_DIR [CASE...]

For each case written by gen_captures, follow every TCP stream with
`tshark -z follow,tcp,raw,N`, name each direction as tcpflow would, and
compare with CASE.expected/. A maintainer's tool (tshark is slow and not
a build dependency): run it after adding or changing a case. Prints one
line per case; exits 1 if a case differs where no difference is known.
"""
import json
import os
import re
import subprocess
import sys

# Where Wireshark 4.0 legitimately gives other bytes than we expect.
KNOWN = {
    "gap": "tshark inserts '[500 bytes missing in capture file].' in the "
           "stream where we leave the bytes out",
    "tcp-overlap": "when a segment fills the hole before queued bytes, "
                   "tshark keeps that segment's copy of the overlap; we "
                   "keep the bytes that arrived first",
    "ipv4-frag-overlap": "tshark's IPv4 reassembly keeps the later copy of "
                         "overlapping fragment bytes; we keep the first",
    "pcapng-linktypes": "Wireshark reads interfaces of different link "
                        "types, so it sees the flows after the point where "
                        "libpcap 1.10 stops",
}


def tcpflow_end(text):
    """'10.0.0.1:80' or '2001:db8::1:80' -> tcpflow's '010.000.000.001.00080'"""
    addr, port = text.rsplit(":", 1)
    addr = addr.strip("[]")
    if ":" not in addr:
        addr = ".".join("%03d" % int(x) for x in addr.split("."))
    return "%s.%05d" % (addr, int(port))


def follow_all(cap):
    """{tcpflow name: bytes} for every stream of cap, in stream order."""
    ids = subprocess.run(["tshark", "-r", cap, "-T", "fields",
                          "-e", "tcp.stream"], capture_output=True,
                         text=True).stdout.split()
    args = ["tshark", "-r", cap, "-q"]
    for n in sorted({int(i) for i in ids if i}):
        args += ["-z", "follow,tcp,raw,%d" % n]
    text = subprocess.run(args, capture_output=True, text=True).stdout
    streams = []
    for block in text.split("=" * 67):
        m = re.search(r"Filter: tcp.stream eq (\d+)", block)
        if not m:
            continue
        nodes = dict(re.findall(r"^Node (\d): (.*)$", block, re.M))
        data = {"0": b"", "1": b""}
        for line in block.splitlines():
            if re.fullmatch(r"\t?[0-9a-f]+", line):
                side = "1" if line.startswith("\t") else "0"
                data[side] += bytes.fromhex(line.strip())
        streams.append((int(m.group(1)), nodes, data))
    files = {}
    for _, nodes, data in sorted(streams, key=lambda s: s[0]):
        for side, other in (("0", "1"), ("1", "0")):
            if not data[side] or side not in nodes or other not in nodes:
                continue
            base = tcpflow_end(nodes[side]) + "-" + tcpflow_end(nodes[other])
            name, k = base, 0
            while name in files:
                k += 1
                name = "%sc%d" % (base, k)
            files[name] = data[side]
    return files


def compare(expected_dir, got):
    want = {}
    for name in os.listdir(expected_dir):
        with open(os.path.join(expected_dir, name), "rb") as f:
            want[name] = f.read()
    diffs = []
    for name in sorted(set(want) | set(got)):
        if name not in got:
            diffs.append("%s: not in tshark's streams" % name)
        elif name not in want:
            diffs.append("%s: only in tshark's streams" % name)
        elif got[name] != want[name]:
            a, b = want[name], got[name]
            i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
                     min(len(a), len(b)))
            diffs.append("%s: byte %d differs (expected %d bytes, tshark %d)"
                         % (name, i + 1, len(a), len(b)))
    return diffs


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    cases_dir, only = argv[1], set(argv[2:])
    bad = 0
    for j in sorted(f for f in os.listdir(cases_dir) if f.endswith(".json")):
        with open(os.path.join(cases_dir, j)) as f:
            case = json.load(f)
        name = case["case"]
        if only and name not in only:
            continue
        diffs = compare(os.path.join(cases_dir, name + ".expected"),
                        follow_all(os.path.join(cases_dir, case["capture"])))
        if not diffs:
            print("%-18s same" % name)
        elif name in KNOWN:
            print("%-18s differs as known: %s" % (name, KNOWN[name]))
        else:
            bad += 1
            print("%-18s DIFFERS: %s" % (name, "; ".join(diffs[:3])))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
