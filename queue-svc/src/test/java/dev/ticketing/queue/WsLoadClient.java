package dev.ticketing.queue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark client in its own JVM (JDK only), so that 10,000 client sockets do not share the server's file
 * descriptor limit. Args: ws URI, tokens file (one per line), seconds to measure.
 * Prints one line: connected, updates, p50/p99/max interval between consecutive updates of a socket.
 */
public final class WsLoadClient {

    private WsLoadClient() {
    }

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        List<String> tokens = Files.readAllLines(Path.of(args[1]));
        int seconds = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
        boolean[] measuring = {false};
        Semaphore inFlight = new Semaphore(200);
        List<CompletableFuture<WebSocket>> opened = new ArrayList<>();
        long c0 = System.nanoTime();
        for (String token : tokens) {
            long[] prev = {0};
            inFlight.acquire();
            opened.add(WebSocketTest.carrying(token).buildAsync(URI.create(prefix), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (last) {
                        long now = System.nanoTime();
                        if (measuring[0] && prev[0] != 0) {
                            gaps.add(now - prev[0]);
                        }
                        prev[0] = now;
                    }
                    ws.request(1);
                    return null;
                }
            }).whenComplete((w, e) -> inFlight.release()));
        }
        List<WebSocket> open = new ArrayList<>();
        for (var f : opened) {
            try {
                open.add(f.get(120, TimeUnit.SECONDS));
            } catch (Exception e) {
                // counted as not connected
            }
        }
        double connectSeconds = (System.nanoTime() - c0) / 1e9;
        Thread.sleep(2000);
        measuring[0] = true;
        Thread.sleep(seconds * 1000L);
        measuring[0] = false;
        long[] sorted = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("connected %d/%d in %.1f s; %d updates in %d s (%.0f/s); interval between updates of a socket: "
                        + "p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                open.size(), tokens.size(), connectSeconds, sorted.length, seconds, sorted.length / (double) seconds,
                pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        for (WebSocket w : open) {
            w.abort();
        }
        System.exit(0);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
    }
}
