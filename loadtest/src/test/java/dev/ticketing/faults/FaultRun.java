package dev.ticketing.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ticketing.loadtest.Api;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault-injection run: an on-sale (fans arriving over {@code windowSeconds}) while {@link Faults} crashes and
 * degrades one component after another, then {@link FaultChecker} proves the promises. Exit status 1 on any breach.
 * Started by {@code loadtest/faults.sh} (which also starts the stack and a restartable Redis).
 */
public final class FaultRun {

    public static void main(String[] args) throws Exception {
        System.exit(new FaultRun().run(FaultParams.fromSystem()));
    }

    int run(FaultParams p) throws Exception {
        Files.createDirectories(p.reportDir());
        System.out.printf("[faults] fault run: %d fans over %d s, %d seats, capacity %d, faults %s x%d%n", p.fans(),
                p.windowSeconds(), p.seats(), p.capacity(), p.faults(), p.rounds());
        Api api = new Api(p.baseUrl());
        String admin = api.login(FaultParams.env("TICKETING_ADMIN_EMAIL", "admin@ticketing.local"),
                dev.ticketing.loadtest.Params.adminPasswordFromEnvOrStack());
        Api.Created sale = api.createOnSale(admin, p.seats(), p.capacity(), p.sessionTtlSeconds());
        System.out.println("[faults] on sale: " + sale);
        List<Api.Fan> fans = api.fans(p.fanPrefix(), p.fans(), 4);

        Http http = new Http(p.baseUrl());
        Faults faults = new Faults(p);
        Map<String, Long> dlqBefore = faults.deadLetterOffsets();
        faults.showtime(sale.showtimeId());
        faults.performance(sale.performanceId());
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicLong reentries = new AtomicLong();
        List<String> stuck = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.currentTimeMillis();
        ExecutorService crowd = Executors.newFixedThreadPool(Math.max(1, fans.size()));
        for (int i = 0; i < fans.size(); i++) {
            Api.Fan f = fans.get(i);
            long arriveAt = start + (long) i * p.windowSeconds() * 1000L / Math.max(1, fans.size());
            crowd.submit(() -> {
                Http.sleep(Math.max(0, arriveAt - System.currentTimeMillis()));
                FanJourney j = new FanJourney(http, f.email(), "loadtest-" + f.email().hashCode() + "-pw", f.token(),
                        sale.performanceId(), sale.showtimeId(), "Loadtest Arena", p);
                String outcome;
                try {
                    outcome = j.run();
                } catch (RuntimeException e) {
                    outcome = "clientError:" + e;
                }
                reentries.addAndGet(j.reentries());
                String key = outcome.length() > 80 ? outcome.substring(0, 80) : outcome;
                if (outcome.matches(".*:(0|5\\d\\d)$") || outcome.startsWith("clientError")) {
                    stuck.add(f.email() + " " + outcome);
                }
                outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            });
        }

        // faults start once the first fans are in and keep coming while the crowd arrives
        Http.sleep(Math.min(15_000, p.windowSeconds() * 100L));
        long recoveredAt = System.currentTimeMillis();
        List<String> injectionErrors = new ArrayList<>();
        for (int round = 0; round < p.rounds(); round++) {
            for (String fault : p.faults()) {
                try {
                    faults.inject(fault);
                } catch (Exception e) {
                    injectionErrors.add(fault + ": " + e.getMessage());
                    System.out.println("[faults] could not inject " + fault + ": " + e);
                }
                recoveredAt = System.currentTimeMillis();
                Http.sleep(5000);
            }
        }
        System.out.println("[faults] all faults injected; waiting for the fans to finish");
        crowd.shutdown();
        if (!crowd.awaitTermination(p.maxQueueWaitSeconds() + p.orderWaitSeconds() + 120L, TimeUnit.SECONDS)) {
            System.out.println("[faults] some fans are still busy; checking anyway");
            crowd.shutdownNow();
        }

        FaultChecker checker = new FaultChecker(p);
        checker.line("Fault run — performance %s, showtime %s, %d fans over %d s, %d seats, capacity %d",
                sale.performanceId(), sale.showtimeId(), fans.size(), p.windowSeconds(), sale.seatsOnSale(), p.capacity());
        for (Faults.Injected f : faults.log) {
            checker.line("  fault %-16s at %s, healthy after %3d s — %s", f.fault(), f.at(),
                    java.time.Duration.between(f.at(), f.recovered()).toSeconds(), f.detail());
        }
        Map<String, Long> out = new TreeMap<>();
        outcomes.forEach((k, v) -> out.put(k, v.get()));
        checker.line("fan outcomes: %s; re-entries after a lost place: %d", out, reentries.get());
        checker.line("fan requests %d (retried %d), answers by status %s", http.requests.get(), http.retries.get(), http.statusCounts());
        checker.check(sale.performanceId(), sale.showtimeId(), recoveredAt, admin, http);
        // Every consumer of every service still consumes, and nothing our own services published was dead-lettered.
        List<String> stopped = new ArrayList<>();
        List<String> deadLettered = new ArrayList<>();
        for (Map.Entry<String, Integer> svc : new TreeMap<>(Faults.PORTS).entrySet()) {
            faults.series(svc.getValue(), "ticketing_messaging_channel_alive").forEach((series, v) -> {
                if (!(v == 1.0)) {
                    stopped.add(svc.getKey() + " " + series + " = " + v);
                }
            });
        }
        // Dead-lettered during this run (the fuzz before it sends poison records on purpose): end offsets grew.
        Map<String, Long> dlqAfter = faults.deadLetterOffsets();
        dlqAfter.forEach((topic, n) -> {
            long before = dlqBefore.getOrDefault(topic, 0L);
            if (n > before) {
                deadLettered.add(topic + " +" + (n - before));
            }
        });
        checker.breach("Kafka channels stopped", stopped);
        checker.breach("events our services published that went to a dead-letter topic", deadLettered);
        checker.breach("faults that could not be injected", injectionErrors);
        checker.breach("fans stopped by a server error after " + p.stepBudgetSeconds() + " s of retries", stuck);
        checker.breach("HTTP 500s, or other 5xx without problem+json", new ArrayList<>(http.defects));
        checker.breach("HTTP 500s while the booking pool was exhausted", new ArrayList<>(faults.poolDefects));

        boolean pass = checker.breaches().isEmpty();
        checker.line(pass ? "RESULT: PASS — %d faults injected, 0 breaches" : "RESULT: FAIL — %d faults injected, breaches above",
                faults.log.size());
        System.out.print(checker.report());
        Files.writeString(p.reportDir().resolve("fault-report.txt"), checker.report());
        ObjectNode json = Http.JSON.createObjectNode().put("at", Instant.now().toString())
                .put("performanceId", sale.performanceId()).put("showtimeId", sale.showtimeId())
                .put("fans", fans.size()).put("faultsInjected", faults.log.size()).put("requests", http.requests.get())
                .put("breaches", checker.breaches().size());
        ArrayNode b = json.putArray("breachList");
        checker.breaches().forEach(b::add);
        Files.writeString(p.reportDir().resolve("fault-run.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return pass ? 0 : 1;
    }
}
