package io.kqf.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Short text summary of one JFR recording per scenario (bench/run.sh with PROFILE=1): hottest
 * methods by self samples, first io.kqf frame on the sampled stacks, samples per thread family,
 * and where threads blocked on monitors or parked. Usage: {@code JfrTop N file.jfr...}; writes
 * {@code file.txt} next to each recording and prints it.
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        int top = Integer.parseInt(args[0]);
        for (String file : List.of(args).subList(1, args.length)) {
            Path jfr = Path.of(file);
            Path txt = jfr.resolveSibling(jfr.getFileName().toString().replaceFirst("\\.jfr$", "") + ".txt");
            try (PrintStream out = new PrintStream(Files.newOutputStream(txt))) {
                summarize(jfr, top, out);
            }
            System.out.print(Files.readString(txt));
        }
    }

    private static void summarize(Path jfr, int top, PrintStream out) throws IOException {
        Tally self = new Tally();
        Tally firstKqf = new Tally();
        Tally threads = new Tally();
        Tally monitors = new Tally();
        Tally parks = new Tally();
        int truncated = 0;
        double jvmCpu = 0;
        double machineCpu = 0;
        int cpuReadings = 0;
        int gcs = 0;
        double gcPauseMs = 0;
        long[] compiled = {Long.MAX_VALUE, Long.MIN_VALUE};
        long[] compileMs = {Long.MAX_VALUE, Long.MIN_VALUE};
        Map<Long, double[]> threadLoad = new HashMap<>(); // thread id -> {sum of user+system, readings}
        Map<Long, String> threadName = new HashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            String type = event.getEventType().getName();
            RecordedStackTrace stack = event.getStackTrace();
            List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    self.add(frames.isEmpty() ? "(no stack)" : method(frames.get(0)), 1);
                    String kqf = firstFrame(frames, name -> name.startsWith("io.kqf."));
                    firstKqf.add(kqf != null ? kqf : stack != null && stack.isTruncated() ? "(truncated stack)" : "(no io.kqf frame)", 1);
                    threads.add(threadFamily(event.getThread("sampledThread")), 1);
                    if (stack != null && stack.isTruncated()) {
                        truncated++;
                    }
                }
                case "jdk.JavaMonitorEnter" -> {
                    RecordedClass monitor = event.getClass("monitorClass");
                    monitors.add((monitor == null ? "?" : monitor.getName()) + " @ " + firstOwnFrame(frames), millis(event.getDuration()));
                }
                case "jdk.ThreadPark" -> parks.add(firstOwnFrame(frames), millis(event.getDuration()));
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    gcPauseMs += millis(event.getDuration("sumOfPauses"));
                }
                case "jdk.CompilerStatistics" -> {
                    minMax(compiled, event.getInt("compileCount"));
                    minMax(compileMs, event.getDuration("totalTimeSpent").toMillis());
                }
                case "jdk.ThreadCPULoad" -> {
                    RecordedThread thread = event.getThread("eventThread");
                    if (thread != null) {
                        double[] v = threadLoad.computeIfAbsent(thread.getId(), k -> new double[2]);
                        v[0] += event.getFloat("user") + event.getFloat("system");
                        v[1]++;
                        threadName.put(thread.getId(), threadFamily(thread));
                    }
                }
                case "jdk.CPULoad" -> {
                    jvmCpu += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                    machineCpu += event.getFloat("machineTotal");
                    cpuReadings++;
                }
                default -> {
                }
            }
        }
        String name = jfr.getFileName().toString().replaceFirst("\\.jfr$", "");
        out.printf("=== %s: %d execution samples%s%n", name, (long) self.total,
                truncated > 0 ? " (" + truncated + " stacks truncated)" : "");
        if (cpuReadings > 0) {
            int cores = Runtime.getRuntime().availableProcessors();
            out.printf(" cpu: this JVM %.2f of %d cores, whole machine %.2f (mean of %d jdk.CPULoad readings)%n",
                    cores * jvmCpu / cpuReadings, cores, cores * machineCpu / cpuReadings, cpuReadings);
        }
        out.printf(" gc: %d collections, %.0f ms paused in all%n", gcs, gcPauseMs);
        if (compiled[1] >= 0) {
            out.printf(" jit: %d methods compiled, %d ms compiling (many = the window was not warm)%n",
                    compiled[1] - compiled[0], compileMs[1] - compileMs[0]);
        }
        self.print(out, "hottest methods (self samples)", top, "%6.1f%%  %s");
        firstKqf.print(out, "first io.kqf.* frame on the stack", top, "%6.1f%%  %s");
        threads.print(out, "samples per thread (digits folded)", 8, "%6.1f%%  %s");
        if (!threadLoad.isEmpty()) {
            // Mean CPU of each Java thread over the window (user + kernel, which samples miss).
            Tally cpu = new Tally();
            threadLoad.forEach((id, v) -> cpu.add(threadName.get(id), Runtime.getRuntime().availableProcessors() * v[0] / v[1]));
            cpu.printTotals(out, "cores used per thread family (jdk.ThreadCPULoad, user + system; Java threads only)", 8,
                    v -> String.format("%5.2f cores %4d threads", v[0], (long) v[1]));
        }
        monitors.printTotals(out, "blocked entering a monitor (>= 1 ms): total ms, events, monitor @ first non-JDK frame", 6);
        parks.printTotals(out, "parked (>= 10 ms): total ms, events, first non-JDK frame (mostly idle pools)", 6);
        out.println();
    }

    private static void minMax(long[] range, long value) {
        range[0] = Math.min(range[0], value);
        range[1] = Math.max(range[1], value);
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String firstFrame(List<RecordedFrame> frames, java.util.function.Predicate<String> typeMatches) {
        for (RecordedFrame frame : frames) {
            if (frame.getMethod() != null && typeMatches.test(frame.getMethod().getType().getName())) {
                return method(frame);
            }
        }
        return null;
    }

    /** The first frame outside the JDK, i.e. the code that asked to wait. */
    private static String firstOwnFrame(List<RecordedFrame> frames) {
        String own = firstFrame(frames, name -> !(name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")));
        return own != null ? own : frames.isEmpty() ? "(no stack)" : method(frames.get(0));
    }

    private static String threadFamily(RecordedThread thread) {
        if (thread == null) {
            return "?";
        }
        String name = thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
        return name == null ? "?" : name.replaceAll("[0-9]+", "N");
    }

    /** Counts (or sums) per key, printed highest first. */
    private static final class Tally {
        private final Map<String, double[]> byKey = new HashMap<>();
        private double total;

        void add(String key, double amount) {
            double[] v = byKey.computeIfAbsent(key, k -> new double[2]);
            v[0] += amount;
            v[1]++;
            total += amount;
        }

        private List<Map.Entry<String, double[]>> highest(int n) {
            return byKey.entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                    .limit(n).toList();
        }

        void print(PrintStream out, String title, int n, String format) {
            out.println(" " + title + ":");
            for (Map.Entry<String, double[]> e : highest(n)) {
                out.printf(format + "%n", 100 * e.getValue()[0] / total, e.getKey());
            }
        }

        void printTotals(PrintStream out, String title, int n) {
            printTotals(out, title, n, v -> String.format("%9.0f ms %6d", v[0], (long) v[1]));
        }

        void printTotals(PrintStream out, String title, int n, Function<double[], String> row) {
            if (byKey.isEmpty()) {
                out.println(" " + title + ": none");
                return;
            }
            out.println(" " + title + ":");
            for (Map.Entry<String, double[]> e : highest(n)) {
                out.println("  " + row.apply(e.getValue()) + "  " + e.getKey());
            }
        }
    }
}
