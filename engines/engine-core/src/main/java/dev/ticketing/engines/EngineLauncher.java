package dev.ticketing.engines;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Starts engine JVMs from the classpaths the engine modules resolved at build time, waits until they are ready and
 * ties their life to an owner process. Used by the Quarkus test resources and by the local stack alike.
 */
public final class EngineLauncher {

    private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(
            Long.getLong("ticketing.engines.ready-timeout-seconds", 300));

    private final Path repoRoot;

    public EngineLauncher(Path repoRoot) {
        this.repoRoot = repoRoot.toAbsolutePath().normalize();
    }

    /** The repository root from {@code -Dticketing.repo.root}, else the nearest ancestor holding {@code engines/}. */
    public static EngineLauncher fromEnvironment() {
        String prop = System.getProperty("ticketing.repo.root", System.getenv("TICKETING_REPO_ROOT"));
        if (prop != null && Files.isDirectory(Path.of(prop, "engines"))) {
            return new EngineLauncher(Path.of(prop));
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("engines/engine-core"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (set -Dticketing.repo.root)");
        }
        return new EngineLauncher(dir);
    }

    public Path repoRoot() {
        return repoRoot;
    }

    /**
     * Starts an engine. {@code port} 0 picks free ports. The engine exits by itself when {@code owner} does.
     * Restarting on an existing {@code dataDir} keeps its data (topics and offsets, indices and documents).
     */
    public RunningEngine start(Engine engine, Path dataDir, int port, ProcessHandle owner) {
        return start(engine, dataDir, port, freePort(), List.of(), owner);
    }

    /** As {@link #start(Engine, Path, int, ProcessHandle)} with the second port and extra engine arguments given. */
    public RunningEngine start(Engine engine, Path dataDir, int port, int secondPort, List<String> extraArgs,
                               ProcessHandle owner) {
        try {
            Files.createDirectories(dataDir);
            Path readyFile = dataDir.resolve("ready.properties");
            Files.deleteIfExists(readyFile);
            Path logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");

            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(engine.jvmOptions);
            cmd.add("-cp");
            cmd.add(classpath(engine));
            cmd.add(engine.mainClass);
            cmd.addAll(List.of("--data-dir", dataDir.toString(), "--ready-file", readyFile.toString(),
                    "--owner-pid", Long.toString(owner.pid()),
                    "--port", Integer.toString(port == 0 ? freePort() : port),
                    "--second-port", Integer.toString(secondPort)));
            cmd.addAll(engine.engineArgs);
            cmd.addAll(extraArgs);

            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return awaitReady(engine, p, readyFile, dataDir, logFile, DEFAULT_READY_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + engine.id, e);
        }
    }

    /**
     * One engine per build: the first caller under a given owner (the Maven JVM running this build, found among the
     * caller's ancestors) starts it in {@code target/engines/}, later test JVMs of the same build reuse it, and it
     * exits with the build. A file lock keeps two JVMs from starting two.
     */
    public RunningEngine shared(Engine engine) {
        ProcessHandle owner = BuildOwner.find();
        Path stateDir = repoRoot.resolve("target/engines");
        try {
            Files.createDirectories(stateDir);
            try (RandomAccessFile raf = new RandomAccessFile(stateDir.resolve(engine.id + ".lock").toFile(), "rw");
                 FileChannel ch = raf.getChannel();
                 FileLock ignored = ch.lock()) {
                removeLeftoversOfEndedBuilds(engine, stateDir);
                // Keyed by owner: two builds side by side (two checkouts' worth of work) never fight over one file.
                Path state = stateDir.resolve(engine.id + "-" + owner.pid() + ".properties");
                Optional<RunningEngine> existing = ReadyFile.read(state)
                        .filter(p -> Long.toString(owner.pid()).equals(p.getProperty("owner")))
                        .map(p -> fromState(engine, p))
                        .filter(RunningEngine::alive);
                if (existing.isPresent()) {
                    return existing.get();
                }
                Path dataDir = stateDir.resolve(engine.id + "-" + owner.pid());
                deleteTree(dataDir);
                RunningEngine started = start(engine, dataDir, 0, owner);
                ReadyFile.write(state, Map.of("owner", Long.toString(owner.pid()),
                        "pid", Long.toString(started.pid()), "address", started.address(),
                        "dataDir", started.dataDir().toString(), "logFile", started.logFile().toString()));
                return started;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeLeftoversOfEndedBuilds(Engine engine, Path stateDir) throws IOException {
        String prefix = engine.id + "-";
        try (Stream<Path> files = Files.list(stateDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                String pid = name.substring(prefix.length()).replaceFirst("\\..*$", "");
                if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true)) {
                    deleteTree(f);
                }
            }
        }
    }

    private static RunningEngine fromState(Engine engine, Properties p) {
        return new RunningEngine(engine, Long.parseLong(p.getProperty("pid")), p.getProperty("address"),
                Path.of(p.getProperty("dataDir")), Path.of(p.getProperty("logFile")));
    }

    private String classpath(Engine engine) throws IOException {
        Path module = repoRoot.resolve(engine.module);
        Path cpFile = module.resolve("target/engine.classpath");
        Path classes = module.resolve("target/classes");
        if (!Files.isRegularFile(cpFile) || !Files.isDirectory(classes)) {
            throw new IllegalStateException(engine.module + " is not built: run ./mvnw -pl " + engine.module
                    + " -am package (the build writes " + cpFile + ")");
        }
        return classes + java.io.File.pathSeparator + Files.readString(cpFile).trim();
    }

    private static RunningEngine awaitReady(Engine engine, Process p, Path readyFile, Path dataDir, Path logFile,
                                            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Properties> ready = ReadyFile.read(readyFile);
            if (ready.isPresent()) {
                return new RunningEngine(engine, p.pid(), ready.get().getProperty(engine.addressKey), dataDir, logFile);
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(engine.id + " exited with " + p.exitValue() + " before it was ready:\n"
                        + tail(logFile, 40));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + engine.id);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException(engine.id + " not ready after " + timeout.toSeconds() + " s:\n" + tail(logFile, 40));
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        // A dying engine may still be writing its files: retry a few times, and leave what will not go (it is only
        // disk space in target/, and a later build retries).
        for (int attempt = 0; attempt < 5; attempt++) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (IOException | java.io.UncheckedIOException stillChanging) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
