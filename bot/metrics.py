"""Prometheus metrics: the families, created at import with every channel's labels, and the small
functions that record into them.

Families exist from start-up, each label set initialised to zero, so that a fresh process already
shows them: an alert on `rate(nhacviec_deliveries_total{result="failed"}[1h])` must not wait for
the first failure to find its series. The lower layers (handlers/, jobs/) never import this
module; the composition root hands them these functions as hooks.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector

from models.store.tables import DeliveryKind

NAMESPACE = "nhacviec"
CHANNELS = ("telegram", "zalo", "console")
UPDATE_OUTCOMES = ("ok", "error")
DELIVERY_KINDS = tuple(DeliveryKind)
DELIVERY_RESULTS = ("sent", "retried", "failed", "stale", "unknown")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Our own registry: nothing another library registers on the global one leaks into our page, and every
# name starts with nhacviec_ (the process collector takes the namespace; the python_* ones cannot).
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(namespace=NAMESPACE, registry=REGISTRY)

UPDATES = Counter("updates", "Messages and button presses handled, by channel and outcome.",
                  ["channel", "outcome"], namespace=NAMESPACE, registry=REGISTRY)
HANDLER_SECONDS = Histogram("handler_seconds", "Time to answer one message, by channel.", ["channel"],
                            namespace=NAMESPACE, registry=REGISTRY,
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
DELIVERIES = Counter("deliveries", "Outbox messages (reminders, digests …) by channel, kind and result.",
                     ["channel", "kind", "result"], namespace=NAMESPACE, registry=REGISTRY)
OUTBOX_DEPTH = Gauge("outbox_depth", "Outbox rows waiting to be sent (pending or sending), read at scrape time.",
                     ["channel"], namespace=NAMESPACE, registry=REGISTRY)
TICK_SECONDS = Histogram("tick_seconds", "Duration of one reminder tick.", namespace=NAMESPACE, registry=REGISTRY,
                         buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))
TICK_LAST = Gauge("tick_last_run_timestamp_seconds", "Unix time of the last finished tick (this process).",
                  namespace=NAMESPACE, registry=REGISTRY)

for _channel in CHANNELS:
    HANDLER_SECONDS.labels(_channel)
    OUTBOX_DEPTH.labels(_channel)
    for _outcome in UPDATE_OUTCOMES:
        UPDATES.labels(_channel, _outcome)
    for _kind in DELIVERY_KINDS:
        for _result in DELIVERY_RESULTS:
            DELIVERIES.labels(_channel, _kind, _result)


def record_update(channel: str, outcome: str, seconds: float) -> None:
    """One message handled: call where a channel hands an update to the handlers."""
    UPDATES.labels(channel, outcome).inc()
    HANDLER_SECONDS.labels(channel).observe(seconds)


def record_delivery(channel: str, kind: str, result: str) -> None:
    """One outbox row attempted (sent, retried, failed, stale, unknown): the outbox sender's outcome hook.
    A row another process took first is not counted."""
    if result != "skipped":
        DELIVERIES.labels(channel, str(kind), str(result)).inc()


def record_tick(seconds: float, finished_at: float) -> None:
    """One tick done (`finished_at`: Unix time): call from the tick job."""
    TICK_SECONDS.observe(seconds)
    TICK_LAST.set(finished_at)


def set_outbox_depth(by_channel: dict[str, int]) -> None:
    for channel in {*CHANNELS, *by_channel}:
        OUTBOX_DEPTH.labels(channel).set(by_channel.get(channel, 0))


def exposition() -> bytes:
    return generate_latest(REGISTRY)
