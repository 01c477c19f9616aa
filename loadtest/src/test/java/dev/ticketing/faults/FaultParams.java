package dev.ticketing.faults;

import dev.ticketing.loadtest.Params;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Fault-run parameters from system properties (loadtest/faults.sh passes them; defaults = the small run). */
record FaultParams(String baseUrl, int fans, int windowSeconds, int seats, int capacity, int seatsPerFan,
                   double declineShare, double slowShare, double abandonShare, int sessionTtlSeconds,
                   int maxQueueWaitSeconds, int orderWaitSeconds, int stepBudgetSeconds, int rounds, List<String> faults,
                   Path stateDir, Path repoRoot, int redisPort, String redisDir, String sandboxUrl, String kafkaBootstrap,
                   int kafkaDownSeconds, int poolExhaustSeconds, int chaosSeconds, int settleSeconds, int holdTtlSeconds,
                   int fuzzRequests, String fanPrefix, Path reportDir) {

    // late-capture early: the provider's late successes need fans ordering while it lasts.
    static final List<String> ALL_FAULTS = List.of("booking-svc", "late-capture", "payment-svc", "queue-svc",
            "search-svc", "auth-svc", "kafka", "redis", "booking-db-pool", "provider");

    static FaultParams fromSystem() {
        Path root = Path.of(str("repoRoot", "..")).toAbsolutePath().normalize();
        String faults = str("faults", "all");
        return new FaultParams(str("baseUrl", "http://127.0.0.1:8080").replaceAll("/+$", ""),
                num("fans", 150), num("windowSeconds", 200), num("seats", 100), num("capacity", 10),
                num("seatsPerFan", 2), dbl("declineShare", 0.1), dbl("slowShare", 0.1), dbl("abandonShare", 0.1),
                num("sessionTtlSeconds", 90), num("maxQueueWaitSeconds", 900), num("orderWaitSeconds", 300),
                num("stepBudgetSeconds", 150), num("rounds", 1),
                faults.equals("all") ? ALL_FAULTS : Arrays.asList(faults.split(",")),
                Path.of(str("stateDir", root.resolve(".devstack").toString())), root,
                num("redisPort", Integer.parseInt(env("TICKETING_REDIS_PORT", "6379"))), str("redisDir", ""),
                str("sandboxUrl", "http://127.0.0.1:8086"), str("kafkaBootstrap", "127.0.0.1:9092"),
                num("kafkaDownSeconds", 30), num("poolExhaustSeconds", 20), num("chaosSeconds", 40),
                num("settleSeconds", 120), num("holdTtlSeconds", 30), num("fuzzRequests", 10000),
                str("fanPrefix", "faultfan"), Path.of(str("reportDir", root.resolve("loadtest/target/faults").toString())));
    }

    static String str(String name, String dflt) {
        return Params.str(name, dflt);
    }

    static int num(String name, int dflt) {
        return Params.num(name, dflt);
    }

    static double dbl(String name, double dflt) {
        return Double.parseDouble(str(name, Double.toString(dflt)));
    }

    static String env(String name, String dflt) {
        return Params.env(name, dflt);
    }
}
