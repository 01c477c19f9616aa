package dev.ticketing.queue.room;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Admin settings of a room: capacity of the active set, session TTL, admit rate. */
@Path("/api/queues/{performanceId}/config")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class RoomConfigResource {

    private final Rooms rooms;

    public RoomConfigResource(Rooms rooms) {
        this.rooms = rooms;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public RoomSettings put(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId,
                            @NotNull @Valid RoomConfigRequest request) {
        return rooms.configure(performanceId, request);
    }

    @GET
    public RoomSettings get(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        return rooms.settings(performanceId);
    }
}
