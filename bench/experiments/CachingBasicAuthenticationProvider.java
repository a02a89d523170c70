package mn.esra.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;

import org.operaton.bpm.engine.IdentityService;
import org.operaton.bpm.engine.ProcessEngine;
import org.operaton.bpm.engine.identity.Group;
import org.operaton.bpm.engine.identity.Tenant;
import org.operaton.bpm.engine.rest.security.auth.AuthenticationResult;
import org.operaton.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;

/**
 * A benchmark experiment, not part of the engine application (bench/tune.py builds a copy of engine/app with it):
 * HTTP Basic as Operaton does it, but a successful login is remembered for a short time with the user's groups and
 * tenants. As shipped, every REST call checks the password and queries the caller's groups and tenants: three
 * engine commands before the call's own work. Only successful logins are kept (keyed by a SHA-256 of the header,
 * never the password itself), so wrong passwords still reach the engine and its login throttling; a changed
 * password, group or tenant takes effect within TTL.
 */
public class CachingBasicAuthenticationProvider extends HttpBasicAuthenticationProvider {

  private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int MAX_ENTRIES = 1000;
  private static final Map<String, Login> LOGINS = new ConcurrentHashMap<>();

  private record Login(String user, List<String> groups, List<String> tenants, long expiresAt) {}

  @Override
  public AuthenticationResult extractAuthenticatedUser(HttpServletRequest request, ProcessEngine engine) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      return super.extractAuthenticatedUser(request, engine);
    }
    String key = engine.getName() + ":" + sha256(header);
    long now = System.nanoTime();
    Login known = LOGINS.get(key);
    if (known != null && now - known.expiresAt() < 0) {
      return result(known);
    }
    AuthenticationResult checked = super.extractAuthenticatedUser(request, engine);
    if (!checked.isAuthenticated()) {
      LOGINS.remove(key);
      return checked;
    }
    IdentityService identity = engine.getIdentityService();
    String user = checked.getAuthenticatedUser();
    List<String> groups = identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId).toList();
    List<String> tenants = identity.createTenantQuery().userMember(user).includingGroupsOfUser(true).list().stream()
        .map(Tenant::getId).toList();
    if (LOGINS.size() >= MAX_ENTRIES) {
      LOGINS.clear();
    }
    Login login = new Login(user, groups, tenants, now + TTL_NANOS);
    LOGINS.put(key, login);
    return result(login);
  }

  private static AuthenticationResult result(Login login) {
    AuthenticationResult result = AuthenticationResult.successful(login.user());
    result.setGroups(login.groups());
    result.setTenants(login.tenants());
    return result;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
