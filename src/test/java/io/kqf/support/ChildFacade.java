package io.kqf.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A facade node in its own JVM, so a test can kill it for real ({@code SIGKILL}: no shutdown hook,
 * no final commit, no graceful group leave) and start a successor against the same broker.
 */
public final class ChildFacade {
    private static final Pattern SERVING = Pattern.compile("serving HTTP on port (\\d+)");

    private final Process process;
    public final Http http;

    private ChildFacade(Process process, int port) {
        this.process = process;
        this.http = new Http("http://localhost:" + port);
    }

    /** Starts {@code io.kqf.app.Main} with the given settings as KQF_* environment variables. */
    public static ChildFacade start(Map<String, String> settings) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return launch(settings, List.of("-cp", classPath, "io.kqf.app.Main"));
    }

    /** Starts the packaged fat jar, exactly as the README does. */
    public static ChildFacade startJar(Path jar, Map<String, String> settings) throws IOException {
        return launch(settings, List.of("-jar", jar.toString()));
    }

    private static ChildFacade launch(Map<String, String> settings, List<String> what) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m"));
        command.addAll(what);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        settings.forEach((key, value) -> builder.environment()
                .put("KQF_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        Process process = builder.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process died: reported by the port future below
            }
            port.completeExceptionally(new IllegalStateException("child facade exited before serving HTTP"));
        }, "child-facade-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildFacade(process, port.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("child facade did not start: " + e, e);
        }
    }

    /** SIGKILL, then wait for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child facade survived SIGKILL");
        }
    }
}
