package dev.ticketing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scraping, alerts and the dashboard use the metric names the services register (Micrometer, Prometheus naming). */
class ObservabilityTest {

    @Test
    void serviceMonitorScrapesQuarkusMetricsOfEveryService() {
        Chart.Rendered r = Chart.defaults();
        JsonNode sm = r.get("ServiceMonitor", "ticketing");
        JsonNode endpoint = sm.path("spec").path("endpoints").get(0);
        assertEquals("/q/metrics", endpoint.path("path").asText());
        assertEquals("http", endpoint.path("port").asText());
        JsonNode selector = sm.path("spec").path("selector").path("matchLabels");
        for (String svc : Chart.SERVICES) {
            JsonNode labels = r.get("Service", Chart.svcName(svc)).path("metadata").path("labels");
            selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                    svc + " is selected by the ServiceMonitor"));
        }
        assertEquals("kube-prometheus-stack",
                Chart.allOptions().get("ServiceMonitor", "ticketing").path("metadata").path("labels").path("release").asText());
    }

    @Test
    void alertsCoverAdmissionStallsPaymentFailuresAndConsumerLag() {
        JsonNode rule = Chart.defaults().get("PrometheusRule", "ticketing");
        Map<String, JsonNode> alerts = new HashMap<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                alerts.put(r.path("alert").asText(), r);
            }
        }
        JsonNode stalled = alerts.get("TicketingQueueAdmissionStalled");
        assertNotNull(stalled, alerts.keySet().toString());
        assertTrue(stalled.path("expr").asText().contains("queue_waiting_size"));
        assertTrue(stalled.path("expr").asText().contains("rate(queue_admits_total"));
        assertEquals("2m", stalled.path("for").asText());

        JsonNode payment = alerts.get("TicketingPaymentFailureRateHigh");
        assertNotNull(payment);
        assertTrue(payment.path("expr").asText().contains("payment_outcomes_total"));
        assertTrue(payment.path("expr").asText().contains("> 0.2"), payment.path("expr").asText());
        assertTrue(payment.path("expr").asText().contains("[5m]"));

        JsonNode lag = alerts.get("TicketingKafkaConsumerLagHigh");
        assertNotNull(lag);
        assertTrue(lag.path("expr").asText().contains("kafka_consumer_fetch_manager_records_lag_max"));

        // Consumers: a failed channel, a lag that keeps growing, records dead-lettered, a consumer waiting on its store.
        JsonNode stopped = alerts.get("TicketingKafkaConsumerStopped");
        assertNotNull(stopped, alerts.keySet().toString());
        assertTrue(stopped.path("expr").asText().contains("ticketing_messaging_channel_alive"), stopped.toString());
        assertTrue(stopped.path("expr").asText().contains("== 0"), stopped.toString());
        assertEquals("critical", stopped.path("labels").path("severity").asText());
        assertEquals("1m", stopped.path("for").asText());

        JsonNode growing = alerts.get("TicketingKafkaConsumerLagGrowing");
        assertNotNull(growing, alerts.keySet().toString());
        assertTrue(growing.path("expr").asText().contains("deriv(kafka_consumer_fetch_manager_records_lag_max"), growing.toString());
        assertTrue(growing.path("expr").asText().contains("[10m]"), growing.toString());
        assertEquals("10m", growing.path("for").asText());

        JsonNode deadLettered = alerts.get("TicketingEventsDeadLettered");
        assertNotNull(deadLettered, alerts.keySet().toString());
        assertTrue(deadLettered.path("expr").asText().contains("increase(ticketing_events_dead_lettered_total"),
                deadLettered.toString());
        assertTrue(deadLettered.path("expr").asText().contains("[15m]"), deadLettered.toString());
        assertTrue(deadLettered.path("annotations").path("description").asText().contains(".dlq"), deadLettered.toString());
        assertTrue(deadLettered.path("annotations").path("description").asText().contains("dead-letter-reason"),
                deadLettered.toString());

        JsonNode waiting = alerts.get("TicketingConsumerWaitingOnStore");
        assertNotNull(waiting, alerts.keySet().toString());
        assertTrue(waiting.path("expr").asText().contains("rate(ticketing_events_retries_total"), waiting.toString());
        assertEquals("5m", waiting.path("for").asText());

        for (JsonNode a : alerts.values()) {
            assertTrue(a.path("expr").asText().contains("namespace=\"" + Chart.NAMESPACE + "\""), a.path("alert").asText());
            assertTrue(a.path("labels").has("severity"), a.path("alert").asText());
            assertTrue(a.path("annotations").has("summary"), a.path("alert").asText());
        }
    }

    @Test
    void dashboardIsValidJsonInALabelledConfigMap() throws Exception {
        JsonNode cm = Chart.defaults().get("ConfigMap", "ticketing-grafana-dashboard");
        assertEquals("1", cm.path("metadata").path("labels").path("grafana_dashboard").asText());
        JsonNode dashboard = new ObjectMapper().readTree(cm.path("data").path("ticketing.json").asText());
        assertEquals("ticketing-overview", dashboard.path("uid").asText());
        String exprs = dashboard.path("panels").findValues("expr").toString();
        for (String metric : new String[] {"queue_waiting_size", "queue_admits_total", "booking_holds_total",
                "payment_outcomes_total", "kafka_consumer_fetch_manager_records_lag_max",
                "ticketing_messaging_channel_alive", "ticketing_events_dead_lettered_total"}) {
            assertTrue(exprs.contains(metric), "dashboard shows " + metric);
        }
    }

    /** Traces are exported only where a collector is given; trace ids propagate either way (the services' default). */
    @Test
    void tracesGoToTheCollectorGivenInValues() {
        JsonNode plain = Chart.defaults().get("ConfigMap", "ticketing-config").path("data");
        assertTrue(plain.path("TICKETING_OTLP_ENDPOINT").isMissingNode(), "no collector, no exporter settings");
        JsonNode traced = Chart.render("tracing", t -> t.set("image.registry", Chart.REGISTRY)
                        .set("config.tracing.otlpEndpoint", "http://otel-collector.monitoring:4317"))
                .get("ConfigMap", "ticketing-config").path("data");
        assertEquals("http://otel-collector.monitoring:4317", traced.path("TICKETING_OTLP_ENDPOINT").asText());
        assertEquals("parentbased_traceidratio", traced.path("TICKETING_OTEL_SAMPLER").asText());
        assertEquals("0.1", traced.path("TICKETING_OTEL_SAMPLER_RATIO").asText(), "values.yaml's ratio");
    }
}
