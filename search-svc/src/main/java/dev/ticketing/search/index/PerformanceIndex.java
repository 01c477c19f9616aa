package dev.ticketing.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ticketing.search.config.SearchConfig;
import dev.ticketing.search.problem.EngineUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The performances index: an alias ({@code performances}) over a versioned index ({@code performances-vN}).
 *
 * <p>Every write is versioned by the engine ({@code version_type=external}): a document only changes when the
 * write carries a strictly higher version than the stored one, so replays and out-of-order events are refused
 * atomically, whatever pod or thread sends them. While a rebuild runs, the new index carries a second alias and live
 * writes go to both aliases in one bulk call; {@code require_alias} keeps a write from ever auto-creating an index
 * with a guessed mapping.
 */
@ApplicationScoped
public class PerformanceIndex {

    private final OpenSearchCalls engine;
    private final ObjectMapper json;
    private final SearchConfig.Index config;
    private final ObjectNode template;
    private final Pattern versionedName;

    public PerformanceIndex(OpenSearchCalls engine, ObjectMapper json, SearchConfig config) {
        this.engine = engine;
        this.json = json;
        this.config = config.index();
        this.template = loadTemplate(json);
        this.versionedName = Pattern.compile(Pattern.quote(this.config.alias()) + "-v(\\d+)");
    }

    public String alias() {
        return config.alias();
    }

    void onStart(@Observes StartupEvent start) {
        try {
            ensureAlias();
        } catch (EngineUnavailableException e) {
            // Not fatal: readiness reports the engine, and the first write or rebuild creates the index.
            Log.warnf("could not prepare the %s alias at startup: %s", config.alias(), e.getMessage());
        }
    }

    /** Creates {@code performances-vN} behind the alias if the alias does not exist yet (idempotent, multi-pod safe). */
    public synchronized void ensureAlias() {
        if (currentIndex().isPresent()) {
            return;
        }
        String name = nextIndexName();
        OpenSearchCalls.Reply reply = engine.send("PUT", "/" + name, Map.of(), indexBody(config.alias()));
        if (!reply.ok() && !"resource_already_exists_exception".equals(reply.errorType())) {
            throw new EngineUnavailableException(503, "cannot create index " + name + ": " + reply.body(), null);
        }
        Log.infof("index %s created behind alias %s", name, config.alias());
    }

    /** The index the alias points at now. */
    public Optional<String> currentIndex() {
        return indexBehind(config.alias());
    }

    public Optional<String> rebuildIndex() {
        return indexBehind(config.rebuildAlias());
    }

    private Optional<String> indexBehind(String alias) {
        OpenSearchCalls.Reply reply = engine.send("GET", "/_alias/" + alias, Map.of(), null);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw new EngineUnavailableException(503, "cannot read alias " + alias, null);
        }
        Iterator<String> names = reply.body().fieldNames();
        return names.hasNext() ? Optional.of(names.next()) : Optional.empty();
    }

    /**
     * Applies one performance's state, live: to the alias, and to the rebuild alias when a rebuild is filling a new
     * index (so no event is lost across the swap). Retried on engine failures; the outcome is the live index's.
     */
    @Retry(maxRetries = 8, delay = 250, jitter = 100, maxDuration = 30, durationUnit = ChronoUnit.SECONDS,
            retryOn = EngineUnavailableException.class)
    public WriteOutcome write(PerformanceDocument doc) {
        List<JsonNode> lines = new ArrayList<>(4);
        lines.add(indexAction(config.alias(), doc, true));
        lines.add(json.valueToTree(doc));
        lines.add(indexAction(config.rebuildAlias(), doc, true));
        lines.add(json.valueToTree(doc));
        JsonNode items = engine.bulk(lines, Map.of()).body().path("items");

        JsonNode live = items.path(0).path("index");
        JsonNode rebuilding = items.path(1).path("index");
        if (isMissingAlias(live)) {
            ensureAlias();
            throw new EngineUnavailableException(503, "alias " + config.alias() + " was missing; created it", null);
        }
        if (!isAppliedOrStale(rebuilding) && !isMissingAlias(rebuilding)) {
            throw new EngineUnavailableException(503, "rebuild index refused " + doc.id() + ": " + rebuilding, null);
        }
        if (isConflict(live)) {
            return WriteOutcome.STALE;
        }
        if (!isAppliedOrStale(live)) {
            throw new EngineUnavailableException(503, "index refused " + doc.id() + ": " + live, null);
        }
        return WriteOutcome.APPLIED;
    }

    /** Loads documents into a concrete index (a rebuild); versions still decide, so a newer live write survives. */
    public int load(String index, List<PerformanceDocument> docs) {
        if (docs.isEmpty()) {
            return 0;
        }
        List<JsonNode> lines = new ArrayList<>(docs.size() * 2);
        for (PerformanceDocument doc : docs) {
            lines.add(indexAction(index, doc, false));
            lines.add(json.valueToTree(doc));
        }
        int applied = 0;
        for (JsonNode item : engine.bulk(lines, Map.of()).body().path("items")) {
            JsonNode result = item.path("index");
            if (!isAppliedOrStale(result)) {
                throw new EngineUnavailableException(503, "bulk load into " + index + " failed: " + result, null);
            }
            applied += isConflict(result) ? 0 : 1;
        }
        return applied;
    }

    /** Creates the next versioned index behind the rebuild alias, with refresh off while it is filled. */
    public String createRebuildIndex() {
        String name = nextIndexName();
        ObjectNode body = indexBody(config.rebuildAlias());
        ((ObjectNode) body.path("settings")).put("refresh_interval", "-1");
        engine.require("PUT", "/" + name, Map.of(), body);
        return name;
    }

    /**
     * Makes the filled index visible and points the alias at it, in one _aliases call: readers see the old index or
     * the new one, never neither. The rebuild alias goes in the same call, ending the double writes.
     */
    public void swapTo(String next, Optional<String> previous) {
        ObjectNode settings = json.createObjectNode();
        settings.putObject("index").putNull("refresh_interval");
        engine.require("PUT", "/" + next + "/_settings", Map.of(), settings);
        engine.require("POST", "/" + next + "/_refresh", Map.of(), null);

        ObjectNode body = json.createObjectNode();
        ArrayNode actions = body.putArray("actions");
        previous.ifPresent(old -> actions.addObject().putObject("remove")
                .put("index", old).put("alias", config.alias()));
        actions.addObject().putObject("add").put("index", next).put("alias", config.alias());
        actions.addObject().putObject("remove").put("index", next).put("alias", config.rebuildAlias());
        engine.require("POST", "/_aliases", Map.of(), body);
    }

    public void deleteIndex(String name) {
        OpenSearchCalls.Reply reply = engine.send("DELETE", "/" + name, Map.of(), null);
        if (!reply.ok() && reply.status() != 404) {
            Log.warnf("could not delete index %s: %s", name, reply.body());
        }
    }

    /** Runs a search body against the alias. */
    public JsonNode search(ObjectNode body) {
        OpenSearchCalls.Reply reply = engine.send("POST", "/" + config.alias() + "/_search", Map.of(), body);
        if (!reply.ok()) {
            // Our queries are built so user input cannot make them invalid; a refusal here is our bug or the
            // engine's state, reported as unavailable rather than blamed on the caller.
            throw new EngineUnavailableException(503, "search refused: " + reply.status() + " "
                    + reply.body().path("error").path("reason").asText(""), null);
        }
        return reply.body();
    }

    String nextIndexName() {
        JsonNode existing = engine.require("GET", "/" + config.alias() + "-v*/_alias", Map.of(), null);
        int max = 0;
        for (Iterator<String> it = existing.fieldNames(); it.hasNext(); ) {
            Matcher m = versionedName.matcher(it.next());
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return config.alias() + "-v" + (max + 1);
    }

    private ObjectNode indexBody(String alias) {
        ObjectNode body = template.deepCopy();
        ObjectNode settings = (ObjectNode) body.path("settings");
        settings.put("number_of_shards", config.shards());
        settings.put("number_of_replicas", config.replicas());
        settings.put("max_result_window", config.maxResultWindow());
        body.putObject("aliases").putObject(alias);
        return body;
    }

    private ObjectNode indexAction(String target, PerformanceDocument doc, boolean requireAlias) {
        ObjectNode action = json.createObjectNode();
        ObjectNode meta = action.putObject("index");
        meta.put("_index", target).put("_id", doc.id()).put("version", doc.version()).put("version_type", "external");
        if (requireAlias) {
            meta.put("require_alias", true);
        }
        return action;
    }

    private static boolean isConflict(JsonNode item) {
        return item.path("status").asInt() == 409;
    }

    private static boolean isAppliedOrStale(JsonNode item) {
        int status = item.path("status").asInt();
        return (status >= 200 && status < 300) || status == 409;
    }

    private static boolean isMissingAlias(JsonNode item) {
        return item.path("status").asInt() == 404
                && "index_not_found_exception".equals(item.path("error").path("type").asText());
    }

    private static ObjectNode loadTemplate(ObjectMapper json) {
        try (InputStream in = PerformanceIndex.class.getResourceAsStream("/opensearch/performances-index.json")) {
            return (ObjectNode) json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
