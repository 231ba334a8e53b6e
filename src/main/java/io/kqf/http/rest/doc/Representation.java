package io.kqf.http.rest.doc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.kqf.http.HttpFailure;

/**
 * Atom or JSON, as a request's {@code Accept} header chooses (restful-queue.md §2): Atom unless
 * JSON is preferred, 406 when neither is acceptable. Each carries its content types and writer.
 *
 * <p>Negotiation follows RFC 9110 §12.5.1: for each representation the most specific matching
 * range sets its quality, the higher quality wins, a tie goes to Atom, and {@code q=0} means "not
 * this". Ranges that do not parse (no {@code /}, a bad {@code q}) are ignored, so a malformed
 * header can only lead to 406, never to a failure of another kind.
 */
public enum Representation {
    ATOM("application/atom+xml;type=feed", "application/atom+xml;type=entry", "application/atomsvc+xml",
            new AtomWriter()),
    JSON("application/json", "application/json", "application/json", new JsonDocuments());

    private static final int NOT_ACCEPTABLE = 406;
    /** {@link Range#specificity} of a range naming the type itself. */
    private static final int EXACT = 2;
    private static final String ATOM_TYPE = "application/atom+xml";
    /**
     * Named exactly, the service document's type also asks for Atom; through a wildcard it does not,
     * or {@code application/atom+xml;q=0, *}{@code /*} could never choose JSON.
     */
    private static final String SERVICE_TYPE = "application/atomsvc+xml";
    private static final String JSON_TYPE = "application/json";

    private final String feedType;
    private final String entryType;
    private final String serviceType;
    private final DocumentWriter writer;

    Representation(String feedType, String entryType, String serviceType, DocumentWriter writer) {
        this.feedType = feedType;
        this.entryType = entryType;
        this.serviceType = serviceType;
        this.writer = writer;
    }

    /**
     * The representation a request asks for; no header, or a blank one, is Atom.
     *
     * @throws HttpFailure 406 when neither Atom nor JSON is acceptable ({@code application/xml} included)
     */
    public static Representation negotiate(String acceptHeader) {
        if (acceptHeader == null || acceptHeader.isBlank()) {
            return ATOM;
        }
        List<Range> ranges = Range.parseAll(acceptHeader);
        double atom = Math.max(quality(ranges, ATOM_TYPE), exactQuality(ranges, SERVICE_TYPE));
        double json = quality(ranges, JSON_TYPE);
        if (atom <= 0 && json <= 0) {
            throw new HttpFailure(NOT_ACCEPTABLE, "not acceptable: " + acceptHeader
                    + " (this API answers application/atom+xml or application/json)");
        }
        return json > atom ? JSON : ATOM;
    }

    public String feedType() {
        return feedType;
    }

    public String entryType() {
        return entryType;
    }

    public String serviceType() {
        return serviceType;
    }

    public DocumentWriter writer() {
        return writer;
    }

    /** The quality of the most specific range matching {@code mediaType}; 0 when none matches. */
    private static double quality(List<Range> ranges, String mediaType) {
        int bestSpecificity = -1;
        double quality = 0;
        for (Range range : ranges) {
            int specificity = range.specificity(mediaType);
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                quality = range.q;
            } else if (specificity == bestSpecificity && specificity >= 0) {
                quality = Math.max(quality, range.q);
            }
        }
        return quality;
    }

    /** The quality of a range naming exactly {@code mediaType}; 0 when none does. */
    private static double exactQuality(List<Range> ranges, String mediaType) {
        double quality = 0;
        for (Range range : ranges) {
            if (range.specificity(mediaType) == EXACT) {
                quality = Math.max(quality, range.q);
            }
        }
        return quality;
    }

    /** One media range of an Accept header, e.g. {@code application/*;q=0.5}. Parameters other than q are ignored. */
    private record Range(String type, String subtype, double q) {
        static List<Range> parseAll(String header) {
            List<Range> ranges = new ArrayList<>();
            for (String element : header.split(",")) {
                Range range = parse(element);
                if (range != null) {
                    ranges.add(range);
                }
            }
            return ranges;
        }

        private static Range parse(String element) {
            String[] parts = element.split(";");
            String mediaRange = parts[0].trim().toLowerCase(Locale.ROOT);
            if (mediaRange.equals("*")) {
                // Old clients (Java's URLConnection among them) send a bare "*" for */*.
                mediaRange = "*/*";
            }
            int slash = mediaRange.indexOf('/');
            if (slash <= 0 || slash == mediaRange.length() - 1) {
                return null;
            }
            String type = mediaRange.substring(0, slash);
            String subtype = mediaRange.substring(slash + 1);
            if (type.equals("*") && !subtype.equals("*")) {
                return null;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.length() > 2 && parameter.substring(0, 2).equalsIgnoreCase("q=")) {
                    try {
                        q = Double.parseDouble(parameter.substring(2).trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    if (!(q >= 0 && q <= 1)) {
                        return null;
                    }
                }
            }
            return new Range(type, subtype, q);
        }

        /** 2 for an exact match, 1 for {@code type/*}, 0 for {@code *}{@code /*}, -1 for no match. */
        int specificity(String mediaType) {
            int slash = mediaType.indexOf('/');
            String otherType = mediaType.substring(0, slash);
            String otherSubtype = mediaType.substring(slash + 1);
            if (type.equals("*")) {
                return 0;
            }
            if (!type.equals(otherType)) {
                return -1;
            }
            if (subtype.equals("*")) {
                return 1;
            }
            return subtype.equals(otherSubtype) ? EXACT : -1;
        }
    }
}
