package dev.ticketing.search.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds search bodies as Jackson trees. User text only ever lands in a {@code query}/{@code value} string of a
 * match, multi_match or prefix query: no query_string, so Lucene syntax ({@code OR}, {@code *}, {@code ~}, quotes) is
 * plain text, and no string templating, so JSON syntax in q is just characters.
 */
@ApplicationScoped
public class PerformanceQueries {

    /** Title weighs three times description and venue: a title hit should dominate a passing mention. */
    static final String[] TEXT_FIELDS = {"title^3", "description", "venue"};
    static final String[] LATIN_FIELDS = {"title.en^3", "description.en", "venue.en"};
    /** One or two words must all match; longer queries may miss a quarter of their words. */
    static final String MINIMUM_SHOULD_MATCH = "2<75%";
    private static final Pattern LATIN_WORD = Pattern.compile("[\\p{IsLatin}\\p{Nd}]*\\p{IsLatin}[\\p{IsLatin}\\p{Nd}]*");

    private final ObjectMapper json;

    public PerformanceQueries(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode search(SearchRequest r, Instant now) {
        ObjectNode body = json.createObjectNode();
        body.put("from", r.page() * r.size());
        body.put("size", r.size());
        body.put("track_total_hits", true);
        body.putObject("_source").putArray("excludes").add("deleted").add("version");

        ObjectNode bool = body.putObject("query").putObject("bool");
        if (r.hasText()) {
            ArrayNode should = bool.putArray("must").addObject().putObject("bool").putArray("should");
            // Korean-aware fields (nori), exact terms; Latin words pass through nori as whole tokens. cross_fields
            // lets the words of one query fall in different fields ("레미제라블 블루스퀘어" = title + venue).
            should.addObject().putObject("multi_match")
                    .put("query", r.q())
                    .put("type", "cross_fields")
                    .put("minimum_should_match", MINIMUM_SHOULD_MATCH)
                    .set("fields", fields(TEXT_FIELDS));
            // Typo tolerance only for Latin-script words: a one-letter edit in a two-syllable Korean word is
            // another word, not a typo.
            String latin = latinWords(r.q());
            if (!latin.isEmpty()) {
                ObjectNode fuzzy = should.addObject().putObject("multi_match");
                fuzzy.put("query", latin)
                        .put("type", "best_fields")
                        .put("fuzziness", "AUTO")
                        .put("prefix_length", 1)
                        .put("max_expansions", 50)
                        .put("minimum_should_match", MINIMUM_SHOULD_MATCH)
                        .set("fields", fields(LATIN_FIELDS));
            }
        }
        ArrayNode filter = bool.putArray("filter");
        r.category().ifPresent(c -> filter.addObject().putObject("term").put("category", c));
        // A date window keeps performances with a show inside it: first show before its end, last after its start.
        r.to().ifPresent(to -> range(filter, "firstShowAt", "lte", to));
        r.from().ifPresent(from -> range(filter, "lastShowAt", "gte", from));
        if (!r.hasText()) {
            // No words: list what a fan can still attend, soonest first.
            filter.addObject().putObject("range").putObject("lastShowAt").put("gte", now.toString());
        }
        bool.putArray("must_not").addObject().putObject("term").put("deleted", true);

        ArrayNode sort = body.putArray("sort");
        if (r.sort() == SearchRequest.Sort.DATE || !r.hasText()) {
            sort.addObject().putObject("firstShowAt").put("order", "asc").put("missing", "_last");
            sort.add("_score");
        } else {
            sort.add("_score");
            sort.addObject().putObject("firstShowAt").put("order", "asc").put("missing", "_last");
        }
        // A unique last key makes paging stable: equal scores never swap between page 1 and page 2.
        sort.addObject().putObject("id").put("order", "asc");
        return body;
    }

    public ObjectNode suggest(String q, int size) {
        ObjectNode body = json.createObjectNode();
        body.put("size", size);
        body.putArray("_source").add("id").add("title").add("firstShowAt");
        ObjectNode bool = body.putObject("query").putObject("bool");
        // Every typed word must start a word of the title ("레미" → "레미제라블의 귀환", "les mi" → "Les Misérables").
        bool.putArray("must").addObject().putObject("match").putObject("title.autocomplete")
                .put("query", q).put("operator", "and");
        // Titles that start with the whole input come first.
        bool.putArray("should").addObject().putObject("prefix").putObject("title.folded")
                .put("value", q.toLowerCase(Locale.ROOT)).put("boost", 2.0);
        bool.putArray("must_not").addObject().putObject("term").put("deleted", true);
        ArrayNode sort = body.putArray("sort");
        sort.add("_score");
        sort.addObject().putObject("firstShowAt").put("order", "asc").put("missing", "_last");
        sort.addObject().putObject("id").put("order", "asc");
        return body;
    }

    static String latinWords(String q) {
        StringBuilder out = new StringBuilder();
        Matcher m = LATIN_WORD.matcher(q);
        while (m.find()) {
            out.append(out.isEmpty() ? "" : " ").append(m.group());
        }
        return out.toString();
    }

    private ArrayNode fields(String[] names) {
        ArrayNode array = json.createArrayNode();
        for (String name : names) {
            array.add(name);
        }
        return array;
    }

    private static void range(ArrayNode filter, String field, String op, OffsetDateTime value) {
        filter.addObject().putObject("range").putObject(field).put(op, value.toString());
    }
}
