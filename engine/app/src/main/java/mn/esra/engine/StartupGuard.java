package mn.esra.engine;

import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/** Outside development, a default or empty admin password stops the start with one clear line. */
public class StartupGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
  static final Set<String> DEFAULT_PASSWORDS = Set.of("", "demo", "admin", "password", "changeme");

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment env = event.getEnvironment();
    String environment = env.getProperty("esra.environment", "development");
    String password = env.getProperty("operaton.bpm.admin-user.password", "");
    if (!"development".equals(environment) && DEFAULT_PASSWORDS.contains(password.trim().toLowerCase())) {
      System.err.println("engine: refusing to start in " + environment
          + ": set ENGINE_ADMIN_PASSWORD to a non-default secret");
      System.exit(2);
    }
  }
}
