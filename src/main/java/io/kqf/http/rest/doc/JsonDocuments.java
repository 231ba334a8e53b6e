package io.kqf.http.rest.doc;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of the REST documents, mirroring the Atom ones (restful-queue.md §2, §7): a feed is
 * {@code {id,title,updated,links{},entries[]}}, timestamps are RFC 3339 strings, {@code links} maps
 * a rel to its href, and absent values are omitted rather than null. Built as trees, so the field
 * names are visible here and the records need no Jackson annotations.
 *
 * <p>Link names: a message's {@code edit} link is {@code ack} and its body URL {@code body}; a
 * subscription's {@code alternate} link is {@code messages}. Other rels keep their names; when a
 * rel repeats, the first link wins.
 */
public final class JsonDocuments implements DocumentWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> NO_RENAMES = Map.of();
    private static final Map<String, String> MESSAGE_LINKS = Map.of(Links.EDIT, "ack");
    private static final Map<String, String> SUBSCRIPTION_LINKS = Map.of(Links.ALTERNATE, "messages");

    @Override
    public byte[] feed(Feed feed) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", feed.id());
        json.put("title", feed.title());
        json.put("updated", AtomOut.rfc3339(feed.updated()));
        json.set("links", links(feed.links(), NO_RENAMES, null));
        ArrayNode entries = json.putArray("entries");
        for (Entry entry : feed.entries()) {
            entries.add(entry(entry, JSON.createObjectNode()));
        }
        return bytes(json);
    }

    @Override
    public byte[] entry(Entry entry) {
        return bytes(entry(entry, JSON.createObjectNode()));
    }

    @Override
    public byte[] service(ServiceDocument service) {
        ObjectNode json = JSON.createObjectNode();
        ArrayNode collections = json.putArray("collections");
        for (ServiceDocument.Collection collection : service.collections()) {
            collections.addObject().put("title", collection.title()).put("href", collection.href());
        }
        return bytes(json);
    }

    private static ObjectNode entry(Entry entry, ObjectNode json) {
        if (entry instanceof MessageEntry message) {
            JsonMessage.write(message, json);
            json.set("links", links(message.links(), MESSAGE_LINKS, message.bodyHref()));
        } else if (entry instanceof ListingEntry listing) {
            json.put("id", listing.id());
            json.put("title", listing.title());
            json.put("updated", AtomOut.rfc3339(listing.updated()));
            json.put("queue", listing.isQueue());
            json.put("category", listing.isCategory());
            if (listing.pending() != null) {
                json.put("pending", listing.pending());
            }
            json.set("links", links(listing.links(), NO_RENAMES, null));
        } else if (entry instanceof SubscriptionEntry subscription) {
            json.put("id", subscription.id());
            json.put("sid", subscription.sid());
            json.put("destination", subscription.destination());
            if (subscription.selector() != null) {
                json.put("selector", subscription.selector());
            }
            json.put("prefetch", subscription.prefetch());
            json.put("timeout", subscription.timeoutSeconds());
            json.put("ackTimeout", subscription.ackTimeoutSeconds());
            json.put("maxDeliveries", subscription.maxDeliveries());
            json.put("expires", AtomOut.rfc3339(subscription.expires()));
            json.put("updated", AtomOut.rfc3339(subscription.updated()));
            json.set("links", links(subscription.links(), SUBSCRIPTION_LINKS, null));
        }
        return json;
    }

    /** rel → href, a rel renamed by {@code renames}; {@code body}, when not null, is added as {@code body}. */
    private static ObjectNode links(List<Link> links, Map<String, String> renames, String body) {
        ObjectNode json = JSON.createObjectNode();
        for (Link link : links) {
            String name = renames.getOrDefault(link.rel(), link.rel());
            if (!json.has(name)) {
                json.put(name, link.href());
            }
        }
        if (body != null) {
            json.put("body", body);
        }
        return json;
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serializes: this is a bug.
            throw new IllegalStateException("could not write a JSON document", e);
        }
    }

    /** A message's fields; its links are added by the caller. */
    private static final class JsonMessage {
        static void write(MessageEntry message, ObjectNode json) {
            json.put("id", message.id());
            json.put("queue", message.queue());
            json.put("partition", message.partition());
            json.put("offset", message.offset());
            json.put("priority", message.priority());
            json.put("updated", AtomOut.rfc3339(message.updated()));
            byte[] key = message.key();
            if (key != null) {
                String text = BodyText.strictUtf8(key);
                if (text != null) {
                    json.put("key", text);
                } else {
                    json.put("keyBase64", Base64.getEncoder().encodeToString(key));
                }
            }
            json.set("headers", headers(message.headers()));
            json.put("contentType", message.contentType());
            if (!message.bodyIsReferenced()) {
                writeBody(message, json);
            }
            if (message.deliveryCount() != null) {
                json.put("deliveryCount", message.deliveryCount());
            }
            if (message.leaseExpires() != null) {
                json.put("leaseExpires", AtomOut.rfc3339(message.leaseExpires()));
            }
        }

        /** {@code body} for text, JSON and XML types that decode as UTF-8; {@code bodyBase64} for the rest. */
        private static void writeBody(MessageEntry message, ObjectNode json) {
            String type = message.contentType();
            byte[] body = message.body();
            if (BodyText.isText(type) || BodyText.isJson(type) || BodyText.isXml(type)) {
                String text = BodyText.decode(type, body);
                if (text != null) {
                    json.put("body", text);
                    return;
                }
            }
            json.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        }

        /** name → value, or name → [values] for a name that repeats (in record order). */
        private static ObjectNode headers(List<MessageEntry.Header> headers) {
            ObjectNode json = JSON.createObjectNode();
            for (MessageEntry.Header header : headers) {
                JsonNode seen = json.get(header.name());
                if (seen == null) {
                    json.put(header.name(), header.value());
                } else if (seen.isArray()) {
                    ((ArrayNode) seen).add(header.value());
                } else {
                    json.putArray(header.name()).add(seen).add(header.value());
                }
            }
            return json;
        }
    }
}
