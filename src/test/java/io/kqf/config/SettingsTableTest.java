package io.kqf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The README's settings table lists every setting of config/kqf.properties with its default, and no other. */
class SettingsTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+\\.[a-z_.]+)` \\| (?:`([^`]*)`|\\(empty\\)) \\|", Pattern.MULTILINE);

    @Test
    void the_readme_table_matches_the_bundled_defaults() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            documented.put(row.group(1), row.group(2) == null ? "" : row.group(2));
        }
        Map<String, String> defaults = new TreeMap<>();
        SettingsLoader.defaults().forEach((key, value) -> defaults.put((String) key, ((String) value).trim()));
        assertEquals(defaults, documented);
    }
}
