package io.kqf.engine.rpc;

import java.util.Optional;

import io.kqf.engine.Parked;
import io.kqf.engine.rpc.TaskExchange.Assignment;

/** A do_post waiting for a task, until {@code deadlineNanos} (do_post_timeout, on the exchange's time source). */
record ParkedWorker(Parked<Optional<Assignment>> waiter, long deadlineNanos) {
}
