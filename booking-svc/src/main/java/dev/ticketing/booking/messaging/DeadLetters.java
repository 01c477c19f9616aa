package dev.ticketing.booking.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;

/**
 * The dead-letter topic of the batch consumer, which cannot nack one record of a batch: records that can never be
 * applied are sent here with the headers SmallRye's {@code dead-letter-queue} strategy writes for single-record
 * consumers (reason, source topic, partition, offset), and the send is awaited before the batch is acknowledged.
 */
@ApplicationScoped
public class DeadLetters {

    private final MutinyEmitter<String> dlq;
    private final MeterRegistry metrics;

    public DeadLetters(@Channel("payment-events-dlq") MutinyEmitter<String> dlq, MeterRegistry metrics) {
        this.dlq = dlq;
        this.metrics = metrics;
    }

    public void send(String channel, ConsumerRecord<String, String> record, String reason) {
        Log.warnf("%s record %s-%d@%d to the dead-letter topic: %s", channel, record.topic(), record.partition(),
                record.offset(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build();
        dlq.sendMessageAndAwait(Message.of(record.value() == null ? "" : record.value()).addMetadata(metadata));
        metrics.counter("ticketing.events.dead.lettered", "channel", channel).increment();
    }
}
