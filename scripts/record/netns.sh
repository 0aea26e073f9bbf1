# Sourced by recording scripts (after setting script=$(realpath "$0")): re-runs the calling script
# with its arguments inside a private network namespace with its own loopback, so that the capture
# holds only its own traffic and nftables rules or `ss -K` touch nothing else. Deletes the
# namespace afterwards.
if [ -z "${STATECAP_IN_NETNS:-}" ]; then
  ns=statecap-rec-$$
  ip netns add "$ns"
  trap 'ip netns del "$ns"' EXIT
  ip netns exec "$ns" ip link set lo up
  STATECAP_IN_NETNS=1 ip netns exec "$ns" "$script" "$@"
  exit
fi
