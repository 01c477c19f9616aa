package dev.ticketing.gateway.routing;

import java.util.regex.Pattern;

/**
 * One entry of the routing table. {@code prefix} routes match by {@link String#startsWith}; {@code regex} routes by a
 * regular expression anchored at the start of the path (nginx location semantics, which the ingress uses).
 */
public record Route(String path, Match match, String service, int port, Auth auth, boolean websocket, Pattern regex) {

    public enum Match { PREFIX, REGEX }

    public enum Auth { PUBLIC, USER }

    public boolean matches(String requestPath) {
        return match == Match.PREFIX ? requestPath.startsWith(path) : regex.matcher(requestPath).lookingAt();
    }

    public boolean requiresUser() {
        return auth == Auth.USER;
    }
}
