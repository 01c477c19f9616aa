package dev.ticketing.queue.admission;

import dev.ticketing.queue.room.RoomId;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Admin view of a room's fairness audit (admission order vs arrival order). */
@Path("/api/queues/{performanceId}/audit")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class FairnessAuditResource {

    private final FairnessAudit audit;

    public FairnessAuditResource(FairnessAudit audit) {
        this.audit = audit;
    }

    @GET
    public FairnessAudit.Report get(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        return audit.report(performanceId);
    }

    /** The opening draw in draw order (entrants, their hashes): with the seed of the report, anyone can re-run it. */
    @GET
    @Path("/draw")
    public FairnessAudit.DrawPage draw(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId,
                                       @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
                                       @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(10_000) int limit) {
        return audit.drawPage(performanceId, offset, limit);
    }
}
