package dev.ticketing.loadtest;

/**
 * Scenario parameters, from system properties (the pom passes -Dname=value through; defaults = the default preset).
 * {@code opensInSeconds} > 0 schedules the room's opening that many seconds after the fans start arriving: those who
 * come earlier wait in the pre-queue and are drawn at the opening.
 */
public record Params(String baseUrl, int users, int windowSeconds, int seats, int capacity, int seatsPerFan,
                    double declineShare, int sessionTtlSeconds, int maxQueueWaitSeconds, int signupParallelism,
                    String fanPrefix, String runFile, String adminEmail, String adminPassword, int opensInSeconds) {

    public static Params fromSystem() {
        return new Params(
                str("baseUrl", "http://127.0.0.1:8080").replaceAll("/+$", ""),
                num("users", 2000), num("windowSeconds", 30), num("seats", 200), num("capacity", 50),
                num("seatsPerFan", 2), Double.parseDouble(str("declineShare", "0.1")),
                num("sessionTtlSeconds", 120), num("maxQueueWaitSeconds", 900), num("signupParallelism", 4),
                str("fanPrefix", "fan"), str("runFile", "target/loadtest/run.json"),
                env("TICKETING_ADMIN_EMAIL", "admin@ticketing.local"),
                adminPasswordFromEnvOrStack(), num("opensInSeconds", 0));
    }

    /**
     * TICKETING_ADMIN_PASSWORD, else the password the local stack generated on its first run
     * ({@code .devstack/admin-password} under {@code -DrepoRoot}, default the parent of the working directory).
     */
    public static String adminPasswordFromEnvOrStack() {
        String given = System.getenv("TICKETING_ADMIN_PASSWORD");
        if (given != null && !given.isBlank()) {
            return given;
        }
        java.nio.file.Path file = java.nio.file.Path.of(str("repoRoot", "..")).resolve(".devstack/admin-password");
        try {
            return java.nio.file.Files.readString(file).strip();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no admin password: set TICKETING_ADMIN_PASSWORD, or run the local stack "
                    + "once (./ticketing up writes " + file.toAbsolutePath().normalize() + ")");
        }
    }

    @Override
    public String toString() { // without the admin password
        return "baseUrl=" + baseUrl + " users=" + users + " windowSeconds=" + windowSeconds + " seats=" + seats
                + " capacity=" + capacity + " seatsPerFan=" + seatsPerFan + " declineShare=" + declineShare
                + " sessionTtlSeconds=" + sessionTtlSeconds + " maxQueueWaitSeconds=" + maxQueueWaitSeconds
                + " fanPrefix=" + fanPrefix + " runFile=" + runFile + " opensInSeconds=" + opensInSeconds;
    }

    public String wsBaseUrl() {
        return baseUrl.replaceFirst("^http", "ws");
    }

    public static String str(String name, String dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    public static int num(String name, int dflt) {
        return Integer.parseInt(str(name, Integer.toString(dflt)));
    }

    public static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
