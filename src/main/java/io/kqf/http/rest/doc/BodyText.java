package io.kqf.http.rest.doc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a stored content type says about its body, and whether the body can travel as text. Both
 * writers ask here, so Atom and JSON agree on which bodies are text.
 *
 * <p>A body is text only when its bytes are valid UTF-8 and its type declares no other charset:
 * decoding Latin-1 bytes as UTF-8 would hand the client other characters than were sent, and
 * Base64 never loses anything.
 */
final class BodyText {
    /** {@code type/subtype} with optional parameters; anything else is not a media type (RFC 6838 §4.2, loosely). */
    private static final Pattern MEDIA_TYPE = Pattern.compile("[!#$&^_.+\\w-]+/[!#$&^_.+\\w-]+\\s*(;.*)?");

    private BodyText() {
    }

    /** {@code type/subtype}, lower case, without parameters. */
    static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return essence.trim().toLowerCase(Locale.ROOT);
    }

    static boolean isMediaType(String contentType) {
        return MEDIA_TYPE.matcher(contentType.trim()).matches();
    }

    /** {@code *}{@code /xml} and {@code *+xml} (RFC 4287 §4.1.3.3 item 3, XML media types as RFC 7303 names them). */
    static boolean isXml(String contentType) {
        String essence = essence(contentType);
        return essence.endsWith("/xml") || essence.endsWith("+xml");
    }

    static boolean isText(String contentType) {
        return essence(contentType).startsWith("text/");
    }

    static boolean isPlainText(String contentType) {
        return essence(contentType).equals("text/plain");
    }

    static boolean isJson(String contentType) {
        String essence = essence(contentType);
        return essence.equals("application/json") || essence.endsWith("+json");
    }

    /** The body as text when its type allows UTF-8 and its bytes are valid UTF-8; null otherwise. */
    static String decode(String contentType, byte[] body) {
        return declaresUtf8OrNothing(contentType) ? strictUtf8(body) : null;
    }

    /** The bytes as a string when they are valid UTF-8 (no replacement characters); null otherwise. */
    static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean declaresUtf8OrNothing(String contentType) {
        for (String parameter : contentType.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals < 0 || !parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String charset = parameter.substring(equals + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
            // US-ASCII is a subset of UTF-8: valid bytes decode to the same characters.
            return charset.equals("utf-8") || charset.equals("utf8") || charset.equals("us-ascii");
        }
        return true;
    }
}
