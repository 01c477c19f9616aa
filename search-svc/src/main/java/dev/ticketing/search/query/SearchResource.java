package dev.ticketing.search.query;

import dev.ticketing.search.config.SearchConfig;
import dev.ticketing.search.problem.InvalidRequestException;
import dev.ticketing.search.problem.Problem;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.ArrayList;
import java.util.List;

/** Public search API (no token needed). */
@Path("/api/search")
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {

    static final int MAX_SUGGEST_INPUT = 100;

    private final PerformanceSearch search;
    private final SearchConfig config;

    public SearchResource(PerformanceSearch search, SearchConfig config) {
        this.search = search;
        this.config = config;
    }

    @GET
    @Path("/performances")
    @Operation(summary = "Search performances by title, description and venue (Korean and Latin text)")
    public SearchPage performances(
            @QueryParam("q") @Parameter(description = "words; empty lists upcoming performances") String q,
            @QueryParam("page") @Parameter(description = "0-based page, default 0") String page,
            @QueryParam("size") @Parameter(description = "page size, default 10, at most 50") String size,
            @QueryParam("category") String category,
            @QueryParam("from") @Parameter(description = "ISO date or date-time: shows on or after") String from,
            @QueryParam("to") @Parameter(description = "ISO date or date-time: shows on or before") String to,
            @QueryParam("sort") @Parameter(description = "relevance (default) or date") String sort) {
        return search.search(SearchRequest.parse(q, page, size, category, from, to, sort, config));
    }

    @GET
    @Path("/suggest")
    @Operation(summary = "Titles starting with the typed words, for the search box")
    public Suggestions suggest(@QueryParam("q") @Size(max = MAX_SUGGEST_INPUT) String q,
                               @QueryParam("size") String size) {
        List<Problem.Violation> violations = new ArrayList<>();
        Integer count = SearchRequest.integer("size", size, config.suggest().defaultSize(), 1,
                config.suggest().maxSize(), violations);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return search.suggest(q == null ? "" : q.strip(), count);
    }
}
