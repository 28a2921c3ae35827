"""Prometheus metrics of the realtime path, exposed at /metrics.

Counted in bulk where the path is hot: a broadcast adds its member count once, not once per fan.
Works with several worker processes when PROMETHEUS_MULTIPROC_DIR is set (docs/operations.md).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

OPEN_CONNECTIONS = Gauge(
    "crease_open_connections",
    "Open WebSocket connections, by endpoint kind",
    ["kind"],
    multiprocess_mode="livesum",
)
MESSAGES_IN = Counter("crease_messages_in_total", "Frames received from clients", ["kind"])
MESSAGES_OUT = Counter(
    "crease_messages_out_total", "Frames written to clients (broadcast or direct)", ["path"]
)
FANOUT_SECONDS = Histogram(
    "crease_fanout_seconds",
    "From a group message reaching this process to its write to the last local member",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
RESUMES = Counter("crease_resumes_total", "Resumes served from the event log", ["how"])
SLOW_CLOSES = Counter(
    "crease_slow_client_closes_total", "Connections closed for reading too slowly"
)
ERRORS = Counter("crease_errors_total", "Error frames and refusals sent, by code", ["code"])
REFUSED = Counter("crease_connections_refused_total", "Connections refused by limits", ["reason"])
REQUESTS_REFUSED = Counter(
    "crease_http_refused_total",
    "HTTP requests answered before the app (body too large, too slow, ...), by reason",
    ["reason"],
)
CLIENT_PROTOCOL_ERRORS = Counter(
    "crease_client_protocol_errors_total",
    "Protocol errors by clients that the server only logs at INFO (e.g. invalid UTF-8 frames)",
    ["kind"],
)
TRACKED_IPS = Gauge(
    "crease_ws_tracked_ips",
    "Client addresses the new-connections-per-minute limit remembers in this process",
    multiprocess_mode="livesum",
)
LAYER_DROPPED = Counter(
    "crease_layer_dropped_total",
    "Group messages the in-process channel layer dropped because a member channel was full",
)
