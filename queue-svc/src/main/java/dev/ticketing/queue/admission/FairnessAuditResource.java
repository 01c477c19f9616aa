package dev.ticketing.queue.admission;

import dev.ticketing.queue.room.RoomId;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
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
}
