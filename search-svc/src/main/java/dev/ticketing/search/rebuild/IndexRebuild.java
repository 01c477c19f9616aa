package dev.ticketing.search.rebuild;

import dev.ticketing.search.config.SearchConfig;
import dev.ticketing.search.index.PerformanceDocument;
import dev.ticketing.search.index.PerformanceIndex;
import dev.ticketing.search.problem.EngineUnavailableException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Rebuilds the index from booking-svc without downtime:
 * <ol>
 *   <li>create {@code performances-vN+1} behind the rebuild alias — from this moment the event consumer writes every
 *       event to both aliases, so nothing published during the rebuild is lost;</li>
 *   <li>fill it from booking-svc's catalog page by page, each document with its version (an event that got there
 *       first with a newer version wins);</li>
 *   <li>swap the alias in one atomic _aliases call and delete the old index. Searches answer from the old index
 *       until the swap and from the new one after it.</li>
 * </ol>
 * booking-svc publishes an event only after committing it, so anything missing from a page it served was
 * committed later and reaches the new index through the double writes.
 */
@ApplicationScoped
public class IndexRebuild {

    private final PerformanceIndex index;
    private final BookingCatalogClient catalog;
    private final int pageSize;
    private final AtomicBoolean running = new AtomicBoolean();

    public IndexRebuild(PerformanceIndex index, @RestClient BookingCatalogClient catalog, SearchConfig config) {
        this.index = index;
        this.catalog = catalog;
        this.pageSize = config.rebuild().pageSize();
    }

    public RebuildReport rebuild() {
        if (!running.compareAndSet(false, true)) {
            throw new RebuildInProgressException("a new index");
        }
        try {
            // Another pod may be rebuilding: its index carries the rebuild alias.
            Optional<String> other = index.rebuildIndex();
            if (other.isPresent()) {
                throw new RebuildInProgressException(other.get());
            }
            index.ensureAlias();
            return fillAndSwap();
        } finally {
            running.set(false);
        }
    }

    private RebuildReport fillAndSwap() {
        long started = System.nanoTime();
        Optional<String> previous = index.currentIndex();
        String next = index.createRebuildIndex();
        Log.infof("rebuild: filling %s (live index %s)", next, previous.orElse("none"));
        long seen = 0;
        long indexed = 0;
        try {
            for (int page = 0; ; page++) {
                CatalogPage batch = fetch(page);
                List<CatalogPage.Performance> items = batch.items() == null ? List.of() : batch.items();
                indexed += index.load(next, items.stream().map(IndexRebuild::toDocument).toList());
                seen += items.size();
                if (items.isEmpty() || seen >= batch.total()) {
                    break;
                }
            }
            index.swapTo(next, previous);
        } catch (RuntimeException e) {
            // Leave the live index untouched and drop the half-filled one (its rebuild alias goes with it).
            index.deleteIndex(next);
            throw e;
        }
        previous.ifPresent(index::deleteIndex);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        Log.infof("rebuild: %s live with %d performances in %d ms", next, seen, tookMs);
        return new RebuildReport(next, previous.orElse(null), seen, indexed, tookMs);
    }

    private CatalogPage fetch(int page) {
        try {
            return catalog.page(page, pageSize);
        } catch (WebApplicationException | ProcessingException e) {
            throw new EngineUnavailableException(502, "booking-svc catalog page " + page + " failed: "
                    + e.getMessage(), e);
        }
    }

    static PerformanceDocument toDocument(CatalogPage.Performance p) {
        List<PerformanceDocument.Showtime> showtimes = p.showtimes() == null ? List.of()
                : p.showtimes().stream().map(s -> new PerformanceDocument.Showtime(s.id(), s.startsAt())).toList();
        return new PerformanceDocument(p.id(), p.version(), false, p.title(), p.description(), p.venue(),
                p.category(), showtimes, p.firstShowAt(), p.lastShowAt());
    }
}
