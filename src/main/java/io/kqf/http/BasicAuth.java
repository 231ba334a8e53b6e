package io.kqf.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.javalin.http.Context;

/**
 * hustmq's HTTP basic authentication: a file of {@code user:password} lines
 * ({@code http_basic_auth_file}) and endpoints exempt from it ({@code auth_filter}). Checked before
 * anything else, 405 included.
 */
public final class BasicAuth {
    private final Set<String> credentials;
    private final Set<String> exempt;
    private final String realm;

    private BasicAuth(Set<String> credentials, Set<String> exempt, String realm) {
        this.credentials = credentials;
        this.exempt = exempt;
        this.realm = realm;
    }

    /** Reads the credentials file; blank lines and lines starting with '#' are ignored. */
    public static BasicAuth fromFile(Path file, Set<String> exempt, String realm) {
        Set<String> lines = new HashSet<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#") && trimmed.contains(":")) {
                    lines.add(trimmed);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read auth file " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("auth file " + file + " holds no user:password line");
        }
        return new BasicAuth(Set.copyOf(lines), Set.copyOf(exempt), realm);
    }

    /** Before-handler: throws 401 unless the endpoint is exempt or the credentials match. */
    public void check(Context ctx) {
        String endpoint = ctx.path().startsWith("/") ? ctx.path().substring(1) : ctx.path();
        if (exempt.contains(endpoint)) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String presented = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                if (matches(presented)) {
                    return;
                }
            } catch (IllegalArgumentException e) {
                // not Base64: refused below
            }
        }
        throw new HttpFailure(401, "authentication required",
                Map.of("WWW-Authenticate", "Basic realm=\"" + realm + "\""));
    }

    /** Constant-time per candidate, so response time does not reveal how much of a password matched. */
    private boolean matches(String presented) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String candidate : credentials) {
            found |= MessageDigest.isEqual(given, candidate.getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }
}
