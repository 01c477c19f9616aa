package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
import dev.ticketing.engines.EngineLauncher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a service at a real Kafka broker: {@code TICKETING_KAFKA_BOOTSTRAP} if given, otherwise the broker shared by
 * this build (started by the first test JVM that needs it, stopped when the build ends).
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    public static String bootstrap() {
        String given = System.getenv("TICKETING_KAFKA_BOOTSTRAP");
        if (given != null && !given.isBlank()) {
            return given;
        }
        return EngineLauncher.fromEnvironment().shared(Engine.KAFKA).address();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrap());
    }

    @Override
    public void stop() {
        // shared engine: its owner (the build) stops it
    }
}
