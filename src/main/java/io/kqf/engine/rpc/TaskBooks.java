package io.kqf.engine.rpc;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.kqf.engine.Parked;
import io.kqf.engine.rpc.LocalTasks.LocalTask;
import io.kqf.engine.rpc.Message.Kind;
import io.kqf.engine.rpc.TaskExchange.Assignment;

/**
 * One node's books of the RPC — its own tasks ({@link LocalTasks}), its parked workers
 * ({@link ParkedWorkers}), other nodes' offers and its claims of them ({@link RemoteOffers}) — and
 * the rules that change them. Not thread-safe: every method runs under the exchange's monitor and
 * only decides; what to write to other nodes and whom to answer goes into the {@link Outbox} it is
 * given, done once the monitor is released.
 *
 * <p>The protocol: the node where a task was created (its origin) decides who gets it. A task
 * nobody here takes is OFFERed while another node WANTs tasks (has parked workers); a node with a
 * parked worker CLAIMs the newest offer; the origin answers the first claim of a still unassigned,
 * still wanted task with GRANT, any other with DENY; a claimer that waited too long for the answer
 * CANCELs (the origin takes a grant back); the result is a REPLY to the origin; END tells every
 * node that a task is taken or gone.
 */
final class TaskBooks {
    private static final long CLAIM_ANSWER_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Parked clients probed at a sweep (outside the monitor). */
    record Sweep(List<ParkedWorker> workers, List<LocalTask> tasks) {
    }

    private final String node;
    private final TimeSource time;
    private final long callTimeoutNanos;
    private final LocalTasks tasks;
    private final ParkedWorkers workers;
    private final RemoteOffers remote = new RemoteOffers();
    /** Called, not under the monitor, when an origin has not answered a claim in time. */
    private final Consumer<Message> claimUnanswered;

    TaskBooks(String node, TimeSource time, TaskExchange.Limits limits, long startMillis,
              Consumer<Message> claimUnanswered) {
        this.node = node;
        this.time = time;
        this.callTimeoutNanos = limits.callTimeout().toNanos();
        this.tasks = new LocalTasks(limits.tasks(), startMillis);
        this.workers = new ParkedWorkers(limits.workers());
        this.claimUnanswered = claimUnanswered;
    }

    /** A new task (CAPACITY when the books are full), its do_get_timeout running from now. */
    LocalTask create(String queue, byte[] body, Parked<Optional<byte[]>> caller) {
        return tasks.create(queue, body, caller, time.nanoTime() + callTimeoutNanos);
    }

    String tokenPrefix() {
        return tasks.tokenPrefix();
    }

    LocalTask task(String token) {
        return tasks.get(token);
    }

    /** CAPACITY when do_post_cache_size workers are parked. */
    void requireWorkerRoom() {
        workers.requireRoom();
    }

    /**
     * The most recently parked worker (settled, reserved for the task, which is assigned); or none,
     * and the task waits unassigned (offered if other nodes want tasks).
     */
    ParkedWorker workerFor(LocalTask task, Outbox out) {
        ParkedWorker worker = workers.take();
        if (worker == null) {
            tasks.waitUnassigned(task);
            if (remote.othersWant(time.nanoTime())) {
                offer(task, out);
            }
        }
        return worker;
    }

    /**
     * The newest unassigned task, now assigned to the (settled) worker, its do_get_timeout
     * restarted; or none, and the worker claims a remote offer or parks.
     */
    LocalTask taskFor(ParkedWorker worker, Outbox out) {
        LocalTask task = tasks.takeNewest();
        if (task == null) {
            if (!claimOffer(worker, out)) {
                park(worker, out);
            }
            return null;
        }
        task.deadlineNanos = time.nanoTime() + callTimeoutNanos;
        if (task.offered) {
            // Other nodes may still hold the offer: tell them it is taken (once: forget() need not).
            task.offered = false;
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
        }
        return task;
    }

    /**
     * Takes the task out of the books (once), then its caller is answered: status never counts an
     * answered task. False when it was out already, or its caller had left.
     */
    boolean finish(LocalTask task, Optional<byte[]> answer, Outbox out) {
        if (!forget(task, out) || task.caller.isSettled()) {
            return false;
        }
        out.answer(() -> task.caller.release(answer));
        return true;
    }

    /** True when this call took the task out of the books. */
    boolean forget(LocalTask task, Outbox out) {
        if (!tasks.remove(task)) {
            return false;
        }
        ended(task, out);
        return true;
    }

    /** The grant of a remote task for its worker's reply (one at a time); null if there is none to reply to. */
    RemoteOffers.Grant grantToReply(String token) {
        RemoteOffers.Grant grant = remote.grant(token);
        if (grant == null || grant.replying) {
            return null;
        }
        grant.replying = true;
        return grant;
    }

    /** The reply to the origin is written (true) or not (the worker may send it again). */
    void replyWritten(String token, RemoteOffers.Grant grant, boolean written) {
        if (written) {
            remote.replied(token, grant);
        } else {
            grant.replying = false;
        }
    }

    /** A message from the bus (ours come back too). */
    void onMessage(Message m, Outbox out) {
        boolean mine = node.equals(m.to());
        boolean others = !node.equals(m.from());
        switch (m.kind()) {
            case OFFER -> {
                if (others) {
                    remote.offered(m, time.nanoTime());
                    ParkedWorker worker = workers.takeLive(out);
                    if (worker != null && !claimOffer(worker, out)) {
                        park(worker, out);
                    }
                }
            }
            case CLAIM -> {
                if (mine) {
                    decideClaim(m, out);
                } else {
                    // Another node's task is being claimed: do not claim it too.
                    remote.dropOffer(m.to(), m.token());
                }
            }
            case GRANT, DENY -> {
                if (mine) {
                    claimAnswered(m, out);
                }
            }
            case CANCEL -> {
                if (mine) {
                    claimWithdrawn(m, out);
                }
            }
            case END -> remote.ended(m.from(), m.token());
            case REPLY -> {
                LocalTask task = mine ? tasks.get(m.token()) : null;
                if (task != null) {
                    finish(task, Optional.of(m.body() == null ? new byte[0] : m.body()), out);
                }
            }
            case WANT -> {
                if (others) {
                    remote.wanted(m.from(), time.nanoTime());
                    for (Iterator<LocalTask> it = tasks.unassignedOldestFirst(); it.hasNext(); ) {
                        LocalTask task = it.next();
                        if (!task.offered) {
                            offer(task, out);
                        }
                    }
                }
            }
        }
    }

    /**
     * At the claimer, when the origin has not answered in time (slow, or gone): the worker goes on,
     * and the origin is told to take the task back if its answer was a grant on the way.
     */
    void giveUpClaim(Message offer, Outbox out) {
        RemoteOffers.Claim claim = remote.answered(offer.from(), offer.token());
        if (claim != null) {
            out.send(new Message(Kind.CANCEL, offer.token(), node, offer.from(), null, null));
            nextForReserved(claim.worker(), out);
        }
    }

    /**
     * Calls and parked workers past their deadline get their empty answer; while workers are
     * parked, WANT again once a refresh has passed. With {@code sweep}, also drops what lost
     * messages left behind and returns the parked clients to probe.
     */
    Sweep expire(boolean sweep, Outbox out) {
        long now = time.nanoTime();
        timeOut(tasks.removeExpired(now), workers.removeExpired(now), out);
        if (!workers.isEmpty()) {
            sayWantIfDue(out);
        }
        remote.othersWant(now);
        if (!sweep) {
            return null;
        }
        remote.dropStale(now, callTimeoutNanos);
        return new Sweep(workers.snapshot(), tasks.unassignedSnapshot());
    }

    /** The node is stopping: every caller and parked worker gets its timeout answer now. */
    void expireAll(Outbox out) {
        timeOut(tasks.removeAll(), workers.removeAll(), out);
    }

    private void timeOut(List<LocalTask> expiredTasks, List<ParkedWorker> expiredWorkers, Outbox out) {
        for (LocalTask task : expiredTasks) {
            ended(task, out);
            out.answer(() -> task.caller.release(Optional.empty()));
        }
        for (ParkedWorker worker : expiredWorkers) {
            out.answer(() -> worker.waiter().complete(Optional.empty()));
        }
    }

    TaskExchange.Status status(TaskExchange.Limits limits) {
        int unassigned = tasks.unassignedCount();
        return new TaskExchange.Status(unassigned, tasks.size() - unassigned, limits.tasks(), workers.size(),
                limits.workers());
    }

    void checkInvariants() {
        tasks.checkInvariants();
    }

    /** A worker (settled) waits, and other nodes hear that we want tasks. */
    private void park(ParkedWorker worker, Outbox out) {
        workers.park(worker);
        sayWantIfDue(out);
    }

    private void sayWantIfDue(Outbox out) {
        if (remote.wantDue(time.nanoTime())) {
            out.send(new Message(Kind.WANT, node, node, null, null, null));
        }
    }

    private void offer(LocalTask task, Outbox out) {
        task.offered = true;
        out.send(new Message(Kind.OFFER, task.token, node, null, task.queue, task.body));
    }

    /** Other nodes that may hold an offer of the task forget it. */
    private void ended(LocalTask task, Outbox out) {
        if (task.offered) {
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
        }
    }

    /** Claims the newest remote offer for a reserved (settled) worker; false when there is none. */
    private boolean claimOffer(ParkedWorker worker, Outbox out) {
        Message offer = remote.takeOffer(time.nanoTime(), callTimeoutNanos);
        if (offer == null) {
            return false;
        }
        TimeSource.Timer answerDeadline = time.schedule(CLAIM_ANSWER_NANOS, () -> claimUnanswered.accept(offer));
        remote.claimed(new RemoteOffers.Claim(worker, offer, answerDeadline));
        out.send(new Message(Kind.CLAIM, offer.token(), node, offer.from(), null, null));
        return true;
    }

    /** At the origin: the first claim of a still unassigned, still wanted task wins. */
    private void decideClaim(Message claim, Outbox out) {
        LocalTask task = tasks.get(claim.token());
        boolean grant = task != null && !task.assigned && callerThere(task, out);
        if (grant) {
            tasks.assign(task);
            task.grantedTo = claim.from();
            task.deadlineNanos = time.nanoTime() + callTimeoutNanos;
        }
        out.send(new Message(grant ? Kind.GRANT : Kind.DENY, claim.token(), node, claim.from(), null, null));
    }

    /**
     * On the bus thread: whether the task's caller is still there. A caller that left takes its
     * task out of the books and is abandoned once the monitor is released.
     */
    private boolean callerThere(LocalTask task, Outbox out) {
        if (task.caller.connected()) {
            return true;
        }
        if (task.caller.settle()) {
            forget(task, out);
            out.answer(task.caller::abandon);
        }
        return false;
    }

    /** At the claimer: hand the task to the reserved worker, or give the worker back. */
    private void claimAnswered(Message answer, Outbox out) {
        RemoteOffers.Claim claim = remote.answered(answer.from(), answer.token());
        if (claim == null) {
            return;
        }
        ParkedWorker worker = claim.worker();
        Message offer = claim.offer();
        if (answer.kind() == Kind.DENY) {
            nextForReserved(worker, out);
        } else if (!worker.waiter().connected()) {
            // Its client left while we waited for the grant: the origin takes the task back.
            out.answer(worker.waiter()::abandon);
            out.send(new Message(Kind.CANCEL, offer.token(), node, offer.from(), null, null));
        } else {
            remote.granted(offer.token(), new RemoteOffers.Grant(offer.from(), time.nanoTime()));
            Assignment assignment = new Assignment(offer.queue(), offer.token(), offer.body());
            out.answer(() -> worker.waiter().complete(Optional.of(assignment)));
        }
    }

    /** A worker whose claim fell through claims the next offer, parks again, or is over. */
    private void nextForReserved(ParkedWorker worker, Outbox out) {
        if (time.nanoTime() - worker.deadlineNanos() >= 0) {
            out.answer(() -> worker.waiter().complete(Optional.empty()));
        } else if (!claimOffer(worker, out)) {
            park(worker, out);
        }
    }

    /**
     * At the origin: a claimer gave up on its claim. A task granted to it is unassigned again (a
     * worker here or an offer elsewhere takes it); the CANCEL follows the CLAIM in the topic, so a
     * grant is always decided before its withdrawal arrives.
     */
    private void claimWithdrawn(Message cancel, Outbox out) {
        LocalTask task = tasks.get(cancel.token());
        if (task == null || !cancel.from().equals(task.grantedTo)) {
            return;
        }
        task.grantedTo = null;
        ParkedWorker worker = workers.takeLive(out);
        if (worker != null) {
            task.offered = false;
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
            out.answer(() -> worker.waiter().complete(Optional.of(task.assignment())));
        } else {
            // Offered again: other nodes dropped the offer when they saw the claim.
            tasks.waitUnassigned(task);
            offer(task, out);
        }
    }
}
