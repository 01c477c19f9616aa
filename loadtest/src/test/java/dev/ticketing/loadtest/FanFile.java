package dev.ticketing.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provisioned fans and their tokens, one per line: {@code email userId accessToken refreshToken accessExpiresAtMillis}
 * (tab-separated). It holds live credentials: written with owner-only permissions, atomically.
 */
public final class FanFile {

    public record Fan(String email, String userId, String accessToken, String refreshToken, long expiresAt) {
        public Api.Fan toApiFan() {
            return new Api.Fan(email, accessToken, refreshToken, expiresAt);
        }
    }

    private FanFile() {
    }

    /** {@code loadtest/target/fans/<prefix>.tsv} under {@code -DrepoRoot} (default: the working directory's parent). */
    public static Path defaultPath(String prefix) {
        return Path.of(Params.str("repoRoot", "..")).resolve("loadtest/target/fans/" + prefix + ".tsv").normalize();
    }

    public static Map<String, Fan> read(Path file) throws IOException {
        Map<String, Fan> fans = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return fans;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            if (f.length == 5) {
                fans.put(f[0], new Fan(f[0], f[1], f[2], f[3], Long.parseLong(f[4])));
            }
        }
        return fans;
    }

    public static void write(Path file, Iterable<Fan> fans) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        List<String> lines = new ArrayList<>();
        for (Fan f : fans) {
            lines.add(String.join("\t", f.email(), f.userId(), f.accessToken(), f.refreshToken(), Long.toString(f.expiresAt())));
        }
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, lines);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A per-prefix random password next to the fan file (owner-only), created on first use. */
    public static String password(Path fanFile) throws IOException {
        Path file = fanFile.resolveSibling(fanFile.getFileName().toString().replaceAll("\\.tsv$", "") + ".password");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] secret = new byte[18];
        new java.security.SecureRandom().nextBytes(secret);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password);
        return password;
    }
}
