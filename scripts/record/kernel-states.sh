#!/usr/bin/env bash
# Re-records the kernel-states oracle (fixtures/kernel/NAME.pcap + NAME.json): each scenario of
# scripts/record/kernel-states.py runs in a network namespace of its own (so `ss` lists only its
# sockets and its nftables rules touch nothing else), with real python3 sockets on that namespace's
# loopback, tcpdump recording, and `ss -tanH state all` sampled every 20 ms.
# Needs root, python3, tcpdump, iproute2 (ip, ss) and nft. The time-wait scenario lasts ~65 s.
# Usage: scripts/record/kernel-states.sh [scenario ...]   (default: all of them)
# test/kernel/kernel-states.test.ts replays the comparison; a new recording may change the packet
# numbers quoted in docs/differences.md and the README (re-run the test and read its output).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=fixtures/kernel
mkdir -p "$OUT"
ALL=(client-closes-first server-closes-first abortive-close half-close simultaneous-close
     fin-ack-dropped fin-invisible orphan-fin-wait-2 syn-ack-dropped final-ack-dropped time-wait)
SCENARIOS=("${@:-${ALL[@]}}")
for name in "${SCENARIOS[@]}"; do
  ns="statecap-k18-$$"
  ip netns add "$ns"
  trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" python3 scripts/record/kernel-states.py "$name" "$OUT"
  ip netns del "$ns"
  echo "wrote $OUT/$name.pcap ($(stat -c %s "$OUT/$name.pcap") bytes) and $OUT/$name.json ($(stat -c %s "$OUT/$name.json") bytes)"
done
