package io.kqf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document names exactly the routes the server registers, and is served with its docs page. */
class OpenApiRoutesTest {
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
    void the_document_names_every_registered_route_and_no_other() throws IOException {
        Response served = facade.http.get("/openapi.json");
        assertEquals(200, served.status(), served.toString());
        JsonNode document = new ObjectMapper().readTree(served.bytes());
        assertTrue(document.get("openapi").asText().startsWith("3.1"), document.get("openapi").asText());
        TreeSet<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            Iterator<String> methods = path.getValue().fieldNames();
            while (methods.hasNext()) {
                String method = methods.next();
                if (!method.equals("parameters") && !method.equals("summary") && !method.equals("description")) {
                    documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        TreeSet<String> registered = new TreeSet<>();
        // Javalin's {sid} and <path> are OpenAPI's {sid} and {path}.
        facade.routes().forEach(route -> registered.add(route.replace('<', '{').replace('>', '}')));
        assertEquals(String.join("\n", registered), String.join("\n", documented));
    }

    @Test
    void yaml_and_the_docs_page_with_its_script_are_served() {
        Response yaml = facade.http.get("/openapi.yaml");
        assertEquals(200, yaml.status());
        assertTrue(yaml.body().startsWith("openapi: 3.1"), yaml.body().substring(0, 40));
        Response page = facade.http.get("/docs");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.toString());
        assertTrue(page.body().contains("/docs/swagger-ui-bundle.js"), page.body());
        Response script = facade.http.get("/docs/swagger-ui-bundle.js");
        assertEquals(200, script.status());
        assertTrue(script.header("Content-Type").startsWith("text/javascript"), script.header("Content-Type"));
        assertEquals(404, facade.http.get("/docs/..%2Fpom.properties").status());
    }
}
