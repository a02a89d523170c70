package mn.esra.engine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.Supplier;
import org.operaton.bpm.engine.ProcessEngine;
import org.springframework.stereotype.Component;

/** The engine's state for operations, beside the JVM and pool metrics on /actuator/prometheus. */
@Component
public class EngineMetrics implements MeterBinder {
  private final ProcessEngine engine;

  public EngineMetrics(ProcessEngine engine) {
    this.engine = engine;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "operaton.process.instances.active", "Running process instances",
        () -> engine.getRuntimeService().createProcessInstanceQuery().active().count());
    gauge(registry, "operaton.incidents.open", "Open incidents (Cockpit lists them)",
        () -> engine.getRuntimeService().createIncidentQuery().count());
    gauge(registry, "operaton.external.tasks.open", "External tasks waiting for or held by a worker",
        () -> engine.getExternalTaskService().createExternalTaskQuery().count());
    gauge(registry, "operaton.external.tasks.locked", "External tasks locked by a worker now",
        () -> engine.getExternalTaskService().createExternalTaskQuery().locked().count());
    gauge(registry, "operaton.user.tasks.open", "Open user tasks",
        () -> engine.getTaskService().createTaskQuery().count());
    gauge(registry, "operaton.jobs.executable", "Jobs (timers, retries) due now",
        () -> engine.getManagementService().createJobQuery().executable().count());
  }

  private static void gauge(MeterRegistry registry, String name, String help, Supplier<Long> count) {
    Gauge.builder(name, () -> count.get().doubleValue()).description(help).register(registry);
  }
}
