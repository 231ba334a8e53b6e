package io.kqf.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent events client on a raw socket, so a test controls the connection: it reads
 * events on its own thread into a queue, and {@link #close} is a real disconnect. HTTP/1.0 keeps
 * the body unchunked (it ends when the connection does).
 */
public final class SseConnection implements AutoCloseable {
    /** One event; {@code type} is "message" unless the event named another. */
    public record Event(String id, String type, String data) {
    }

    /** Put on the queue when the server closes the stream. */
    public static final Event CLOSED = new Event(null, "(closed)", null);

    public final int status;
    public final Map<String, String> headers = new HashMap<>();
    private final Socket socket;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    public SseConnection(String base, String path, String... requestHeaders) throws IOException {
        URI uri = URI.create(base);
        socket = new Socket(uri.getHost(), uri.getPort());
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n");
        for (int i = 0; i < requestHeaders.length; i += 2) {
            request.append(requestHeaders[i]).append(": ").append(requestHeaders[i + 1]).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        status = Integer.parseInt(in.readLine().split(" ")[1]);
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
        }
        Thread reader = new Thread(() -> read(in), "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(BufferedReader in) {
        String id = null;
        String type = "message";
        StringBuilder data = null;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, type, data.toString()));
                    }
                    id = null;
                    type = "message";
                    data = null;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).trim());
                }
            }
        } catch (IOException e) {
            // Closed by the test.
        }
        events.add(CLOSED);
    }

    /** The next event; fails the test when none comes within 30 s. */
    public Event next() throws InterruptedException {
        Event event = events.poll(30, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no event within 30 s");
        }
        return event;
    }

    /** The next event, or null when none comes within the timeout (for load generators, which must not fail on a pause). */
    public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    /** Disconnects, as a client that goes away would. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
