package dev.ticketing.booking.hold;

import dev.ticketing.booking.catalog.CatalogResource;
import dev.ticketing.booking.hold.HoldService.Hold;
import dev.ticketing.booking.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;

@Path("/api/showtimes/{showtimeId}/holds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Authenticated
public class HoldResource {

    /**
     * Either {@code seatIds} (these seats) or {@code count} (best available: that many adjacent seats in one row,
     * optionally only in {@code section}), never both.
     */
    public record HoldRequest(@Size(min = 1, max = 20) List<@NotNull String> seatIds,
                              @Min(1) Integer count,
                              @Size(max = 40) String section) {
    }

    private final HoldService holds;
    private final JsonWebToken user;

    public HoldResource(HoldService holds, JsonWebToken user) {
        this.holds = holds;
        this.user = user;
    }

    /**
     * Non-blocking: a refusal of seats someone already has is answered on the event loop (HoldService#holdAsync);
     * everything that needs a signature check or the database runs on a worker. Most refusals of a sold-out minute
     * never get here: {@link HoldRoute} answers them before this resource; what it lets through arrives with the gate's
     * answer, which is not asked again.
     */
    @POST
    public Uni<Response> hold(@PathParam("showtimeId") String showtimeId,
                              @HeaderParam("X-Admission-Token") String admissionToken,
                              @NotNull @Valid HoldRequest request, RoutingContext routing) {
        if (request.seatIds() != null && request.count() != null) {
            throw ProblemException.invalid("count", "give either seatIds or count, not both");
        }
        if (request.seatIds() == null && request.count() == null) {
            throw ProblemException.invalid("seatIds", "give seatIds, or count for the best available seats");
        }
        if (request.seatIds() != null && request.section() != null) {
            throw ProblemException.invalid("section", "section goes with count (best available), not with seatIds");
        }
        String userId = user.getSubject();
        Uni<Hold> hold = request.count() != null
                ? HoldService.onWorker(() -> holds.holdBest(showtimeId, userId, admissionToken, request.count(), request.section()))
                : holds.holdAsync(showtimeId, userId, admissionToken, request.seatIds(), HoldRoute.gated(routing));
        return hold.map(h -> Response.status(201).entity(h).build());
    }

    @DELETE
    @Path("/{holdId}")
    public Response release(@PathParam("showtimeId") String showtimeId, @PathParam("holdId") String holdId) {
        if (!holds.release(CatalogResource.parseId(holdId, "hold"), user.getSubject())) {
            throw ProblemException.notFound("live hold " + holdId);
        }
        return Response.noContent().build();
    }
}
