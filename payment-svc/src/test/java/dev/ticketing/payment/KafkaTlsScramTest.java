package dev.ticketing.payment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.payment.support.OrderEventsProducer;
import dev.ticketing.payment.support.PaymentEventsProbe;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.payment.support.ScramTlsKafkaTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * payment-svc against a broker set up like the cluster's: TLS with a PEM trust store, SCRAM-SHA-512 logins, and only
 * the ACLs k8s/kafka.yaml grants. Configured through the chart's variables, it consumes booking-svc's OrderPlaced and
 * publishes PaymentApproved; booking-svc's user cannot forge a payment event; a wrong password gets nowhere.
 */
@QuarkusTest
@WithTestResource(ScramTlsKafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class KafkaTlsScramTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String saslSslBootstrap;

    // Optional: every test class is a bean of every test application, and only this class' resource sets these.
    @ConfigProperty(name = "KAFKA_SSL_TRUSTSTORE_LOCATION")
    Optional<String> caFile;

    @ConfigProperty(name = "ticketing.test.kafka.admin-bootstrap")
    Optional<String> adminBootstrap;

    @Test
    void ordersArePaidOverTlsWithScramLoginsUnderTheClustersAcls() throws Exception {
        String orderId = "ord-" + UUID.randomUUID();
        try (PaymentEventsProbe events = new PaymentEventsProbe(adminBootstrap.orElseThrow());
             KafkaProducer<String, String> booking = producer("booking-svc", ScramTlsKafkaTestResource.jaas("booking-svc"))) {
            var placed = OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, "user-tls", 42_000, "tok_approve");
            booking.send(new ProducerRecord<>("order-events", orderId, JSON.writeValueAsString(placed)))
                    .get(30, TimeUnit.SECONDS);
            var approved = events.await(orderId, "PaymentApproved", Duration.ofSeconds(60));
            assertEquals(42_000, approved.get("amount").asLong());
        }
    }

    @Test
    void bookingSvcsUserCannotPublishPaymentEvents() throws Exception {
        try (KafkaProducer<String, String> booking = producer("booking-svc", ScramTlsKafkaTestResource.jaas("booking-svc"))) {
            String forged = "{\"type\":\"PaymentApproved\",\"orderId\":\"ord-forged\"}";
            ExecutionException e = assertThrows(ExecutionException.class, () -> booking
                    .send(new ProducerRecord<>("payment-events", "ord-forged", forged)).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        String jaas = ScramTlsKafkaTestResource.jaas("payment-svc").replaceFirst("password=\"[^\"]+\"", "password=\"guess\"");
        try (KafkaProducer<String, String> intruder = producer("payment-svc", jaas)) {
            Exception e = assertThrows(Exception.class, () -> intruder
                    .send(new ProducerRecord<>("payment-events", "ord-x", "{}")).get(30, TimeUnit.SECONDS));
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            assertInstanceOf(SaslAuthenticationException.class, cause, e.toString());
        }
    }

    /** A client as a service is configured in the cluster: SASL_SSL, SCRAM-SHA-512, the CA as a PEM trust store. */
    private KafkaProducer<String, String> producer(String user, String jaas) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, saslSslBootstrap);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caFile.orElseThrow());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, user + "-test");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(config);
    }
}
