package dev.ticketing.booking;

import dev.ticketing.booking.outbox.Retention;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** outbox_event and processed_event do not grow forever, and the purge never takes what is still needed. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class RetentionTest {

    @Inject
    AgroalDataSource db;
    @Inject
    Retention retention;

    @Test
    void oldPublishedOutboxRowsAndOldProcessedIdsArePurgedTheRestStays() throws SQLException {
        UUID oldPublished = outbox("now() - interval '8 days'", "now() - interval '8 days'");
        UUID oldUnpublished = outbox("now() - interval '30 days'", null); // never relayed: must survive any age
        UUID recentPublished = outbox("now() - interval '1 day'", "now() - interval '1 day'");
        UUID oldProcessed = processed("now() - interval '15 days'");
        UUID youngProcessed = processed("now() - interval '8 days'"); // a 7-day topic could still redeliver it
        int many = 5_001; // more than one delete batch, so the loop is exercised
        exec("insert into processed_event (event_id, processed_at) select gen_random_uuid(), now() - interval '20 days'"
                + " from generate_series(1, " + many + ")");

        long[] purged = retention.purge();
        assertTrue(purged[0] >= 1 && purged[1] >= many + 1, "purged " + purged[0] + "/" + purged[1]);

        assertFalse(exists("outbox_event", "id", oldPublished));
        assertTrue(exists("outbox_event", "id", oldUnpublished));
        assertTrue(exists("outbox_event", "id", recentPublished));
        assertFalse(exists("processed_event", "event_id", oldProcessed));
        assertTrue(exists("processed_event", "event_id", youngProcessed));
        assertEquals(0, count("select count(*) from processed_event where processed_at < now() - interval '14 days'"));
    }


    private UUID outbox(String occurredAt, String publishedAt) throws SQLException {
        UUID id = UUID.randomUUID();
        exec("insert into outbox_event (id, topic, event_key, event_type, payload, occurred_at, published_at) values ('"
                + id + "', 'retention-probe', 'k', 'RetentionProbe', '{}'::jsonb, " + occurredAt + ", "
                + (publishedAt == null ? "null" : publishedAt) + ")");
        return id;
    }

    private UUID processed(String at) throws SQLException {
        UUID id = UUID.randomUUID();
        exec("insert into processed_event (event_id, processed_at) values ('" + id + "', " + at + ")");
        return id;
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private boolean exists(String table, String column, UUID id) throws SQLException {
        return count("select count(*) from " + table + " where " + column + " = '" + id + "'") == 1;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
