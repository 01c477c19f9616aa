package dev.ticketing.engines;

import java.util.Optional;

/**
 * The process whose life bounds a shared engine: the Maven JVM running this build when there is one among our
 * ancestors (so every module's test JVM shares one broker and one node, stopped when the build ends however it
 * ends), otherwise this JVM itself. {@code -Dticketing.engines.owner-pid} overrides.
 */
final class BuildOwner {
    private BuildOwner() {
    }

    static ProcessHandle find() {
        String explicit = System.getProperty("ticketing.engines.owner-pid", System.getenv("TICKETING_ENGINES_OWNER_PID"));
        if (explicit != null && !explicit.isBlank()) {
            return ProcessHandle.of(Long.parseLong(explicit.trim()))
                    .orElseThrow(() -> new IllegalStateException("owner process " + explicit + " does not exist"));
        }
        Optional<ProcessHandle> p = ProcessHandle.current().parent();
        while (p.isPresent()) {
            String cmd = p.get().info().commandLine().orElse("");
            if (cmd.contains("org.codehaus.plexus.classworlds.launcher.Launcher")) {
                return p.get();
            }
            p = p.get().parent();
        }
        return ProcessHandle.current();
    }
}
