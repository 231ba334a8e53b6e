package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publishing order of one push queue: appends in flight together, window moves alone. */
class PubPipelineTest {
    private final PubPipeline pipeline = new PubPipeline();

    /** A step that only records that it was started. */
    private static final class Recorded implements PubPipeline.Step {
        private final String name;
        private final boolean move;
        private int starts;

        Recorded(String name, boolean move) {
            this.name = name;
            this.move = move;
        }

        @Override
        public boolean movesWindow() {
            return move;
        }

        @Override
        public void start() {
            starts++;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Recorded append(String name) {
        return new Recorded(name, false);
    }

    private static Recorded move(String name) {
        return new Recorded(name, true);
    }

    @AfterEach
    void bookkeeping_is_consistent() {
        pipeline.checkInvariants();
    }

    @Test
    void appends_start_at_once_and_are_in_flight_together() {
        for (int i = 0; i < 5; i++) {
            assertTrue(pipeline.admit(append("a" + i)));
        }
        assertEquals(5, pipeline.started());
        assertEquals(0, pipeline.waiting());
    }

    @Test
    void a_move_on_an_idle_queue_starts_at_once() {
        assertTrue(pipeline.admit(move("m")));
        assertEquals(1, pipeline.started());
    }

    @Test
    void a_move_waits_until_every_append_admitted_before_it_has_finished() {
        Recorded a1 = append("a1");
        Recorded a2 = append("a2");
        Recorded m = move("m");
        pipeline.admit(a1);
        pipeline.admit(a2);
        assertFalse(pipeline.admit(m));
        assertEquals(List.of(), pipeline.finished(a2), "a1 is still in flight");
        assertEquals(List.of(m), pipeline.finished(a1));
    }

    @Test
    void appends_admitted_after_a_move_wait_for_it_and_then_start_together_in_admission_order() {
        Recorded m = move("m");
        Recorded a1 = append("a1");
        Recorded a2 = append("a2");
        pipeline.admit(m);
        assertFalse(pipeline.admit(a1));
        assertFalse(pipeline.admit(a2));
        assertEquals(2, pipeline.waiting());
        assertEquals(List.of(a1, a2), pipeline.finished(m));
        assertEquals(2, pipeline.started());
    }

    @Test
    void an_append_admitted_while_a_move_drains_waits_behind_the_move() {
        Recorded a1 = append("a1");
        Recorded m = move("m");
        Recorded a2 = append("a2");
        pipeline.admit(a1);
        pipeline.admit(m);
        assertFalse(pipeline.admit(a2), "it would land before the move's item");
        assertEquals(List.of(m), pipeline.finished(a1));
        assertEquals(List.of(a2), pipeline.finished(m));
    }

    @Test
    void consecutive_moves_run_one_after_the_other() {
        Recorded m1 = move("m1");
        Recorded m2 = move("m2");
        Recorded a = append("a");
        pipeline.admit(m1);
        pipeline.admit(m2);
        pipeline.admit(a);
        assertEquals(List.of(m2), pipeline.finished(m1));
        assertEquals(List.of(a), pipeline.finished(m2));
    }

    @Test
    void a_withdrawn_waiting_step_is_never_started() {
        Recorded m = move("m");
        Recorded gaveUp = append("gave-up");
        Recorded a = append("a");
        pipeline.admit(m);
        pipeline.admit(gaveUp);
        pipeline.admit(a);
        assertTrue(pipeline.withdraw(gaveUp));
        assertEquals(List.of(a), pipeline.finished(m));
        assertEquals(1, pipeline.started());
    }

    @Test
    void a_started_step_cannot_be_withdrawn_and_finishes_as_usual() {
        Recorded a = append("a");
        pipeline.admit(a);
        assertFalse(pipeline.withdraw(a));
        assertEquals(List.of(), pipeline.finished(a));
        assertEquals(0, pipeline.started());
    }

    @Test
    void withdrawing_a_draining_move_lets_the_appends_behind_it_start_with_the_next_finish() {
        Recorded a1 = append("a1");
        Recorded m = move("m");
        Recorded a2 = append("a2");
        pipeline.admit(a1);
        pipeline.admit(m);
        pipeline.admit(a2);
        assertTrue(pipeline.withdraw(m));
        assertEquals(List.of(a2), pipeline.finished(a1));
    }

    @Test
    void finishing_a_step_that_was_never_started_is_refused() {
        assertThrows(IllegalStateException.class, () -> pipeline.finished(append("a")));
        assertThrows(IllegalStateException.class, () -> pipeline.finished(move("m")));
    }

    /**
     * Random interleavings of admissions, finishes and withdrawals, checked against the rules: a move
     * starts only once everything admitted before it has finished (or was withdrawn), nothing starts
     * while an earlier move is unfinished, and every step not withdrawn starts exactly once.
     */
    @Test
    void random_interleavings_keep_moves_alone_and_nothing_overtakes_a_move() {
        Random random = new Random(20_231_202L);
        Map<Recorded, Integer> order = new HashMap<>();
        TreeSet<Integer> unfinished = new TreeSet<>();
        TreeSet<Integer> unfinishedMoves = new TreeSet<>();
        List<Recorded> running = new ArrayList<>();
        List<Recorded> withdrawn = new ArrayList<>();
        for (int round = 0; round < 20_000 || !running.isEmpty(); round++) {
            if (round < 20_000 && random.nextInt(50) == 0) {
                // A deadline passes for some step: withdrawn if it still waits, a no-op otherwise.
                List<Recorded> all = new ArrayList<>(order.keySet());
                Recorded late = all.get(random.nextInt(all.size()));
                if (pipeline.withdraw(late)) {
                    assertEquals(0, late.starts, late + " was withdrawn after it started");
                    withdrawn.add(late);
                    unfinished.remove(order.get(late));
                    unfinishedMoves.remove(order.get(late));
                }
            } else if (round < 20_000 && (running.isEmpty() || random.nextBoolean())) {
                Recorded step = random.nextInt(10) == 0 ? move("m" + round) : append("a" + round);
                order.put(step, round);
                unfinished.add(round);
                if (step.move) {
                    unfinishedMoves.add(round);
                }
                if (pipeline.admit(step)) {
                    started(step, running, order, unfinished, unfinishedMoves);
                }
            } else {
                Recorded done = running.remove(random.nextInt(running.size()));
                unfinished.remove(order.get(done));
                unfinishedMoves.remove(order.get(done));
                for (PubPipeline.Step next : pipeline.finished(done)) {
                    started((Recorded) next, running, order, unfinished, unfinishedMoves);
                }
            }
            pipeline.checkInvariants();
        }
        assertEquals(0, pipeline.waiting());
        assertFalse(withdrawn.isEmpty());
        order.keySet().forEach(step -> assertEquals(withdrawn.contains(step) ? 0 : 1, step.starts, step + " starts"));
    }

    private static void started(Recorded step, List<Recorded> running, Map<Recorded, Integer> order,
                                TreeSet<Integer> unfinished, TreeSet<Integer> unfinishedMoves) {
        int position = order.get(step);
        if (step.move) {
            assertEquals(position, unfinished.first(), step + " started before everything admitted earlier finished");
        } else {
            assertTrue(unfinishedMoves.headSet(position).isEmpty(), step + " overtook an unfinished move");
        }
        step.start();
        running.add(step);
    }
}
