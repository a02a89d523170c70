package mn.esra.engine;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Set;
import javax.sql.DataSource;
import org.operaton.bpm.engine.IdentityService;
import org.operaton.bpm.engine.authorization.Groups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * An online backup of the H2 database while the engine runs, for {@code python -m engine backup}.
 *
 * <p>{@code POST /esra-admin/backup} with an administrator's HTTP Basic credentials (a member of
 * operaton-admin) answers a zip of the database. H2's {@code BACKUP TO} writes it, consistent while the
 * engine keeps working, into a private file in the engine's own backup folder ({@code esra.backup.dir},
 * default {@code backups} under the working folder), which is deleted once sent: the caller names no path
 * on the engine's machine. A wrong password is 401, a user who is not an administrator 403; on PostgreSQL
 * (backed up with pg_dump) the answer is 409.
 */
@RestController
public class DatabaseBackup {
  private static final Logger log = LoggerFactory.getLogger(DatabaseBackup.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  private final DataSource dataSource;
  private final IdentityService identity;
  private final Path folder;

  public DatabaseBackup(DataSource dataSource, IdentityService identity,
      @Value("${esra.backup.dir:backups}") String folder) {
    this.dataSource = dataSource;
    this.identity = identity;
    this.folder = Path.of(folder).toAbsolutePath();
  }

  @PostMapping("/esra-admin/backup")
  public void backup(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      HttpServletResponse response) throws IOException, SQLException {
    String user = userOf(authorization);
    if (user == null) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"esra-engine\"");
      refuse(response, HttpStatus.UNAUTHORIZED, "an administrator's user and password are required");
      return;
    }
    if (identity.createUserQuery().userId(user).memberOfGroup(Groups.OPERATON_ADMIN).count() == 0) {
      refuse(response, HttpStatus.FORBIDDEN, "only an administrator may back up the database");
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
        refuse(response, HttpStatus.CONFLICT, "not an H2 database: back it up with pg_dump");
        return;
      }
      Path zip = privateFile();
      try {
        try (Statement statement = connection.createStatement()) {
          statement.execute("BACKUP TO '" + zip.toString().replace("'", "''") + "'");
        }
        long size = Files.size(zip);
        response.setContentType("application/zip");
        response.setContentLengthLong(size);
        Files.copy(zip, response.getOutputStream());
        log.info("database backup sent to {} ({} bytes)", user, size);
      } finally {
        Files.deleteIfExists(zip);
      }
    }
  }

  /** The user of valid HTTP Basic credentials (the engine throttles wrong passwords), else null. */
  private String userOf(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String pair;
    try {
      pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    int colon = pair.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String user = pair.substring(0, colon);
    return identity.checkPassword(user, pair.substring(colon + 1)) ? user : null;
  }

  /** An empty file only this account may read (BACKUP TO overwrites it and keeps its mode). */
  private Path privateFile() throws IOException {
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    return Files.createTempFile(folder, "engine-", ".zip"); // rw------- on POSIX
  }

  private static void refuse(HttpServletResponse response, HttpStatus status, String reason) throws IOException {
    response.setStatus(status.value());
    response.setContentType("text/plain;charset=UTF-8");
    response.getOutputStream().write(reason.getBytes(StandardCharsets.UTF_8));
  }
}
