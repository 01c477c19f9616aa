package dev.ticketing.payment;

import dev.ticketing.payment.outbox.Retention;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** payment-svc's outbox_event and processed_event do not grow forever, and the purge never takes what is still needed. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class RetentionTest extends PaymentTestBase {

    @Inject
    Retention retention;

    @Test
    void oldPublishedOutboxRowsAndOldProcessedIdsArePurgedTheRestStays() throws Exception {
        UUID oldPublished = outbox("now() - interval '8 days'");
        UUID oldUnpublished = outboxNeverRelayed("now() - interval '30 days'"); // must survive any age
        UUID recentPublished = outbox("now() - interval '1 day'");
        UUID oldProcessed = processed("now() - interval '15 days'");
        UUID youngProcessed = processed("now() - interval '8 days'"); // order-events (7 days) could still redeliver it
        int many = 5_001; // more than one delete batch
        exec("insert into processed_event (event_id, processed_at) select gen_random_uuid(), now() - interval '20 days'"
                + " from generate_series(1, " + many + ")");

        long[] purged = retention.purge();
        assertTrue(purged[0] >= 1 && purged[1] >= many + 1, "purged " + purged[0] + "/" + purged[1]);

        assertEquals(0, rows("outbox_event", "id", oldPublished));
        assertEquals(1, rows("outbox_event", "id", oldUnpublished));
        assertEquals(1, rows("outbox_event", "id", recentPublished));
        assertEquals(0, rows("processed_event", "event_id", oldProcessed));
        assertEquals(1, rows("processed_event", "event_id", youngProcessed));
        assertEquals(0, count("select count(*) from processed_event where processed_at < now() - interval '14 days'"
                + " and event_id::text <> ?", ""));
    }

    private UUID outbox(String at) throws Exception {
        return outboxRow(at, at);
    }

    private UUID outboxNeverRelayed(String at) throws Exception {
        return outboxRow(at, "null");
    }

    /** A probe row on a topic nobody reads (the relay may publish the unrelayed one there: it still must not go). */
    private UUID outboxRow(String occurredAt, String publishedAt) throws Exception {
        UUID id = UUID.randomUUID();
        exec("insert into outbox_event (id, topic, event_key, event_type, payload, occurred_at, published_at) values ('"
                + id + "', 'retention-probe', 'k', 'RetentionProbe', '{}'::jsonb, " + occurredAt + ", " + publishedAt + ")");
        return id;
    }

    private UUID processed(String at) throws Exception {
        UUID id = UUID.randomUUID();
        exec("insert into processed_event (event_id, processed_at) values ('" + id + "', " + at + ")");
        return id;
    }

    private void exec(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private int rows(String table, String column, UUID id) throws Exception {
        return count("select count(*) from " + table + " where " + column + " = ?::uuid", id.toString());
    }
}
