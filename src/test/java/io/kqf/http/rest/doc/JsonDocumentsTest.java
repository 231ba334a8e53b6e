package io.kqf.http.rest.doc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The JSON documents of restful-queue.md §2 and §7, read back with Jackson: exact field names, nulls omitted. */
class JsonDocumentsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final JsonDocuments json = new JsonDocuments();

    @Test
    void feed_mirrorsTheAtomFeed() {
        JsonNode feed = read(json.feed(Samples.feed(List.of(Samples.browsed("text/plain", new byte[0])))));

        assertEquals(List.of("id", "title", "updated", "links", "entries"), fields(feed));
        assertEquals("tag:kqf,2026:queue/uk.products.books", feed.get("id").asText());
        assertEquals("2026-12-02T18:00:00.123Z", feed.get("updated").asText());
        assertEquals("/queues/uk/products/books", feed.get("links").get("self").asText());
        assertEquals("/queues/uk/products/books?cursor=c1", feed.get("links").get("next").asText());
        assertEquals(1, feed.get("entries").size());
    }

    @Test
    void leasedMessage_hasEveryField_ackAndBodyLinks_andRepeatedHeadersAsArrays() {
        JsonNode message = read(json.entry(Samples.leased("application/json", "{\"isbn\":\"0131103628\"}")));

        assertEquals(List.of("id", "queue", "partition", "offset", "priority", "updated", "key", "headers", "contentType",
                "body", "deliveryCount", "leaseExpires", "links"), fields(message));
        assertEquals("tag:kqf,2026:msg/uk.products.books/0/17", message.get("id").asText());
        assertEquals(Samples.QUEUE, message.get("queue").asText());
        assertEquals(0, message.get("partition").asInt());
        assertEquals(17, message.get("offset").asLong());
        assertEquals(1, message.get("priority").asInt());
        assertEquals("isbn-1", message.get("key").asText());
        assertEquals("shop", message.get("headers").get("origin").asText());
        assertEquals(List.of("a", "b"), texts(message.get("headers").get("tag")));
        assertEquals("{\"isbn\":\"0131103628\"}", message.get("body").asText(), "JSON bodies travel as a string");
        assertEquals(2, message.get("deliveryCount").asInt());
        assertEquals("2026-12-02T18:01:00Z", message.get("leaseExpires").asText());
        assertEquals(List.of("self", "ack", "body"), fields(message.get("links")));
        assertEquals(Samples.ACK, message.get("links").get("ack").asText());
        assertEquals(Samples.BROWSE + "/body", message.get("links").get("body").asText());
    }

    @Test
    void browsedMessage_omitsWhatItHasNot() {
        JsonNode message = read(json.entry(Samples.browsed(null, new byte[] {1, 2, (byte) 0xFF})));

        assertEquals(List.of("id", "queue", "partition", "offset", "priority", "updated", "headers", "contentType",
                "bodyBase64", "links"), fields(message));
        assertEquals("application/octet-stream", message.get("contentType").asText());
        assertEquals("AQL/", message.get("bodyBase64").asText());
        assertEquals(List.of("self", "body"), fields(message.get("links")));
    }

    @Test
    void bodyForm_textJsonAndXmlAsText_whenUtf8_elseBase64_andLargeBodiesOnlyByLink() {
        assertEquals("caf\u00e9", read(json.entry(Samples.leased("text/plain", "caf\u00e9"))).get("body").asText());
        assertEquals("<a/>", read(json.entry(Samples.leased("application/atom+xml", "<a/>"))).get("body").asText());
        assertEquals("{}", read(json.entry(Samples.leased("application/problem+json", "{}"))).get("body").asText());
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        JsonNode notUtf8 = read(json.entry(Samples.leased("text/plain", latin1)));
        assertFalse(notUtf8.has("body"));
        assertEquals(Base64.getEncoder().encodeToString(latin1), notUtf8.get("bodyBase64").asText());
        assertTrue(read(json.entry(Samples.leased("image/png", "PNG"))).has("bodyBase64"));

        byte[] large = new byte[MessageEntry.INLINE_LIMIT + 1];
        Arrays.fill(large, (byte) 'x');
        JsonNode referenced = read(json.entry(Samples.browsed("text/plain", large)));
        assertFalse(referenced.has("body") || referenced.has("bodyBase64"));
        assertTrue(referenced.get("links").has("body"));
    }

    @Test
    void keyThatIsNotUtf8_isKeyBase64() {
        MessageEntry sample = Samples.leased("text/plain", "x");
        MessageEntry binaryKey = new MessageEntry(sample.id(), sample.title(), sample.updated(), sample.queue(), 0, 0,
                17L, new byte[] {(byte) 0xFF}, List.of(), "text/plain", new byte[0], sample.bodyHref(), null, null,
                sample.links());
        JsonNode message = read(json.entry(binaryKey));
        assertFalse(message.has("key"));
        assertEquals("/w==", message.get("keyBase64").asText());
    }

    @Test
    void subscription_hasItsSettings_andTheAlternateLinkAsMessages() {
        JsonNode subscription = read(json.entry(Samples.subscription("colour = 'red'")));

        assertEquals(List.of("id", "sid", "destination", "selector", "prefetch", "timeout", "ackTimeout", "maxDeliveries",
                "expires", "updated", "links"), fields(subscription));
        assertEquals("uk.products.>", subscription.get("destination").asText());
        assertEquals(5, subscription.get("prefetch").asInt());
        assertEquals(300, subscription.get("timeout").asInt());
        assertEquals(60, subscription.get("ackTimeout").asInt());
        assertEquals(10, subscription.get("maxDeliveries").asInt());
        assertEquals("2026-12-02T18:01:00Z", subscription.get("expires").asText());
        assertEquals(List.of("self", "messages"), fields(subscription.get("links")));
        assertFalse(read(json.entry(Samples.subscription(null))).has("selector"), "null fields are omitted");
    }

    @Test
    void listingEntry_saysWhichRolesTheNameHas() {
        JsonNode both = read(json.entry(Samples.listing("orders", true, true, 42L)));
        assertEquals(List.of("id", "title", "updated", "queue", "category", "pending", "links"), fields(both));
        assertTrue(both.get("queue").asBoolean());
        assertTrue(both.get("category").asBoolean());
        assertEquals(42, both.get("pending").asLong());
        assertFalse(read(json.entry(Samples.listing("uk", false, true, null))).has("pending"));
    }

    @Test
    void serviceDocument_listsCollections() {
        JsonNode service = read(json.service(new ServiceDocument(List.of(
                new ServiceDocument.Collection("Queues", "/queues")))));
        assertEquals("{\"collections\":[{\"title\":\"Queues\",\"href\":\"/queues\"}]}", service.toString());
    }

    private static JsonNode read(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
