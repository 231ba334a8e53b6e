package io.kqf.engine.rpc;

/**
 * One message between nodes about a task. The protocol: the node where a task was created (its
 * origin) decides who gets it, so a task is handed out at most once without any other coordinator.
 *
 * @param token the task's token (unique per task)
 * @param from  the node that wrote the message
 * @param to    the node the message is meant for, null for all
 * @param queue the task's queue (OFFER, END), else null
 * @param body  the task's arguments (OFFER) or its result (REPLY), else null
 */
record Message(Kind kind, String token, String from, String to, String queue, byte[] body) {
    enum Kind {
        /** origin → all: a task nobody here could take. */
        OFFER,
        /** claimer → origin: I have a parked worker for it. */
        CLAIM,
        /** origin → claimer: it is yours. */
        GRANT,
        /** origin → claimer: too late. */
        DENY,
        /** claimer → origin: I gave up waiting for your answer; if you granted it to me, take it back. */
        CANCEL,
        /** origin → all: the task is taken, answered or gone; forget it. */
        END,
        /** worker's node → origin: the result. */
        REPLY,
        /** a node → all: I have parked workers; offer me your unassigned tasks (repeated while true). */
        WANT
    }
}
