package io.kqf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies whose framing is broken, as no well-behaved client sends them: a body shorter than its
 * Content-Length, and chunked encoding with a bad chunk size. Both are the client's fault: 400 with
 * a reason, never 500, and nothing is stored.
 */
class MalformedBodyTest {
    private static TestFacade facade;

    @BeforeAll
    static void start() {
        facade = TestFacade.start();
    }

    @AfterAll
    static void stop() {
        facade.close();
    }

    @Test
    void a_body_shorter_than_its_content_length_is_a_400_on_both_apis() throws IOException {
        assertEquals(400, statusOf("POST /put?queue=short HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b"));
        assertEquals(400, statusOf("POST /queues/short.rest HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b"));
        assertEquals(404, facade.http.get("/stat?queue=short").status(), "nothing was stored");
    }

    @Test
    void broken_chunked_framing_is_a_400_on_both_apis() throws IOException {
        assertEquals(400, statusOf("POST /put?queue=chunky HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"));
        assertEquals(400, statusOf("POST /queues/chunky.rest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"));
        assertEquals(404, facade.http.get("/stat?queue=chunky").status(), "nothing was stored");
    }

    /** Sends the bytes, ends the sending side, and reads the status line of the answer. */
    private static int statusOf(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", facade.httpPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 "), "an answer, not a dropped connection: '" + head + "'");
            return Integer.parseInt(head.substring(9, 12));
        }
    }
}
