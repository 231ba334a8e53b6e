package io.kqf.http.rest.doc;

/**
 * Renders the REST documents in one representation, to bytes ready for the response body. Both
 * implementations are stateless and safe to share between request threads.
 */
public interface DocumentWriter {
    byte[] feed(Feed feed);

    /** An entry sent on its own (a 201 body, a message entry, a renewal): it carries its own author. */
    byte[] entry(Entry entry);

    byte[] service(ServiceDocument service);
}
