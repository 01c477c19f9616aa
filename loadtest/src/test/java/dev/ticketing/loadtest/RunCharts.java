package dev.ticketing.loadtest;

import dev.ticketing.loadtest.RunChecker.Sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The run's pictures, written next to {@code report.txt} as plain SVG (no chart library: the text is small and opens in
 * any browser):
 * <ul>
 *   <li>{@code timeline.svg}: per second since the arrival window's start, fans arriving (enter sent), fans admitted
 *   (admission token received), seats sold and orders confirmed (booking-svc's own confirmation times), cumulative
 *   and per second;</li>
 *   <li>{@code latency.svg}: p50/p95/p99 of every step of the report's latency table, on a log scale.</li>
 * </ul>
 * Each series and bar carries its figures as {@code data-*} attributes, so a test (or a script) can read them back.
 */
final class RunCharts {

    /** A confirmed order, as booking-svc recorded it: when it became CONFIRMED (epoch ms) and how many seats it sold. */
    record Sale(long confirmedAt, int seats) {
    }

    /**
     * What the pictures are drawn from. {@code windowStart}: epoch ms of the arrival window's start (≤ 0: the first
     * arrival); {@code opensAt}: a scheduled opening (epoch ms, ≤ 0: none).
     */
    record Input(String title, long windowStart, int windowSeconds, long opensAt, Map<String, List<Sample>> samples,
                 List<Sale> sales) {
    }

    /** Counts per second: second {@code from + i} is index {@code i} of every series. */
    record Timeline(long t0, int from, Map<String, int[]> perSecond) {
        int[] cumulative(String series) {
            int[] per = perSecond.get(series);
            int[] cum = new int[per.length];
            for (int i = 0, sum = 0; i < per.length; i++) {
                cum[i] = sum += per[i];
            }
            return cum;
        }
    }

    /** The steps of the latency picture, in the report's order. */
    static final List<String> STEPS = List.of("enter", "queueWait", "soldOutNotice", "seats", "hold", "order",
            "orderToConfirmed", "orderToFinal");

    static final Map<String, String> SERIES = new LinkedHashMap<>();
    static final Map<String, String> COLORS = Map.of("arrived", "#1f77b4", "admitted", "#ff7f0e",
            "seatsSold", "#2ca02c", "ordersConfirmed", "#9467bd");

    static {
        SERIES.put("arrived", "fans arriving (enter sent)");
        SERIES.put("admitted", "fans admitted (token received)");
        SERIES.put("seatsSold", "seats sold (booking db)");
        SERIES.put("ordersConfirmed", "orders CONFIRMED (booking db)");
    }

    private RunCharts() {
    }

    /** Writes the pictures into {@code dir}; returns their paths (none when there is nothing to draw). */
    static List<Path> write(Path dir, Input in) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Optional<Timeline> timeline = timeline(in);
        if (timeline.isPresent()) {
            written.add(Files.writeString(dir.resolve("timeline.svg"), timelineSvg(in, timeline.get())));
        }
        if (STEPS.stream().anyMatch(s -> !latencies(in.samples(), s).isEmpty())) {
            written.add(Files.writeString(dir.resolve("latency.svg"), latencySvg(in)));
        }
        return written;
    }

    // ---------------------------------------------------------------- timeline

    static Optional<Timeline> timeline(Input in) {
        Map<String, List<long[]>> events = new LinkedHashMap<>(); // series -> [epoch ms, count]
        events.put("arrived", in.samples().getOrDefault("enter", List.of()).stream()
                .filter(s -> s.startedAt() > 0).map(s -> new long[]{s.startedAt(), 1}).toList());
        events.put("admitted", in.samples().getOrDefault("queueWait", List.of()).stream()
                .filter(s -> s.startedAt() > 0 && s.ms() >= 0).map(s -> new long[]{s.startedAt() + s.ms(), 1}).toList());
        events.put("seatsSold", in.sales().stream().map(s -> new long[]{s.confirmedAt(), s.seats()}).toList());
        events.put("ordersConfirmed", in.sales().stream().map(s -> new long[]{s.confirmedAt(), 1}).toList());
        List<Long> times = events.values().stream().flatMap(List::stream).map(e -> e[0]).toList();
        if (times.isEmpty()) {
            return Optional.empty();
        }
        long t0 = in.windowStart() > 0 ? in.windowStart()
                : events.get("arrived").stream().mapToLong(e -> e[0]).min().orElse(times.stream().min(Long::compare).get());
        int from = Math.min(0, second(t0, times.stream().min(Long::compare).get()));
        int to = second(t0, times.stream().max(Long::compare).get());
        Map<String, int[]> perSecond = new LinkedHashMap<>();
        events.forEach((name, list) -> {
            int[] counts = new int[to - from + 1];
            list.forEach(e -> counts[second(t0, e[0]) - from] += (int) e[1]);
            perSecond.put(name, counts);
        });
        return Optional.of(new Timeline(t0, from, perSecond));
    }

    private static int second(long t0, long at) {
        return (int) Math.floorDiv(at - t0, 1000L);
    }

    static String timelineSvg(Input in, Timeline t) {
        Svg svg = new Svg(960, 640);
        svg.text(480, 26, "middle", 17, "bold", in.title() + " — timeline");
        svg.text(480, 46, "middle", 12, "normal", "t = 0 s: the arrival window's start (" + in.windowSeconds()
                + " s window); bucket = 1 s; sales at booking-svc's own confirmation times");
        double lx = 70;
        for (Map.Entry<String, String> s : SERIES.entrySet()) {
            svg.raw(String.format(Locale.ROOT, "<line x1='%.1f' y1='66' x2='%.1f' y2='66' stroke='%s' stroke-width='3'%s/>",
                    lx, lx + 22, COLORS.get(s.getKey()), dash(s.getKey())));
            svg.text(lx + 28, 70, "start", 11, "normal", s.getValue());
            lx += 36 + 6.1 * s.getValue().length();
        }
        int n = t.perSecond().get("arrived").length;
        int from = t.from();
        int to = from + n; // the x axis runs to the end of the last bucket
        Map<String, int[]> cumulative = new LinkedHashMap<>();
        SERIES.keySet().forEach(k -> cumulative.put(k, t.cumulative(k)));
        panel(svg, "cumulative", "cumulative (fans, seats, orders)", 95, 220, from, to, cumulative, true, in, t);
        panel(svg, "per-second", "per second", 370, 200, from, to, t.perSecond(), false, in, t);
        svg.text(480, 625, "middle", 12, "normal", "seconds since the arrival window's start");
        return svg.end();
    }

    /**
     * One panel: every series as a line. Cumulative values are drawn at the end of their second, per-second values as
     * steps across their second.
     */
    private static void panel(Svg svg, String id, String title, double top, double height, int from, int to,
                              Map<String, int[]> series, boolean cumulative, Input in, Timeline t) {
        double left = 70;
        double width = 860;
        int max = Math.max(1, series.values().stream().flatMapToInt(IntStream::of).max().orElse(1));
        double yStep = niceStep(max, 5);
        double yMax = Math.ceil(max / yStep) * yStep;
        double xStep = niceStep(to - from, 12);
        java.util.function.DoubleUnaryOperator x = s -> left + (s - from) / (double) (to - from) * width;
        java.util.function.DoubleUnaryOperator y = v -> top + height - v / yMax * height;

        svg.raw("<g data-panel='" + id + "'>");
        svg.text(left, top - 8, "start", 12, "bold", title);
        for (double v = 0; v <= yMax + 1e-9; v += yStep) {
            svg.line(left, y.applyAsDouble(v), left + width, y.applyAsDouble(v), "#e3e3e3");
            svg.text(left - 6, y.applyAsDouble(v) + 4, "end", 11, "normal", num(v));
        }
        for (double s = Math.ceil(from / xStep) * xStep; s <= to + 1e-9; s += xStep) {
            svg.line(x.applyAsDouble(s), top, x.applyAsDouble(s), top + height, "#efefef");
            svg.text(x.applyAsDouble(s), top + height + 15, "middle", 11, "normal", num(s));
        }
        marker(svg, x, from, to, top, height, 1000L * in.windowSeconds(), "arrival window ends", 0);
        if (in.opensAt() > 0) {
            marker(svg, x, from, to, top, height, in.opensAt() - t.t0(), "room opens", 12);
        }
        svg.raw(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#888'/>",
                left, top, width, height));
        svg.text(left - 48, top + height / 2, "middle", 11, "normal", cumulative ? "count" : "per second",
                String.format(Locale.ROOT, "rotate(-90 %.1f %.1f)", left - 48, top + height / 2));
        for (Map.Entry<String, int[]> s : series.entrySet()) {
            int[] v = s.getValue();
            StringBuilder pts = new StringBuilder();
            if (cumulative) {
                pts.append(pt(x.applyAsDouble(from), y.applyAsDouble(0)));
                for (int i = 0; i < v.length; i++) {
                    pts.append(pt(x.applyAsDouble(from + i + 1), y.applyAsDouble(v[i])));
                }
            } else {
                for (int i = 0; i < v.length; i++) {
                    pts.append(pt(x.applyAsDouble(from + i), y.applyAsDouble(v[i])))
                            .append(pt(x.applyAsDouble(from + i + 1), y.applyAsDouble(v[i])));
                }
            }
            svg.raw("<g data-series='" + s.getKey() + "' data-from='" + from + "' data-values='"
                    + IntStream.of(v).mapToObj(Integer::toString).collect(Collectors.joining(" ")) + "'>");
            svg.raw("<title>" + Svg.esc(SERIES.get(s.getKey())) + "</title>");
            svg.raw("<polyline fill='none' stroke='" + COLORS.get(s.getKey()) + "' stroke-width='2'" + dash(s.getKey())
                    + " points='" + pts.toString().strip() + "'/>");
            if (cumulative && v.length > 0) { // the final count at the line's end
                svg.text(x.applyAsDouble(to) + 3, y.applyAsDouble(v[v.length - 1]) + 4, "start", 10, "normal",
                        Integer.toString(v[v.length - 1]), null, COLORS.get(s.getKey()));
            }
            svg.raw("</g>");
        }
        svg.raw("</g>");
    }

    private static void marker(Svg svg, java.util.function.DoubleUnaryOperator x, int from, int to, double top,
                               double height, long msSinceStart, String label, double dy) {
        double s = msSinceStart / 1000.0;
        if (s < from || s > to) {
            return;
        }
        double px = x.applyAsDouble(s);
        svg.raw(String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#555' "
                + "stroke-dasharray='4 3'/>", px, top, px, top + height));
        svg.text(px + 3, top + 11 + dy, "start", 10, "normal", label);
    }

    private static String dash(String series) {
        return series.equals("ordersConfirmed") ? " stroke-dasharray='6 3'" : "";
    }

    // ---------------------------------------------------------------- latency

    static List<Long> latencies(Map<String, List<Sample>> samples, String step) {
        return samples.getOrDefault(step, List.of()).stream().map(Sample::ms).filter(ms -> ms >= 0).sorted().toList();
    }

    static String latencySvg(Input in) {
        Map<String, long[]> rows = new LinkedHashMap<>(); // step -> count, p50, p95, p99
        for (String step : STEPS) {
            long[] v = latencies(in.samples(), step).stream().mapToLong(Long::longValue).toArray();
            if (v.length > 0) {
                rows.put(step, new long[]{v.length, RunChecker.pct(v, 50), RunChecker.pct(v, 95), RunChecker.pct(v, 99)});
            }
        }
        String[] pct = {"p50", "p95", "p99"};
        String[] color = {"#9ecae1", "#4292c6", "#08306b"};
        double left = 170;
        double width = 640;
        double top = 84;
        double rowH = 58;
        double height = rows.size() * rowH;
        Svg svg = new Svg(960, (int) (top + height + 60));
        svg.text(480, 26, "middle", 17, "bold", in.title() + " — latency per step");
        svg.text(480, 46, "middle", 12, "normal", "p50 / p95 / p99 in ms, log scale; queueWait = enter sent → admission "
                + "token received, orderTo… = order sent → final status seen");
        for (int i = 0; i < 3; i++) {
            svg.raw(String.format(Locale.ROOT, "<rect x='%d' y='58' width='14' height='10' fill='%s'/>", 380 + i * 70, color[i]));
            svg.text(380 + i * 70 + 18, 67, "start", 11, "normal", pct[i]);
        }
        // from the power of ten under the smallest p50 to the one over the largest p99
        long minP50 = rows.values().stream().mapToLong(r -> r[1]).min().orElse(1);
        long maxP99 = rows.values().stream().mapToLong(r -> r[3]).max().orElse(1);
        // (a decade lower when the smallest p50 sits just over a power of ten, so that its bar still shows)
        long lo = (long) Math.pow(10, Math.floor(Math.log10(Math.max(1, minP50 / 2))));
        long hi = Math.max(lo * 10, (long) Math.pow(10, Math.ceil(Math.log10(Math.max(1, maxP99)))));
        double logLo = Math.log10(lo);
        double logHi = Math.log10(hi);
        java.util.function.DoubleUnaryOperator x = ms -> left
                + (Math.log10(Math.max(ms, lo)) - logLo) / (logHi - logLo) * width;
        for (long tick = lo; tick <= hi; tick *= 10) {
            double px = x.applyAsDouble(tick);
            svg.line(px, top, px, top + height, "#d9d9d9");
            svg.text(px, top + height + 16, "middle", 11, "normal", tick < 1000 ? tick + " ms" : tick / 1000 + " s");
            for (int m = 2; m < 10 && tick < hi; m++) {
                svg.line(x.applyAsDouble(tick * m), top, x.applyAsDouble(tick * m), top + height, "#f2f2f2");
            }
        }
        svg.text(left + width / 2, top + height + 38, "middle", 12, "normal", "latency (log scale)");
        int r = 0;
        for (Map.Entry<String, long[]> row : rows.entrySet()) {
            double y0 = top + r * rowH + 6;
            svg.text(left - 10, y0 + 20, "end", 13, "bold", row.getKey());
            svg.text(left - 10, y0 + 36, "end", 11, "normal", "n = " + row.getValue()[0]);
            for (int i = 0; i < 3; i++) {
                long ms = row.getValue()[i + 1];
                double y = y0 + i * 15;
                svg.raw("<g data-step='" + row.getKey() + "' data-pct='" + pct[i] + "' data-ms='" + ms + "'>");
                svg.raw(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='13' fill='%s'/>",
                        left, y, Math.max(1, x.applyAsDouble(ms) - left), color[i]));
                svg.text(x.applyAsDouble(ms) + 4, y + 10.5, "start", 10, "normal", duration(ms));
                svg.raw("</g>");
            }
            if (r > 0) {
                svg.line(left - 150, y0 - 6, left + width, y0 - 6, "#eeeeee");
            }
            r++;
        }
        svg.raw(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#888'/>",
                left, top, width, height));
        return svg.end();
    }

    /** 474 ms, 2.60 s, 12.8 s. */
    static String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        return String.format(Locale.ROOT, ms < 10_000 ? "%.2f s" : "%.1f s", ms / 1000.0);
    }

    // ---------------------------------------------------------------- the tools' own reports

    /**
     * The Gatling HTML report (the newest {@code gatling/onsalesimulation-*}) and the JMeter dashboard under
     * {@code buildDir}, when they were written at or after {@code since} (epoch ms; ≤ 0: any age): label -> path.
     */
    static Map<String, Path> toolReports(Path buildDir, long since) throws IOException {
        Map<String, Path> found = new LinkedHashMap<>();
        Path gatling = buildDir.resolve("gatling");
        if (Files.isDirectory(gatling)) {
            try (Stream<Path> dirs = Files.list(gatling)) {
                dirs.filter(d -> d.getFileName().toString().startsWith("onsalesimulation-"))
                        .map(d -> d.resolve("index.html")).filter(Files::isRegularFile)
                        .max(Comparator.comparing(RunCharts::modified))
                        .filter(f -> modified(f) >= since)
                        .ifPresent(f -> found.put("Gatling report", f));
            }
        }
        Path jmeter = buildDir.resolve("jmeter/reports/on-sale/index.html");
        if (Files.isRegularFile(jmeter) && modified(jmeter) >= since) {
            found.put("JMeter dashboard", jmeter);
        }
        return found;
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- plain SVG

    /** 1, 2 or 5 × 10^k: about {@code ticks} steps across {@code range}. */
    static double niceStep(double range, int ticks) {
        double raw = Math.max(range, 1) / ticks;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag <= 1 ? 1 : raw / mag <= 2 ? 2 : raw / mag <= 5 ? 5 : 10;
        return Math.max(1, step * mag);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pt(double x, double y) {
        return String.format(Locale.ROOT, "%.1f,%.1f ", x, y);
    }

    private static final class Svg {
        private final StringBuilder b = new StringBuilder();

        Svg(int width, int height) {
            b.append("<?xml version='1.0' encoding='UTF-8'?>\n")
                    .append(String.format("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                            + "viewBox='0 0 %d %d' font-family='sans-serif'>%n", width, height, width, height))
                    .append("<rect width='100%' height='100%' fill='white'/>\n");
        }

        void raw(String s) {
            b.append(s).append('\n');
        }

        void line(double x1, double y1, double x2, double y2, String stroke) {
            raw(String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s'/>",
                    x1, y1, x2, y2, stroke));
        }

        void text(double x, double y, String anchor, int size, String weight, String text) {
            text(x, y, anchor, size, weight, text, null, null);
        }

        void text(double x, double y, String anchor, int size, String weight, String text, String transform) {
            text(x, y, anchor, size, weight, text, transform, null);
        }

        void text(double x, double y, String anchor, int size, String weight, String text, String transform, String fill) {
            raw(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' text-anchor='%s' font-size='%d' font-weight='%s'%s%s>%s</text>",
                    x, y, anchor, size, weight, transform == null ? "" : " transform='" + transform + "'",
                    fill == null ? "" : " fill='" + fill + "'", esc(text)));
        }

        String end() {
            return b.append("</svg>\n").toString();
        }

        static String esc(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
        }
    }
}
