package dev.ticketing.faults;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One fan through the on-sale while faults are injected (the load test's scenario, with the retries a real client
 * makes): search, enter the room, wait (polling) until admitted, read the seat map, hold (another pick on 409), then
 * order and wait for a final state, or walk away with the hold (its TTL must release it). Returns the outcome.
 */
final class FanJourney {

    private final Http http;
    private final String email;
    private final String password;
    private final String performanceId;
    private final String showtimeId;
    private final String searchWord;
    private final FaultParams p;
    private String token;
    private int reentries;

    FanJourney(Http http, String email, String password, String token, String performanceId, String showtimeId,
               String searchWord, FaultParams p) {
        this.http = http;
        this.email = email;
        this.password = password;
        this.token = token;
        this.performanceId = performanceId;
        this.showtimeId = showtimeId;
        this.searchWord = searchWord;
        this.p = p;
    }

    int reentries() {
        return reentries;
    }

    String run() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Http.Answer s = call("GET", "/api/search/performances?q=" + URLEncoder.encode(searchWord, StandardCharsets.UTF_8), null, Map.of());
        if (s.status() != 200) {
            return "searchFailed:" + s.status();
        }
        String room = "/api/queues/" + performanceId + "/entries";
        Http.Answer e = call("POST", room, null, Map.of());
        for (int i = 0; e.status() == 404 && i < 60; i++) { // the room opens once queue-svc has the performance event
            Http.sleep(1000);
            e = call("POST", room, null, Map.of());
        }
        if (e.status() != 200 && e.status() != 201) {
            return "enterFailed:" + e.status();
        }
        String admission = e.json().path("admissionToken").asText(null);
        long waitUntil = System.currentTimeMillis() + p.maxQueueWaitSeconds() * 1000L;
        while (admission == null) {
            if (System.currentTimeMillis() > waitUntil) {
                return "notAdmitted";
            }
            Http.sleep(1000);
            Http.Answer me = call("GET", room + "/me", null, Map.of());
            if (me.status() == 404) { // the place is gone (session expired, or lost with Redis): back of the line
                reentries++;
                Http.Answer again = call("POST", room, null, Map.of());
                if (again.status() != 200 && again.status() != 201) {
                    return "enterFailed:" + again.status();
                }
                admission = again.json().path("admissionToken").asText(null);
            } else if (me.status() == 200) {
                admission = me.json().path("admissionToken").asText(null);
            } else {
                return "waitFailed:" + me.status();
            }
        }
        Map<String, String> admitted = Map.of("X-Admission-Token", admission);

        String holdId = null;
        for (int attempt = 0; attempt < 5 && holdId == null; attempt++) {
            List<String> available = available();
            if (available.isEmpty()) {
                leave();
                return "soldOut";
            }
            Collections.shuffle(available, rnd);
            List<String> pick = available.subList(0, Math.min(available.size(), 1 + rnd.nextInt(p.seatsPerFan())));
            String body = "{\"seatIds\":[" + String.join(",", pick.stream().map(id -> "\"" + id + "\"").toList()) + "]}";
            Http.Answer h = call("POST", "/api/showtimes/" + showtimeId + "/holds", body, admitted);
            if (h.status() == 201) {
                holdId = h.json().path("holdId").asText();
            } else if (h.status() != 409) {
                leave();
                return "holdFailed:" + h.status();
            }
        }
        if (holdId == null) {
            leave();
            return "holdConflicts";
        }
        if (rnd.nextDouble() < p.abandonShare()) {
            return "walkedAwayWithHold"; // no order, no leave: the hold's TTL and the room session's TTL clean up
        }
        double r = rnd.nextDouble();
        String card = r < p.declineShare() ? "tok_decline" : r < p.declineShare() + p.slowShare() ? "tok_slow" : "tok_approve";
        // Placing the same hold again returns the same order, so retrying a lost answer is safe.
        Http.Answer o = call("POST", "/api/orders", "{\"holdId\":\"" + holdId + "\",\"paymentToken\":\"" + card + "\"}", admitted);
        if (o.status() != 202 && o.status() != 200 && o.status() != 201) {
            leave();
            return "orderRefused:" + o.status();
        }
        String orderId = o.json().path("orderId").asText();
        String status = "PENDING";
        long until = System.currentTimeMillis() + p.orderWaitSeconds() * 1000L;
        while ("PENDING".equals(status) && System.currentTimeMillis() < until) {
            Http.sleep(1000);
            Http.Answer st = call("GET", "/api/orders/" + orderId, null, Map.of());
            if (st.status() == 200) {
                status = st.json().path("status").asText();
            }
        }
        if (!"CONFIRMED".equals(status)) {
            leave();
        }
        return "order" + status;
    }

    private List<String> available() {
        Http.Answer m = call("GET", "/api/showtimes/" + showtimeId + "/seats", null, Map.of());
        List<String> ids = new ArrayList<>();
        for (JsonNode seat : m.json().path("seats")) {
            if ("AVAILABLE".equals(seat.path("status").asText())) {
                ids.add(seat.path("id").asText());
            }
        }
        return ids;
    }

    private void leave() {
        call("DELETE", "/api/queues/" + performanceId + "/entries/me", null, Map.of());
    }

    /** A call as the fan: transient failures retried; an expired access token renewed by logging in again. */
    private Http.Answer call(String method, String path, String body, Map<String, String> headers) {
        Http.Answer a = http.call(method, path, token, body, headers, Duration.ofSeconds(p.stepBudgetSeconds()));
        if (a.status() == 401 && token != null) {
            Http.Answer login = http.call("POST", "/api/auth/login", null,
                    "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", Map.of(),
                    Duration.ofSeconds(p.stepBudgetSeconds()));
            if (login.status() == 200) {
                token = login.json().path("accessToken").asText();
                a = http.call(method, path, token, body, headers, Duration.ofSeconds(p.stepBudgetSeconds()));
            }
        }
        return a;
    }
}
