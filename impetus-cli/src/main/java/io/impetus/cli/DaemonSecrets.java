package io.impetus.cli;

import io.impetus.core.config.SettingsResolver;
import io.impetus.core.security.SigningKey;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Keeps secrets off a daemon's command line and out of its environment: {@code start} takes the
 * secret options ({@code -a/--authkey}, {@code --uri}, the scaler's {@code -u/--dauthkey}) out of
 * the arguments and the secret variables ({@code IMPETUS_AUTHKEY}, {@code IMPETUS_RABBITMQ_URI},
 * {@code IMPETUS_SIGNING_KEY}, {@code IMPETUS_STORE})
 * out of the environment it hands on, and writes them to a file only its user can read; the
 * daemon reads that file at start and deletes it. So {@code ps}, {@code /proc/<pid>/cmdline} and
 * {@code /proc/<pid>/environ} of the daemon hold none.
 */
final class DaemonSecrets {
    /**
     * Options whose value is a secret (in any daemon: {@code -u} is the scaler's endpoint key and
     * the node's unused one; {@code --store} is a JDBC URL that may hold a database password); the short ones may be glued to their value. Each is handed over under
     * the name it was given by, and set again through that name.
     */
    static final List<String> OPTIONS = List.of("--authkey", "-a", "--qauthkey", "--uri", "--dauthkey", "-u",
            "--signing-key", "--store");
    /** Environment variables that hold a secret, and the option each becomes ({@code -a} is the broker password everywhere). */
    static final Map<String, String> ENV = Map.of(SettingsResolver.ENV_AUTHKEY, "-a", SettingsResolver.ENV_URI, "--uri",
            SigningKey.ENV, "--signing-key", "IMPETUS_STORE", "--store");

    private DaemonSecrets() {
    }

    /** The arguments without their secrets; the secrets (option name to value) go into {@code secrets}. */
    static List<String> strip(List<String> args, Map<String, String> secrets) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String matched = null;
            String value = null;
            for (String n : OPTIONS) {
                if (a.equals(n) && i + 1 < args.size()) {
                    matched = n;
                    value = args.get(++i);
                } else if (a.startsWith(n + "=")) {
                    matched = n;
                    value = a.substring(n.length() + 1);
                } else if (n.length() == 2 && a.startsWith(n) && a.length() > 2 && !a.startsWith("--")) {
                    matched = n;
                    value = a.substring(2);
                }
                if (matched != null) {
                    break;
                }
            }
            if (matched != null) {
                secrets.put(matched, value);
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** Moves the secret variables of {@code env} into {@code secrets} (an option given on the command line wins). */
    static void takeFromEnvironment(Map<String, String> env, Map<String, String> secrets) {
        for (Map.Entry<String, String> e : ENV.entrySet()) {
            String v = env.remove(e.getKey());
            boolean given = secrets.containsKey(e.getValue()) || (e.getValue().equals("-a")
                    && (secrets.containsKey("--authkey") || secrets.containsKey("--qauthkey")));
            if (v != null && !v.isBlank() && !given) {
                secrets.put(e.getValue(), v);
            }
        }
    }

    /** Writes {@code secrets} to a new file readable only by this user. */
    static Path write(Path dir, String name, Map<String, String> secrets) throws IOException {
        Path file = dir.resolve(name + ".secrets");
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Properties p = new Properties();
        p.putAll(secrets);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "secrets for one daemon start; deleted when read");
        }
        return file;
    }

    /** Reads and deletes the file {@code start} wrote: option name to value. */
    static Map<String, String> readAndDelete(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } finally {
            Files.deleteIfExists(file);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (OPTIONS.contains(k)) {
                out.put(k, p.getProperty(k));
            }
        }
        return out;
    }
}
