package dev.ticketing.engines;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The command line every engine main understands: {@code --key value} pairs. */
public record EngineArgs(Map<String, String> values) {

    public static EngineArgs parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return new EngineArgs(m);
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    public int intValue(String key) {
        return Integer.parseInt(get(key));
    }

    public Path path(String key) {
        return Path.of(get(key));
    }

    public long ownerPid() {
        return Long.parseLong(values.getOrDefault("owner-pid", "0"));
    }
}
