#!/usr/bin/env python3
"""Where a gateway's CPU samples go: share of jdk.ExecutionSample stacks that pass through each
area (inclusive: a sample counts for every area on its stack), and the top frames (exclusive).
  jfr print --json --stack-depth 200 --events jdk.ExecutionSample node-123.jfr > s.json; benchmarks/jfr-shares.py s.json
"""
import collections, json, sys

AREAS = [  # (label, substring of a frame "class.method")
    ("Ed25519 sign/verify (Bouncy Castle)", "org.bouncycastle.math.ec.rfc8032"),
    ("TLS (JSSE: records, handshakes)", "sun.security.ssl"),
    ("AES-GCM / crypto providers", "com.sun.crypto.provider"),
    ("SHA-256 digests", "sun.security.provider.SHA"),
    ("SQLite (ledger, replay, observers)", "org.sqlite"),
    ("Jdbi", "org.jdbi"),
    ("Jackson JSON", "com.fasterxml.jackson"),
    ("Helidon webserver (HTTP/1 parsing, routing)", "io.helidon.webserver"),
    ("Helidon webclient (outgoing calls)", "io.helidon.webclient"),
    ("socket reads/writes", "sun.nio.ch"),
    ("gateway: consumer side", "org.openlgsp.gateway.Consumer"),
    ("gateway: provider side", "org.openlgsp.gateway.Provider"),
    ("ledger", "org.openlgsp.ledger"),
    ("replay guard", "org.openlgsp.gateway.ReplayGuard"),
    ("revocation (OCSP staples)", "org.openlgsp.gateway.Revocation"),
    ("exchange recorder", "org.openlgsp.gateway.ExchangeRecorder"),
    ("monitoring/statistics/alerts observers", "org.openlgsp.monitoring"),
    ("edge (roles, audit, limits)", "org.openlgsp.edge"),
    ("Base64", "java.util.Base64"),
]

def frames(event):
    for f in event["values"]["stackTrace"]["frames"]:
        m = f["method"]
        yield (m["type"]["name"] + "." + m["name"]).replace("/", ".")

data = json.load(open(sys.argv[1]))
events = data["recording"]["events"]
total = len(events)
inclusive = collections.Counter()
top = collections.Counter()
for e in events:
    fs = list(frames(e))
    if not fs:
        continue
    top[fs[0]] += 1
    seen = set()
    for label, sub in AREAS:
        if any(sub in f for f in fs):
            seen.add(label)
    for label in seen:
        inclusive[label] += 1
print(f"{total} execution samples")
print("| area (inclusive: on the stack) | share of samples |\n|---|---:|")
for label, n in inclusive.most_common():
    print(f"| {label} | {100*n/total:.1f} % |")
print("\n| top frame (exclusive) | share |\n|---|---:|")
for f, n in top.most_common(15):
    print(f"| `{f}` | {100*n/total:.1f} % |")
