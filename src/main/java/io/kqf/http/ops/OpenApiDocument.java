package io.kqf.http.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The OpenAPI 3.1 document of both APIs, read once from {@code openapi/kqf.yaml} and written as JSON
 * and YAML. hustmq endpoints answer any method (as the original does), so the source describes
 * each one once and marks it {@code x-kqf-any-method}; the served document spells every method
 * out, so clients and generators see exactly the routes the server registers.
 */
public final class OpenApiDocument {
    static final String RESOURCE = "openapi/kqf.yaml";
    private static final List<String> ANY_METHOD = List.of("get", "post", "put", "delete", "patch", "head");
    /** {@code x-kqf-any-method} values: the other methods do the same, or answer 405. */
    private static final String SAME = "same";
    private static final String REFUSED = "refused";

    private final String json;
    private final String yaml;

    private OpenApiDocument(String json, String yaml) {
        this.json = json;
        this.yaml = yaml;
    }

    public static OpenApiDocument load(String version) {
        ObjectMapper yamlMapper = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            ObjectNode document = (ObjectNode) yamlMapper.readTree(in);
            ((ObjectNode) document.get("info")).put("version", version);
            document.get("paths").properties().forEach(path -> expandMethods((ObjectNode) path.getValue()));
            return new OpenApiDocument(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document),
                    yamlMapper.writeValueAsString(document));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Copies a path's one described operation to the methods it also answers. */
    private static void expandMethods(ObjectNode pathItem) {
        JsonNode marker = pathItem.remove("x-kqf-any-method");
        if (marker == null) {
            return;
        }
        if (!SAME.equals(marker.asText()) && !REFUSED.equals(marker.asText())) {
            throw new IllegalStateException("x-kqf-any-method is 'same' or 'refused', not " + marker);
        }
        JsonNode headMarker = pathItem.remove("x-kqf-head");
        List<Map.Entry<String, JsonNode>> described = new ArrayList<>();
        pathItem.properties().forEach(entry -> {
            if (ANY_METHOD.contains(entry.getKey())) {
                described.add(entry);
            }
        });
        if (described.size() != 1) {
            throw new IllegalStateException("x-kqf-any-method needs exactly one described operation: " + pathItem);
        }
        String method = described.get(0).getKey();
        ObjectNode operation = (ObjectNode) described.get(0).getValue();
        for (String other : ANY_METHOD) {
            if (other.equals(method)) {
                continue;
            }
            boolean refused = REFUSED.equals(marker.asText())
                    || (other.equals("head") && headMarker != null && REFUSED.equals(headMarker.asText()));
            pathItem.set(other, refused ? refusal(operation, other, method) : copy(operation, other, method));
        }
    }

    private static ObjectNode copy(ObjectNode operation, String method, String described) {
        ObjectNode copy = operation.deepCopy();
        copy.put("operationId", operation.get("operationId").asText() + "_" + method);
        copy.put("summary", operation.get("summary").asText() + " (" + method.toUpperCase(java.util.Locale.ROOT)
                + " does the same as " + described.toUpperCase(java.util.Locale.ROOT) + ")");
        copy.remove("description");
        return copy;
    }

    private static ObjectNode refusal(ObjectNode operation, String method, String described) {
        ObjectNode refusal = operation.objectNode();
        refusal.set("tags", operation.get("tags"));
        refusal.put("operationId", operation.get("operationId").asText() + "_" + method);
        refusal.put("summary", "Refused: use " + described.toUpperCase(java.util.Locale.ROOT));
        refusal.putObject("responses").putObject("405").put("description",
                "Method not allowed; the reason is in the Kqf-Error header");
        return refusal;
    }

    public String json() {
        return json;
    }

    public String yaml() {
        return yaml;
    }
}
