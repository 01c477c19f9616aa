package dev.ticketing.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * P3 of queue-bench.sh, in its own JVM (JDK only, adapted from queue-svc's WsLoadClient): one WebSocket per
 * pre-signed token to {@code /api/queues/<id>/ws}, then a measurement window in which, for every socket, the
 * <b>worst silence</b> is taken: the longest time the fan saw no frame, i.e. the largest gap between two consecutive
 * frames, counting from the window's start to the first frame and from the last frame to the window's end (a socket
 * with no frame at all scores the whole window). Separately, the <b>server-side lag</b> of every frame: receive time
 * (epoch ms) minus the frame's {@code sentAt} (server epoch ms; "n/a" when the server does not send it).
 * <p>
 * Args ({@code key=value}): {@code uri=ws://127.0.0.1:18083/api/queues/<id>/ws tokens=<file> seconds=40
 * pid=<queue-svc pid> clk=100 inflight=200 settle=2 handshakeTimeout=60}.
 * Every socket sends its token the way the contract says: {@code Sec-WebSocket-Protocol: bearer-token-carrier,
 * <urlencoded "quarkus-http-upgrade#Authorization#Bearer <token>">}.
 * Prints {@code BENCH p3.*} lines; asserts nothing.
 */
public final class WsSilenceClient {

    private static final int MAX_LAG_MS = 600_000;

    private WsSilenceClient() {
    }

    /** One fan's socket; the listener's calls for one socket are sequential, the lock only orders the final read. */
    static final class Sock {
        volatile WebSocket ws;
        volatile long openedAt;
        long lastInWindow;
        long worst;
        long frames;
        StringBuilder partial;
        volatile long closedAt;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got " + s);
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        String uri = a.get("uri");
        List<String> tokens = Files.readAllLines(Path.of(a.get("tokens")));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "40"));
        long pid = Long.parseLong(a.getOrDefault("pid", "0"));
        int clk = Integer.parseInt(a.getOrDefault("clk", "100"));
        int inflight = Integer.parseInt(a.getOrDefault("inflight", "200"));
        int settle = Integer.parseInt(a.getOrDefault("settle", "2"));
        int handshakeTimeout = Integer.parseInt(a.getOrDefault("handshakeTimeout", "60"));

        long[] rssBefore = memory(pid);
        HttpClient http = HttpClient.newHttpClient();
        Sock[] socks = new Sock[tokens.size()];
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
        LongAdder windowFrames = new LongAdder();
        LongAdder waitingFrames = new LongAdder();
        LongAdder admittedFrames = new LongAdder();
        LongAdder framesWithoutSentAt = new LongAdder();
        LongAdder closedInWindow = new LongAdder();
        AtomicLongArray lagHistogram = new AtomicLongArray(MAX_LAG_MS + 1);
        LongAdder negativeLag = new LongAdder();
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE}; // nanoTime start/end; written once each, read by listeners
        Object windowLock = new Object();

        Semaphore slots = new Semaphore(inflight);
        CountDownLatch done = new CountDownLatch(tokens.size());
        long c0 = System.nanoTime();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            Sock s = new Sock();
            socks[i] = s;
            WebSocket.Listener listener = new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (!last) {
                        if (s.partial == null) {
                            s.partial = new StringBuilder();
                        }
                        s.partial.append(data);
                        ws.request(1);
                        return null;
                    }
                    long now = System.nanoTime();
                    long nowMs = System.currentTimeMillis();
                    CharSequence frame = data;
                    if (s.partial != null) {
                        frame = s.partial.append(data);
                        s.partial = null;
                    }
                    long start;
                    long end;
                    synchronized (windowLock) {
                        start = window[0];
                        end = window[1];
                    }
                    if (now >= start && now <= end) {
                        synchronized (s) {
                            long from = Math.max(s.lastInWindow, start);
                            s.worst = Math.max(s.worst, now - from);
                            s.lastInWindow = now;
                            s.frames++;
                        }
                        windowFrames.increment();
                        String text = frame.toString();
                        if (text.contains("\"ADMITTED\"")) {
                            admittedFrames.increment();
                        } else if (text.contains("\"WAITING\"")) {
                            waitingFrames.increment();
                        }
                        long sentAt = sentAt(text);
                        if (sentAt < 0) {
                            framesWithoutSentAt.increment();
                        } else {
                            long lag = nowMs - sentAt;
                            if (lag < 0) {
                                negativeLag.increment();
                                lag = 0;
                            }
                            lagHistogram.incrementAndGet((int) Math.min(lag, MAX_LAG_MS));
                        }
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                    closed(statusCode);
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    closed(-1);
                }

                private void closed(int code) {
                    long now = System.nanoTime();
                    s.closedAt = now;
                    closeCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
                    long start;
                    long end;
                    synchronized (windowLock) {
                        start = window[0];
                        end = window[1];
                    }
                    if (now >= start && now <= end) {
                        closedInWindow.increment();
                    }
                }
            };
            WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(handshakeTimeout));
            b.subprotocols("bearer-token-carrier", URLEncoder.encode(
                    "quarkus-http-upgrade#Authorization#Bearer " + token, StandardCharsets.UTF_8));
            URI target = URI.create(uri);
            slots.acquire();
            b.buildAsync(target, listener).whenComplete((ws, e) -> {
                slots.release();
                if (e != null) {
                    failures.merge(reason(e), 1, Integer::sum);
                } else {
                    s.ws = ws;
                    s.openedAt = System.nanoTime();
                }
                done.countDown();
            });
        }
        if (!done.await(30, TimeUnit.MINUTES)) {
            System.out.println("BENCH p3.connect: handshakes still pending after 30 min");
        }
        double connectSeconds = (System.nanoTime() - c0) / 1e9;
        long connected = Arrays.stream(socks).filter(s -> s.ws != null).count();
        long[] rssConnected = memory(pid);
        Thread.sleep(settle * 1000L);

        long openAtStart = Arrays.stream(socks).filter(s -> s.ws != null && s.closedAt == 0).count();
        long[] cpu0 = {cpuTicks(pid), cpuTicks(0)};
        long start = System.nanoTime();
        synchronized (windowLock) {
            window[0] = start;
        }
        Thread.sleep(seconds * 1000L);
        long end = System.nanoTime();
        synchronized (windowLock) {
            window[1] = end;
        }
        long[] cpu1 = {cpuTicks(pid), cpuTicks(0)};
        long[] rssEnd = memory(pid);
        double windowSeconds = (end - start) / 1e9;

        // Worst silence of every socket that was open when the window started (one that closes during the window
        // stays silent until its end, as the fan would see it).
        long[] worst = Arrays.stream(socks)
                .filter(s -> s.ws != null && (s.closedAt == 0 || s.closedAt >= start))
                .mapToLong(s -> {
                    synchronized (s) {
                        long from = Math.max(s.lastInWindow, start);
                        return Math.max(s.worst, end - from);
                    }
                }).sorted().toArray();

        Map<String, Integer> sortedFailures = new TreeMap<>(failures);
        long failed = tokens.size() - connected;
        System.out.printf("BENCH p3.connect: connected %d/%d in %.1f s (auth %s, %d handshakes in flight); "
                        + "handshake failures %d%s; open when the window started %d%n",
                connected, tokens.size(), connectSeconds,
                "subprotocol bearer-token-carrier", inflight,
                failed, sortedFailures.isEmpty() ? "" : " " + sortedFailures, openAtStart);
        if (worst.length == 0) {
            System.out.println("BENCH p3.silence: n/a (no socket open)");
        } else {
            System.out.printf("BENCH p3.silence: worst silence per socket over a %.1f s window (%d sockets): "
                            + "p50 %d ms, p99 %d ms, max %d ms (target p99 <= 1500 ms, printed only)%n",
                    windowSeconds, worst.length, ms(pct(worst, 0.50)), ms(pct(worst, 0.99)), ms(worst[worst.length - 1]));
        }
        long lagged = 0;
        for (int i = 0; i <= MAX_LAG_MS; i++) {
            lagged += lagHistogram.get(i);
        }
        if (lagged == 0) {
            System.out.printf("BENCH p3.lag: n/a (no frame carried sentAt; %d frames without it)%n",
                    framesWithoutSentAt.sum());
        } else {
            System.out.printf("BENCH p3.lag: server-side lag (client receive - sentAt) p50 %d ms, p99 %d ms, max %d ms "
                            + "(%d frames; %d without sentAt; %d negative, counted as 0)%n",
                    histPct(lagHistogram, lagged, 0.50), histPct(lagHistogram, lagged, 0.99),
                    histPct(lagHistogram, lagged, 1.0), lagged, framesWithoutSentAt.sum(), negativeLag.sum());
        }
        long frames = windowFrames.sum();
        System.out.printf("BENCH p3.frames: %.0f frames/s (%d in %.1f s; WAITING %d, ADMITTED %d; %.2f per open socket "
                        + "per s); sockets closed during the window %d; close codes seen %s%n",
                frames / windowSeconds, frames, windowSeconds, waitingFrames.sum(), admittedFrames.sum(),
                openAtStart == 0 ? 0 : frames / windowSeconds / openAtStart, closedInWindow.sum(),
                closeCodes.isEmpty() ? "none" : new TreeMap<>(closeCodes));
        System.out.printf("BENCH p3.rss: queue-svc VmRSS %d MB before sockets, %d MB all connected, %d MB at the end; "
                        + "VmHWM %d MB (since start) (target RSS <= 512 MB, printed only)%n",
                rssBefore[0], rssConnected[0], rssEnd[0], rssEnd[1]);
        double serverCpu = (cpu1[0] - cpu0[0]) / (double) clk;
        double clientCpu = (cpu1[1] - cpu0[1]) / (double) clk;
        System.out.printf("BENCH p3.cpu: during the window queue-svc used %.0f%% of one core (%.0f us per frame), "
                        + "this client JVM %.0f%% (same 2-core machine)%n",
                100 * serverCpu / windowSeconds, frames == 0 ? 0 : serverCpu * 1e6 / frames, 100 * clientCpu / windowSeconds);
        for (Sock s : socks) {
            if (s.ws != null) {
                s.ws.abort();
            }
        }
        System.exit(0);
    }

    /** The {@code sentAt} number of a frame, or -1. */
    static long sentAt(String frame) {
        int i = frame.indexOf("\"sentAt\":");
        if (i < 0) {
            return -1;
        }
        i += 9;
        while (i < frame.length() && frame.charAt(i) == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < frame.length() && Character.isDigit(frame.charAt(i))) {
            v = v * 10 + (frame.charAt(i++) - '0');
            digits++;
        }
        return digits == 0 ? -1 : v;
    }

    private static String reason(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof WebSocketHandshakeException h) {
            return "HTTP " + h.getResponse().statusCode();
        }
        return t.getClass().getSimpleName();
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static long histPct(AtomicLongArray h, long total, double p) {
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < h.length(); i++) {
            seen += h.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return h.length() - 1;
    }

    /** VmRSS and VmHWM in MB of a process (0 = unknown). */
    private static long[] memory(long pid) {
        long[] r = {0, 0};
        if (pid <= 0) {
            return r;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    r[0] = Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                } else if (l.startsWith("VmHWM:")) {
                    r[1] = Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not on Linux or the process is gone: 0
        }
        return r;
    }

    /** utime + stime of a process in clock ticks (pid 0 = this JVM). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + (pid == 0 ? "self" : Long.toString(pid)) + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }
}
