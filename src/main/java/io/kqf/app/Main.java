package io.kqf.app;

import io.kqf.config.Settings;
import io.kqf.config.SettingsLoader;

/** {@code java -jar kqf.jar [--config FILE]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = SettingsLoader.load(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("kqf: " + e.getMessage());
            System.exit(2);
            return;
        }
        Kqf kqf = Kqf.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(kqf::close, "kqf-shutdown"));
    }
}
