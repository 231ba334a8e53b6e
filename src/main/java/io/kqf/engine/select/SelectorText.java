package io.kqf.engine.select;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A selector's identity: its text without what the selector lexer skips. Whitespace runs outside
 * literals become one space and comments ({@code -- …} up to a line end, {@code /* … *}{@code /})
 * are dropped, so two selectors with the same normalized text select the same messages. Literals
 * ({@code 'it''s'}) and quoted identifiers ({@code "a b"}) are kept verbatim; keywords keep their
 * case (telling them from identifiers would need the lexer), so {@code and} and {@code AND} make two
 * views: harmless, only less sharing.
 */
final class SelectorText {
    private static final int VIEW_ID_HEX_DIGITS = 16;
    /** The selector grammar's keywords for body queries; reserved words, so never identifiers. */
    private static final Pattern BODY_QUERY = Pattern.compile("(?i)(?<![A-Za-z0-9_$])(XPATH|XQUERY)(?![A-Za-z0-9_$])");

    private SelectorText() {
    }

    static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int skipTo = skippable(text, i);
            if (skipTo > i) {
                pendingSpace = true;
                i = skipTo;
                continue;
            }
            if (pendingSpace && out.length() > 0) {
                out.append(' ');
            }
            pendingSpace = false;
            int end = c == '\'' || c == '"' ? quotedEnd(text, i, c) : i + 1;
            out.append(text, i, end);
            i = end;
        }
        return out.toString();
    }

    /** Whether a normalized selector queries the body ({@code XPATH '…'}, {@code XQUERY '…'}). */
    static boolean queriesBody(String normalizedText) {
        StringBuilder code = new StringBuilder(normalizedText.length());
        int i = 0;
        while (i < normalizedText.length()) {
            char c = normalizedText.charAt(i);
            if (c == '\'' || c == '"') {
                i = quotedEnd(normalizedText, i, c);
                code.append(' ');
            } else {
                code.append(c);
                i++;
            }
        }
        return BODY_QUERY.matcher(code).find();
    }

    static String viewId(String normalizedText) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(normalizedText.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, VIEW_ID_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Where the whitespace or comment starting at {@code i} ends, or {@code i} if none starts there.
     * Like the lexer, a {@code --} comment needs its line end and a block comment its close: an
     * unterminated one is no comment but a {@code -} or {@code /} token.
     */
    private static int skippable(String text, int i) {
        char c = text.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            return i + 1;
        }
        if (text.startsWith("--", i)) {
            int lineEnd = indexOfLineEnd(text, i + 2);
            return lineEnd < 0 ? i : lineEnd + 1;
        }
        if (text.startsWith("/*", i)) {
            int close = text.indexOf("*/", i + 2);
            return close < 0 ? i : close + 2;
        }
        return i;
    }

    private static int indexOfLineEnd(String text, int from) {
        for (int j = from; j < text.length(); j++) {
            if (text.charAt(j) == '\n' || text.charAt(j) == '\r') {
                return j;
            }
        }
        return -1;
    }

    /** The index after the literal opened by {@code quote} at {@code start}; a doubled quote stays inside. */
    private static int quotedEnd(String text, int start, char quote) {
        int j = start + 1;
        while (j < text.length()) {
            if (text.charAt(j) == quote) {
                if (j + 1 < text.length() && text.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return text.length();
    }
}
