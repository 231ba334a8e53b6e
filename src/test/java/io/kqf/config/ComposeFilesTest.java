package io.kqf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No Docker engine runs where CI does, so the compose stacks are checked by reading them: their
 * settings exist, their ports and health checks match the configuration, and the image builds
 * from files that exist.
 */
class ComposeFilesTest {
    private static final Path COMPOSE = Path.of("compose");
    private static final Set<String> SETTING_ENV_NAMES = settingEnvNames();

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    void every_kqf_variable_is_a_setting_and_ports_and_checks_match(String file) throws IOException {
        JsonNode services = new YAMLMapper().readTree(COMPOSE.resolve(file).toFile()).get("services");
        int kqfServices = 0;
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            JsonNode env = service.getValue().path("environment");
            Set<String> kqfVariables = new HashSet<>();
            env.fieldNames().forEachRemaining(name -> {
                if (name.startsWith("KQF_")) {
                    kqfVariables.add(name);
                }
            });
            for (String variable : kqfVariables) {
                // Unknown KQF_KAFKA_X_Y become kafka.x.y, passed to the Kafka clients.
                assertTrue(SETTING_ENV_NAMES.contains(variable) || variable.startsWith("KQF_KAFKA_"),
                        file + ": " + service.getKey() + " sets " + variable + ", which is no setting");
            }
            if (kqfVariables.isEmpty()) {
                continue;
            }
            kqfServices++;
            String port = env.path("KQF_HTTP_PORT").asText(SettingsLoader.defaults().getProperty("http.port"));
            JsonNode published = service.getValue().has("ports") ? service.getValue().get("ports") : service.getValue().get("expose");
            assertTrue(published.toString().contains(port + "\""), file + ": " + service.getKey() + " publishes " + published);
            assertEquals("http://localhost:" + port + "/health",
                    lastOf(service.getValue().path("healthcheck").path("test")), file + ": " + service.getKey());
            JsonNode build = service.getValue().path("build");
            Path context = COMPOSE.resolve(build.path("context").asText()).normalize();
            assertTrue(Files.isRegularFile(context.resolve(build.path("dockerfile").asText())), build.toString());
            assertEquals(Path.of("").toAbsolutePath().normalize(), context.toAbsolutePath().normalize(),
                    "the image is built from the repository root");
            assertTrue(service.getValue().path("depends_on").has("kafka"), service.getKey() + " waits for Kafka");
            assertTrue(services.get("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText()
                    .contains(env.path("KQF_KAFKA_BOOTSTRAP_SERVERS").asText()), "kqf reaches Kafka where it advertises");
        }
        assertEquals(file.contains("cluster") ? 3 : 1, kqfServices, file);
        for (JsonNode service : services) {
            for (JsonNode volume : service.path("volumes")) {
                Path host = COMPOSE.resolve(volume.asText().split(":")[0]);
                assertTrue(Files.exists(host), file + " mounts " + host + ", which does not exist");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prometheus.yml", "prometheus.cluster.yml"})
    void prometheus_scrapes_the_metrics_route_on_the_http_port(String file) throws IOException {
        JsonNode job = new YAMLMapper().readTree(COMPOSE.resolve(file).toFile()).get("scrape_configs").get(0);
        assertEquals("/metrics", job.get("metrics_path").asText());
        for (JsonNode target : job.get("static_configs").get(0).get("targets")) {
            assertTrue(target.asText().endsWith(":8080"), target.asText());
        }
    }

    @org.junit.jupiter.api.Test
    void haproxy_balances_round_robin_over_the_three_nodes_checking_ready() throws IOException {
        String haproxy = Files.readString(COMPOSE.resolve("haproxy.cfg"));
        assertTrue(haproxy.contains("balance roundrobin"));
        assertTrue(haproxy.contains("option httpchk GET /ready"));
        for (int n = 1; n <= 3; n++) {
            assertTrue(haproxy.contains("server kqf-" + n + " kqf-" + n + ":8080 check"), haproxy);
        }
        assertFalse(haproxy.contains("cookie"), "no sticky sessions");
    }

    @org.junit.jupiter.api.Test
    void the_dockerfile_copies_files_that_exist_and_checks_health_on_its_port() throws IOException {
        String dockerfile = Files.readString(COMPOSE.resolve("Dockerfile"));
        Matcher copy = Pattern.compile("^COPY (?!--from)(\\S+) ", Pattern.MULTILINE).matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            assertTrue(Files.exists(Path.of(copy.group(1))), "COPY " + copy.group(1) + " names no file of the repository");
        }
        assertEquals(3, copies);
        String finalName = Pattern.compile("<finalName>(\\S+)</finalName>").matcher(Files.readString(Path.of("pom.xml")))
                .results().findFirst().orElseThrow().group(1);
        assertTrue(dockerfile.contains("COPY --from=build /src/target/" + finalName + ".jar "), "the jar Maven builds");
        Matcher expose = Pattern.compile("^EXPOSE (\\d+)", Pattern.MULTILINE).matcher(dockerfile);
        assertTrue(expose.find());
        assertTrue(dockerfile.contains("KQF_HTTP_PORT=" + expose.group(1)));
        assertTrue(dockerfile.contains("http://localhost:" + expose.group(1) + "/health"), "HEALTHCHECK on /health");
        assertTrue(dockerfile.contains("USER kqf"), "not root");
    }

    private static String lastOf(JsonNode list) {
        return list.get(list.size() - 1).asText();
    }

    private static Set<String> settingEnvNames() {
        Set<String> names = new HashSet<>();
        for (String key : SettingsLoader.defaults().stringPropertyNames()) {
            names.add(SettingsLoader.envName(key));
        }
        return Set.copyOf(names);
    }

}
