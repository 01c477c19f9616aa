package dev.ticketing.queue.waitingroom;

import dev.ticketing.queue.room.RoomId;
import dev.ticketing.queue.room.RoomNotFoundException;
import io.quarkus.security.Authenticated;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Enter, look at and leave the line. The user is the access token's subject. */
@Path("/api/queues/{performanceId}/entries")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class EntriesResource {

    private final WaitingRoom room;
    private final JsonWebToken jwt;

    public EntriesResource(WaitingRoom room, JsonWebToken jwt) {
        this.room = room;
        this.jwt = jwt;
    }

    /** 201 when placed at the back of the line (first entry or re-entry), 200 when an admitted session is kept. */
    @POST
    public Response enter(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        WaitingRoom.Entry entry = room.enter(performanceId, jwt.getSubject(), null);
        return Response.status(entry.kept() ? Response.Status.OK : Response.Status.CREATED).entity(entry.status()).build();
    }

    @GET
    @Path("/me")
    public EntryStatus me(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        EntryStatus status = room.status(performanceId, jwt.getSubject());
        if (status == null) {
            throw new RoomNotFoundException.NotInRoom(performanceId);
        }
        return status;
    }

    @DELETE
    @Path("/me")
    public Response leave(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        room.leave(performanceId, jwt.getSubject());
        return Response.noContent().build();
    }
}
