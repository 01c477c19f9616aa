package dev.ticketing.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/node/validate-manifests.mjs (npm kubernetes-models: the Kubernetes OpenAPI schemas, and the CRD
 * schemas of prometheus-operator, Gateway API, Envoy Gateway, Strimzi and CloudNativePG; unknown fields are caught
 * through the packages' TypeScript declarations; the OpenSearch operator's CRDs, which have no npm model, are vendored
 * under src/test/resources/crds/ and checked with ajv, unknown fields refused) over rendered files. Installs the pinned
 * npm packages (package-lock.json) on first use; without node on the PATH the schema tests are skipped with a message
 * instead of failing.
 */
final class SchemaValidator {

    record Result(int exitCode, String output) {
    }

    private SchemaValidator() {
    }

    static Path moduleDir() {
        return Path.of(System.getProperty("ticketing.node.dir", ".")).toAbsolutePath().normalize();
    }

    static Result validate(boolean allowUnknownKinds, List<Path> files) {
        ensureNodeModules();
        List<String> command = new ArrayList<>(List.of("node", "src/test/node/validate-manifests.mjs"));
        if (allowUnknownKinds) {
            command.add("--allow-unknown-kinds");
        }
        files.forEach(f -> command.add(f.toString()));
        return run(command, 120);
    }

    private static synchronized void ensureNodeModules() {
        Assumptions.assumeTrue(onPath("node"),
                "node is not installed: skipping the Kubernetes schema validation (install Node.js >= 20 to run it)");
        // Every pinned package must be there: an older node_modules lacking one is brought up to package-lock.json.
        List<Path> markers = java.util.stream.Stream.of("kubernetes-models", "@kubernetes-models/gateway-api",
                "@kubernetes-models/envoy-gateway", "@kubernetes-models/strimzi-kafka-operator",
                "@kubernetes-models/cloudnative-pg", "@kubernetes-models/prometheus-operator", "ajv", "typescript")
                .map(p -> moduleDir().resolve("node_modules/" + p + "/package.json")).toList();
        if (markers.stream().allMatch(Files::exists)) {
            return;
        }
        Assumptions.assumeTrue(onPath("npm"),
                "npm is not installed: cannot install kubernetes-models, skipping the schema validation");
        Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        if (install.exitCode() != 0 || !markers.stream().allMatch(Files::exists)) {
            throw new AssertionError("npm ci failed in " + moduleDir() + ":\n" + install.output());
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Result run(List<String> command, long timeoutSeconds) {
        try {
            Path log = Files.createTempFile("deploy-tests-", ".log");
            Process p = new ProcessBuilder(command).directory(moduleDir().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }
}
