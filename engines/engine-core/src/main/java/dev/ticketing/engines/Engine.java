package dev.ticketing.engines;

import java.util.List;

/** The engines we run as their own JVMs, and how to launch each. */
public enum Engine {
    KAFKA("kafka", "engines/kafka-broker", "dev.ticketing.engines.kafka.KafkaBrokerMain",
            List.of("-Xms128m", "-Xmx512m", "-Dlog4j2.configurationFile=classpath:kafka-broker-log4j2.xml"),
            "bootstrap", List.of()),
    OPENSEARCH("opensearch", "engines/opensearch-node", "dev.ticketing.engines.opensearch.OpenSearchNodeMain",
            List.of("-Xms256m", "-Xmx512m", "-Dopensearch.set.netty.runtime.available.processors=false",
                    "-Dlog4j2.disable.jmx=true", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=classpath:opensearch-node-log4j2.xml"),
            "url", List.of()),
    /** Fallback PostgreSQL + Redis for the local stack when none is running. */
    STORES("stores", "engines/embedded-stores", "dev.ticketing.engines.stores.EmbeddedStoresMain",
            List.of("-Xmx128m"), "address", List.of()),
    /** The tests' fallback when no PostgreSQL answers on the configured port: one per build, like Kafka. */
    EMBEDDED_POSTGRES("embedded-postgres", "engines/embedded-stores", "dev.ticketing.engines.stores.EmbeddedStoresMain",
            List.of("-Xmx128m"), "postgres", List.of("--only", "postgres")),
    /** The tests' fallback when no Redis answers on the configured port. */
    EMBEDDED_REDIS("embedded-redis", "engines/embedded-stores", "dev.ticketing.engines.stores.EmbeddedStoresMain",
            List.of("-Xmx64m"), "redis", List.of("--only", "redis"));

    /** Short name: state files, log files, data directories. */
    public final String id;
    /** Module directory (relative to the repository root) that resolved this engine's classpath. */
    public final String module;
    public final String mainClass;
    public final List<String> jvmOptions;
    /** Key under which the engine main reports its client address in the ready file. */
    public final String addressKey;
    /** Arguments the engine main always gets (after the common ones). */
    public final List<String> engineArgs;

    Engine(String id, String module, String mainClass, List<String> jvmOptions, String addressKey,
           List<String> engineArgs) {
        this.id = id;
        this.module = module;
        this.mainClass = mainClass;
        this.jvmOptions = jvmOptions;
        this.addressKey = addressKey;
        this.engineArgs = engineArgs;
    }
}
