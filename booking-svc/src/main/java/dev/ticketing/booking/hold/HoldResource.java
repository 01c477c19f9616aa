package dev.ticketing.booking.hold;

import dev.ticketing.booking.admission.AdmissionVerifier;
import dev.ticketing.booking.catalog.CatalogResource;
import dev.ticketing.booking.hold.HoldService.Hold;
import dev.ticketing.booking.hold.HoldService.Showtime;
import dev.ticketing.booking.problem.ProblemException;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
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

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Path("/api/showtimes/{showtimeId}/holds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Authenticated
public class HoldResource {

    public record HoldRequest(@NotNull @Size(min = 1, max = 20) List<@NotNull String> seatIds) {
    }

    private final HoldService holds;
    private final AdmissionVerifier admission;
    private final JsonWebToken user;

    public HoldResource(HoldService holds, AdmissionVerifier admission, JsonWebToken user) {
        this.holds = holds;
        this.admission = admission;
        this.user = user;
    }

    @POST
    public Response hold(@PathParam("showtimeId") String showtimeId,
                         @HeaderParam("X-Admission-Token") String admissionToken,
                         @NotNull @Valid HoldRequest request) {
        Showtime showtime = holds.showtime(CatalogResource.parseId(showtimeId, "showtime"))
                .orElseThrow(() -> ProblemException.notFound("showtime " + showtimeId));
        admission.verify(admissionToken, user.getSubject(), showtime.performanceId());
        List<UUID> ids = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        for (String id : request.seatIds()) {
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                malformed.add(id);
            }
        }
        if (!malformed.isEmpty()) {
            throw new SeatsTakenException(List.of(), malformed);
        }
        holds.validate(ids);
        List<String> taken = holds.knownTaken(showtime, user.getSubject(), ids);
        if (!taken.isEmpty()) {
            throw new SeatsTakenException(taken, List.of());
        }
        Hold hold = holds.hold(showtime, user.getSubject(), ids);
        return Response.status(201).entity(hold).build();
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
