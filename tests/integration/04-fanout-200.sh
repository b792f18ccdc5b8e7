#!/usr/bin/env bash
# Fan-out: 200 clients in one channel each send 50 messages; every client
# must receive every message of every other client, in order per sender
# (bench/loadgen checks the order and counts the deliveries; fanout_check
# in tests/lib.sh reads its verdict).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

clients=200 messages=50
fanout_prepare "$clients"
start_server --max-clients $((clients + 50))
fanout_check "$clients" "$messages"
stop_server
