package dev.ticketing.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.search.config.SearchConfig;
import dev.ticketing.search.index.PerformanceDocument;
import dev.ticketing.search.index.PerformanceIndex;
import dev.ticketing.search.query.PerformanceQueries;
import dev.ticketing.search.query.SearchRequest;
import dev.ticketing.search.support.BookingCatalogStub;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Search latency through search-svc vs the same query body sent straight to OpenSearch, in one run, on generated
 * Korean + English performances. Prints figures; asserts only that every request succeeded. Runs with -Pbenchmark:
 * {@code ./mvnw -o -q -B -pl search-svc verify -Pbenchmark [-Dbench.docs=100000 -Dbench.requests=2000]}.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OpenSearchTestResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
@WithTestResource(BookingCatalogStub.class)
class SearchLatencyBenchmark {

    static final int DOCS = Integer.getInteger("bench.docs", 100_000);
    static final int REQUESTS = Integer.getInteger("bench.requests", 2_000);
    static final int THREADS = Integer.getInteger("bench.threads", 4);
    static final int THROUGHPUT_SECONDS = Integer.getInteger("bench.seconds", 10);

    static final String[] KO = {"레미제라블", "오페라의 유령", "아이유", "지킬앤하이드", "맘마미아", "시카고", "위키드", "라이온킹",
            "햄릿", "명성황후", "빨래", "영웅", "캣츠", "노트르담 드 파리", "광화문연가"};
    static final String[] KO_TAIL = {"콘서트", "뮤지컬", "의 귀환", "갈라쇼", "앙코르", "전국투어", "페스티벌", "내한공연", "특별전"};
    static final String[] EN = {"Hamlet", "Winter Gala", "Jazz Night", "Symphony No. 9", "Swan Lake", "Rock Festival",
            "Piano Recital", "Les Misérables", "Phantom", "Cats", "Chicago", "Wicked"};
    static final String[] VENUES = {"블루스퀘어", "샤롯데씨어터", "세종문화회관", "예술의전당", "KSPO DOME", "Seoul Arts Center",
            "Olympic Hall", "디큐브아트센터", "충무아트센터"};
    static final String[] CATEGORIES = {"musical", "concert", "classic", "theatre", "dance"};
    /** Queries a fan types: Korean, compounds, Latin words, a typo, a multi-word query, and the empty home page. */
    static final String[] QUERIES = {"레미제라블", "콘서트", "아이유 콘서트", "햄릿", "hamlet", "jazz night", "Symphny",
            "swan lake", "뮤지컬 블루스퀘어", "오페라", "phantom", "", "전국투어", "piano"};

    @Inject
    PerformanceIndex index;

    @Inject
    PerformanceQueries queries;

    @Inject
    SearchConfig config;

    @Inject
    ObjectMapper json;

    @TestHTTPResource("/api/search/performances")
    URL searchUrl;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void searchLatencyThroughTheServiceAndStraightToOpenSearch() throws Exception {
        index.ensureAlias();
        long loadStart = System.nanoTime();
        load();
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        URI direct = URI.create(OpenSearchTestResource.url() + "/" + index.alias() + "/_search");
        IntFunction<HttpRequest> viaService = i -> HttpRequest.newBuilder(URI.create(searchUrl + "?q="
                + URLEncoder.encode(QUERIES[i % QUERIES.length], StandardCharsets.UTF_8))).GET().build();
        IntFunction<HttpRequest> viaEngine = i -> HttpRequest.newBuilder(direct)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(engineBody(QUERIES[i % QUERIES.length]))).build();

        run(viaService, REQUESTS / 4);
        run(viaEngine, REQUESTS / 4);
        long[] service = run(viaService, REQUESTS);
        long[] engine = run(viaEngine, REQUESTS);
        double serviceRps = throughput(viaService);
        double engineRps = throughput(viaEngine);

        StringBuilder out = new StringBuilder("\n=== search-svc latency benchmark ===\n");
        out.append("docs %d (bulk-loaded in %.1f s), %d sequential requests per path, %d queries rotated\n"
                .formatted(DOCS, loadSeconds, REQUESTS, QUERIES.length));
        out.append("%-22s %8s %8s %8s %8s %10s%n".formatted("path", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "req/s(" + THREADS + "t)"));
        out.append(line("search-svc (HTTP)", service, serviceRps));
        out.append(line("OpenSearch direct", engine, engineRps));
        out.append("overhead ratio p50 %.2f, p99 %.2f, throughput %.2f%n".formatted(
                pct(service, 50) / pct(engine, 50), pct(service, 99) / pct(engine, 99), engineRps / serviceRps));
        System.out.println(out);
    }

    private String engineBody(String q) {
        SearchRequest request = SearchRequest.parse(q, null, null, null, null, null, null, config);
        try {
            return json.writeValueAsString(queries.search(request, Instant.now()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void load() {
        Random random = new Random(42);
        OffsetDateTime base = OffsetDateTime.now(ZoneOffset.ofHours(9)).withNano(0);
        List<PerformanceDocument> batch = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            String title = random.nextBoolean()
                    ? pick(random, KO) + pick(random, KO_TAIL) + (random.nextInt(4) == 0 ? " " + pick(random, EN) : "")
                    : pick(random, EN) + (random.nextInt(3) == 0 ? " " + pick(random, KO_TAIL) : " " + (2026 + i % 3));
            OffsetDateTime first = base.plusHours(random.nextInt(24 * 365) - 24 * 30);
            OffsetDateTime last = first.plusDays(random.nextInt(30));
            batch.add(new PerformanceDocument("bench-" + i, 1, false, title,
                    pick(random, KO) + " " + pick(random, KO_TAIL) + " — " + pick(random, EN) + " edition",
                    pick(random, VENUES), pick(random, CATEGORIES),
                    List.of(new PerformanceDocument.Showtime("bench-" + i + "-1", first)), first, last));
            if (batch.size() == 2_000) {
                index.load(index.alias(), batch);
                batch.clear();
            }
        }
        index.load(index.alias(), batch);
        try {
            http.send(HttpRequest.newBuilder(URI.create(OpenSearchTestResource.url() + "/" + index.alias()
                    + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long[] run(IntFunction<HttpRequest> request, int count) throws Exception {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request.apply(i), HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - t;
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private double throughput(IntFunction<HttpRequest> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + THROUGHPUT_SECONDS * 1_000_000_000L;
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int offset = t;
            workers.add(pool.submit(() -> {
                for (int i = offset; System.nanoTime() < end; i += THREADS) {
                    HttpResponse<Void> r = http.send(request.apply(i), HttpResponse.BodyHandlers.discarding());
                    assertEquals(200, r.statusCode());
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        return done.get() / (double) THROUGHPUT_SECONDS;
    }

    private static String line(String name, long[] sorted, double rps) {
        return "%-22s %8.1f %8.1f %8.1f %8.1f %10.0f%n".formatted(name, pct(sorted, 50), pct(sorted, 95),
                pct(sorted, 99), sorted[sorted.length - 1] / 1e6, rps);
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
