package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
import dev.ticketing.engines.EngineLauncher;
import dev.ticketing.engines.RunningEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engines the whole project stands on: a clean stop, and a restart on the same data directory that keeps what
 * was acknowledged (Kafka records and committed offsets, OpenSearch documents). Not shared engines: own data dirs.
 */
class EngineLifecycleTest {

    private final EngineLauncher launcher = EngineLauncher.fromEnvironment();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void kafkaRestartKeepsRecordsAndCommittedOffsets(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        RunningEngine first = launcher.start(Engine.KAFKA, data, 0, ProcessHandle.current());
        try (var producer = producer(first.address())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("restart-probe", "k", "v" + i)).get();
            }
        }
        assertEquals(List.of("v0", "v1"), consume(first.address(), 2)); // commits offset 2
        first.stop(Duration.ofSeconds(60));
        assertFalse(first.alive(), "a clean stop ends the broker JVM");

        RunningEngine second = launcher.start(Engine.KAFKA, data, 0, ProcessHandle.current());
        try {
            assertEquals(List.of("v2"), consume(second.address(), 1), "resumes after the committed offset");
        } finally {
            second.stop(Duration.ofSeconds(60));
        }
    }

    @Test
    void openSearchRestartKeepsDocuments(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("opensearch");
        RunningEngine first = launcher.start(Engine.OPENSEARCH, data, 0, ProcessHandle.current());
        send(first, "PUT", "/restart-probe", "{}");
        send(first, "PUT", "/restart-probe/_doc/1?refresh=true", "{\"title\":\"아이유콘서트\"}");
        first.stop(Duration.ofSeconds(60));
        assertFalse(first.alive());

        RunningEngine second = launcher.start(Engine.OPENSEARCH, data, 0, ProcessHandle.current());
        try {
            HttpResponse<String> doc = send(second, "GET", "/restart-probe/_doc/1", null);
            assertEquals(200, doc.statusCode(), doc.body());
            assertTrue(doc.body().contains("아이유콘서트"), doc.body());
        } finally {
            second.stop(Duration.ofSeconds(60));
        }
    }

    private HttpResponse<String> send(RunningEngine os, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(os.address() + path))
                .header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        // After a restart the index is recovering: ask until its shard is back.
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() < 500) {
                return r;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(method + " " + path + " kept failing");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static List<String> consume(String bootstrap, int n) {
        List<String> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-probe",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, n,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of("restart-probe"));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
            }
            consumer.commitSync();
        }
        return out;
    }
}
