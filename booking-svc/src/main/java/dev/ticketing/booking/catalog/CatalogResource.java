package dev.ticketing.booking.catalog;

import dev.ticketing.booking.catalog.CatalogDtos.PerformancePage;
import dev.ticketing.booking.catalog.CatalogDtos.PerformanceRequest;
import dev.ticketing.booking.catalog.CatalogDtos.PerformanceUpdate;
import dev.ticketing.booking.catalog.CatalogDtos.PerformanceView;
import dev.ticketing.booking.catalog.CatalogDtos.SeatMap;
import dev.ticketing.booking.catalog.CatalogDtos.TicketLimitRequest;
import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.problem.ProblemException;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.util.UUID;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CatalogResource {

    private final CatalogService catalog;
    private final SeatMaps seatMaps;
    private final String seatMapCacheControl;

    public CatalogResource(CatalogService catalog, SeatMaps seatMaps, BookingConfig config) {
        this.catalog = catalog;
        this.seatMaps = seatMaps;
        this.seatMapCacheControl = "public, max-age=" + config.seatMapMaxAge().toSeconds();
    }

    @POST
    @Path("/performances")
    @RolesAllowed("admin")
    public Response create(@NotNull @Valid PerformanceRequest request) {
        PerformanceView v = catalog.create(request);
        return Response.created(URI.create("/api/performances/" + v.id())).entity(v).build();
    }

    @PUT
    @Path("/performances/{id}")
    @RolesAllowed("admin")
    public PerformanceView update(@PathParam("id") String id, @NotNull @Valid PerformanceUpdate request) {
        return catalog.update(parseId(id, "performance"), request);
    }

    /** The most tickets one fan may have for this performance (holds and orders over all its showtimes). */
    @PUT
    @Path("/performances/{id}/ticket-limit")
    @RolesAllowed("admin")
    public PerformanceView ticketLimit(@PathParam("id") String id, @NotNull @Valid TicketLimitRequest request) {
        return catalog.setTicketLimit(parseId(id, "performance"), request.limit());
    }

    @DELETE
    @Path("/performances/{id}")
    @RolesAllowed("admin")
    public Response delete(@PathParam("id") String id) {
        catalog.delete(parseId(id, "performance"));
        return Response.noContent().build();
    }

    @GET
    @Path("/performances/{id}")
    @PermitAll
    public PerformanceView get(@PathParam("id") String id) {
        UUID uuid = parseId(id, "performance");
        return catalog.find(uuid).orElseThrow(() -> ProblemException.notFound("performance " + id));
    }

    /** All live performances, oldest first: what search-svc pages through to rebuild its index. */
    @GET
    @Path("/performances")
    @PermitAll
    public PerformancePage list(@QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
                                @QueryParam("size") @DefaultValue("20") @Min(1) @Max(200) int size) {
        return catalog.list(page, size);
    }

    /** Shared by every fan for up to booking.seat-map.max-age (SeatMaps); Cache-Control says so to browsers and edges. */
    @GET
    @Path("/showtimes/{id}/seats")
    @PermitAll
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SeatMap.class)))
    public Response seats(@PathParam("id") String id) {
        byte[] body = seatMaps.body(parseId(id, "showtime")).orElseThrow(() -> ProblemException.notFound("showtime " + id));
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", seatMapCacheControl).build();
    }

    /** Ids are opaque to clients: anything that is not one of ours is simply not found. */
    public static UUID parseId(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound(what + " " + id);
        }
    }
}
